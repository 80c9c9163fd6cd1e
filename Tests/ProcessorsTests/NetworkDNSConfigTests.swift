// dns options (every one, with its errors), nameserver parsing, the resolver's helpers (reverse names,
// resolv.conf, timeout rounding, TXT escaping), and the caches' lifetimes and bounds with a controllable clock.

import Config
import Events
import Foundation
import NetModel
import Synchronization
import Testing

@testable import Processors

@Suite struct DNSOptionTests {
    static var base: KeyValuePairs<String, Any?> { ["type": "reverse", "nameservers": "192.0.2.53"] }

    @Test func typesAreCaseInsensitive() throws {
        for (text, type) in [("A", DNSQueryType.a), ("aaaa", .aaaa), ("Reverse", .ptr), ("PTR", .ptr), ("txt", .txt)] {
            let p = try build("dns", ["type": text, "nameservers": "192.0.2.53"])
            #expect((p as? DNSProcessor)?.type == type, "\(text)")
        }
    }

    @Test func typeIsRequiredAndChecked() {
        #expect(buildError("dns", ["nameservers": "192.0.2.53"])?.contains("dns requires \"type\"") == true)
        #expect(
            buildError("dns", ["type": "MX", "nameservers": "192.0.2.53"])?
                .contains("invalid dns lookup type \"MX\" (valid values are: A, AAAA, PTR, reverse, TXT)") == true)
    }

    @Test func actionAndTransport() throws {
        #expect((try build("dns", ["type": "a", "nameservers": "192.0.2.53"]) as? DNSProcessor)?.replace == false)
        #expect(
            (try build("dns", ["type": "a", "nameservers": "192.0.2.53", "action": ""]) as? DNSProcessor)?.replace
                == false)
        #expect(
            buildError("dns", ["type": "a", "nameservers": "192.0.2.53", "action": "merge"])?
                .contains("action: invalid dns field action \"merge\"") == true)
        #expect(buildError("dns", ["type": "a", "nameservers": "192.0.2.53", "transport": "UDP"]) == nil)
        let tls = buildError("dns", ["type": "a", "nameservers": "192.0.2.53", "transport": "tls"])
        #expect(tls?.contains("transport: transport tls (DNS over TLS) is not available") == true)
        #expect(
            buildError("dns", ["type": "a", "nameservers": "192.0.2.53", "transport": "tcp"])?
                .contains("invalid transport \"tcp\"") == true)
    }

    @Test(arguments: [("500ms", 1), ("1s", 1), ("1001ms", 2), ("2500ms", 3), ("0s", 1), ("3", 3)])
    func timeoutRoundsUpToWholeSeconds(timeout: String, seconds: Int32) throws {
        let p = try build("dns", ["type": "ptr", "nameservers": "192.0.2.53", "timeout": timeout]) as? DNSProcessor
        #expect((p?.lookups.resolver as? LibresolvResolver)?.timeoutSeconds == seconds)
    }

    @Test func negativeTimeoutIsRejected() {
        #expect(
            buildError("dns", ["type": "ptr", "nameservers": "192.0.2.53", "timeout": "-1s"])?
                .contains("timeout: must not be negative") == true)
    }

    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1", 53), ("192.0.2.1:5353", "192.0.2.1", 5353), ("2001:db8::1", "2001:db8::1", 53),
        ("[2001:db8::1]", "2001:db8::1", 53), ("[2001:db8::1]:853", "2001:db8::1", 853),
        ("[::ffff:192.0.2.1]:54", "192.0.2.1", 54),
    ])
    func nameserverAddresses(text: String, address: String, port: Int) {
        #expect(DNSNameserver(text) == DNSNameserver(address: IPAddress(address)!, port: UInt16(port)))
    }

    @Test(arguments: ["dns.example.com", "192.0.2.1:99999", "[2001:db8::1", "192.0.2.1:", "[::1]x", "", "1.2.3"])
    func notNameserverAddresses(text: String) {
        #expect(DNSNameserver(text) == nil)
    }

    @Test func nameserverErrors() {
        #expect(
            buildError("dns", ["type": "ptr", "nameservers": ["192.0.2.1", "resolver.example"]])?
                .contains("nameservers.1: \"resolver.example\" is not a nameserver address") == true)
        let four = buildError(
            "dns", ["type": "ptr", "nameservers": ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]])
        #expect(four?.contains("at most 3 nameservers") == true)
        let resolver = (try? build("dns", ["type": "ptr", "nameservers": ["192.0.2.1:5300", "[2001:db8::53]"]]))
            .flatMap { ($0 as? DNSProcessor)?.lookups.resolver as? LibresolvResolver }
        #expect(resolver?.nameservers == [DNSNameserver("192.0.2.1:5300")!, DNSNameserver("2001:db8::53")!])
    }

    @Test func withoutNameserversResolvConfIsRequired() {
        let message = buildError("dns", ["type": "ptr", "fields": ["source.ip": "source.domain"]])
        if LibresolvResolver.resolvConfHasNameserver() {
            #expect(message == nil)
        } else {
            #expect(message?.contains("no dns servers configured") == true)
        }
    }

    @Test func resolvConfNameserverLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wirebeat-dns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let with = dir.appendingPathComponent("with").path
        let without = dir.appendingPathComponent("without").path
        try "# local\nsearch example.com\nnameserver\t10.0.0.53\n".write(
            toFile: with, atomically: true, encoding: .utf8)
        try "search example.com\n#nameserver 10.0.0.53\nnameserver\n".write(
            toFile: without, atomically: true, encoding: .utf8)
        #expect(LibresolvResolver.resolvConfHasNameserver(path: with))
        #expect(!LibresolvResolver.resolvConfHasNameserver(path: without))
        #expect(!LibresolvResolver.resolvConfHasNameserver(path: dir.appendingPathComponent("missing").path))
    }

    @Test func cacheOptions() throws {
        let p =
            try build(
                "dns",
                [
                    "type": "ptr", "nameservers": "192.0.2.53",
                    "success_cache": ["capacity": ["initial": 5, "max": 50], "min_ttl": "90s", "ttl": "1h"],
                    "failure_cache": ["capacity": ["initial": 0, "max": 7], "ttl": "15s", "min_ttl": "1m"],
                ]) as? DNSProcessor
        #expect(p?.lookups.successSettings == DNSCacheSettings(initialCapacity: 5, maxCapacity: 50, ttl: .seconds(90)))
        #expect(p?.lookups.failureSettings == DNSCacheSettings(initialCapacity: 0, maxCapacity: 7, ttl: .seconds(15)))
        let defaults = try build("dns", DNSOptionTests.base) as? DNSProcessor
        #expect(
            defaults?.lookups.successSettings
                == DNSCacheSettings(initialCapacity: 1000, maxCapacity: 10000, ttl: .seconds(60)))
        #expect(
            defaults?.lookups.failureSettings
                == DNSCacheSettings(initialCapacity: 1000, maxCapacity: 10000, ttl: .seconds(60)))
    }

    @Test(
        arguments: [
            ("success_cache", cv(["capacity": ["max": 0]]), "success_cache.capacity.max: must be between 1"),
            ("failure_cache", cv(["capacity": ["initial": -1]]), "failure_cache.capacity.initial: must be between 0"),
            (
                "success_cache", cv(["capacity": ["initial": 20, "max": 10]]),
                "success_cache.capacity.max: must be at least"
            ),
            ("success_cache", cv(["min_ttl": "0s"]), "success_cache.min_ttl: must be greater than zero"),
            ("failure_cache", cv(["ttl": "0"]), "failure_cache.ttl: must be greater than zero"),
            ("failure_cache", cv(["size": 3]), "failure_cache.size: unknown option"),
            ("success_cache", cv(["capacity": ["min": 3]]), "success_cache.capacity.min: unknown option"),
            ("success_cache", cv("big"), "success_cache: expected a map"),
        ] as [(String, ConfigValue, String)])
    func cacheOptionErrors(key: String, value: ConfigValue, expected: String) {
        let entry = ProcessorEntry(
            name: "dns",
            config: .map(["type": .string("ptr"), "nameservers": .string("192.0.2.53"), key: value]),
            location: SourceLocation(file: "test.yml", line: 1), index: 0)
        do {
            _ = try ProcessorFactory.processor(entry, environment: ProcessorEnvironment())
            Issue.record("built with \(key): \(value)")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func fieldsFlattenAndTargetsMustBeStrings() throws {
        let p = try build(
            "dns",
            [
                "type": "ptr", "nameservers": "192.0.2.53",
                "fields": ["source": ["ip": "source.domain"], "host.ip": "host.name"],
            ])
        #expect(
            (p as? DNSProcessor)?.fields.map { "\($0.source)→\($0.target)" } == [
                "host.ip→host.name", "source.ip→source.domain",
            ])
        #expect(
            buildError("dns", ["type": "ptr", "nameservers": "192.0.2.53", "fields": ["source.ip": 5]])?
                .contains("fields.source.ip: target field for dns lookup of source.ip must be a string, got a number")
                == true)
        #expect(
            buildError("dns", ["type": "ptr", "nameservers": "192.0.2.53", "fields": "source.ip"])?
                .contains("fields: expected a map") == true)
        #expect(
            buildError("dns", ["type": "ptr", "nameservers": "192.0.2.53", "retries": 3])?.contains("unknown option")
                == true)
    }

    /// The Beats documentation's minimal example: reverse lookups of source and destination, resolv.conf servers.
    @Test func docsMinimalExample() {
        let message = buildError(
            "dns",
            ["type": "reverse", "fields": ["source.ip": "source.domain", "destination.ip": "destination.domain"]])
        #expect(message == nil || message?.contains("no dns servers configured") == true)
        #expect((message == nil) == LibresolvResolver.resolvConfHasNameserver())
    }
}

@Suite struct DNSHelperTests {
    @Test func reverseNames() {
        #expect(LibresolvResolver.reverseName(IPAddress("192.0.2.1")!) == "1.2.0.192.in-addr.arpa.")
        #expect(
            LibresolvResolver.reverseName(IPAddress("2001:db8::1")!)
                == "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")
    }

    @Test func txtEscaping() {
        #expect(DNSAnswerReader.escapedText(Array("plain text".utf8)) == "plain text")
        #expect(DNSAnswerReader.escapedText([0x22, 0x5c, 0x00, 0x7f, 0xff, 0x7e]) == "\\\"\\\\\\000\\127\\255~")
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)
    func now() -> ContinuousClock.Instant { start + offset.withLock { $0 } }
    func advance(_ by: Duration) { offset.withLock { $0 += by } }
}

/// A resolver that answers from a table and counts the questions.
final class TableResolver: DNSResolving {
    let answers: [String: DNSAnswer]
    private let asked = Mutex<[String]>([])
    init(_ answers: [String: DNSAnswer]) { self.answers = answers }
    var questions: [String] { asked.withLock { $0 } }
    func resolve(_ query: String, type: DNSQueryType) -> Result<DNSAnswer, DNSLookupError> {
        asked.withLock { $0.append(query) }
        return answers[query].map { .success($0) } ?? .failure(DNSLookupError("nameserver returned NXDOMAIN"))
    }
}

@Suite struct DNSCacheTests {
    func lookups(
        _ resolver: TableResolver, _ clock: ManualClock, max: Int = 100, minTTL: Duration = .seconds(60),
        failureTTL: Duration = .seconds(60)
    ) -> DNSLookups {
        DNSLookups(
            resolver: resolver, type: .ptr,
            success: DNSCacheSettings(initialCapacity: 1, maxCapacity: max, ttl: minTTL),
            failure: DNSCacheSettings(initialCapacity: 1, maxCapacity: max, ttl: failureTTL), clock: { clock.now() })
    }

    @Test func shortRecordTTLsLastAtLeastMinTTL() {
        let resolver = TableResolver(["192.0.2.1": DNSAnswer(data: ["a.example"], ttl: 5)])
        let clock = ManualClock()
        let l = lookups(resolver, clock)
        _ = l.lookup("192.0.2.1")
        clock.advance(.seconds(30))
        #expect(l.lookup("192.0.2.1") == .success(["a.example"]))
        #expect(resolver.questions.count == 1)
        clock.advance(.seconds(31))
        _ = l.lookup("192.0.2.1")
        #expect(resolver.questions.count == 2)
    }

    @Test func longRecordTTLsAreRespected() {
        let resolver = TableResolver(["192.0.2.1": DNSAnswer(data: ["a.example"], ttl: 120)])
        let clock = ManualClock()
        let l = lookups(resolver, clock)
        _ = l.lookup("192.0.2.1")
        clock.advance(.seconds(90))
        _ = l.lookup("192.0.2.1")
        #expect(resolver.questions.count == 1)
        clock.advance(.seconds(31))
        _ = l.lookup("192.0.2.1")
        #expect(resolver.questions.count == 2)
    }

    @Test func failuresLastTheFailureTTL() {
        let resolver = TableResolver([:])
        let clock = ManualClock()
        let l = lookups(resolver, clock, failureTTL: .seconds(10))
        #expect(l.lookup("198.51.100.1") == .failure(DNSLookupError("nameserver returned NXDOMAIN")))
        clock.advance(.seconds(10))
        #expect(
            l.lookup("198.51.100.1") == .failure(DNSLookupError("nameserver returned NXDOMAIN (from failure cache)")))
        clock.advance(.milliseconds(1))
        _ = l.lookup("198.51.100.1")
        #expect(resolver.questions == ["198.51.100.1", "198.51.100.1"])
    }

    @Test func aFullCacheMakesRoom() {
        let resolver = TableResolver([
            "192.0.2.1": DNSAnswer(data: ["a"], ttl: 300), "192.0.2.2": DNSAnswer(data: ["b"], ttl: 300),
        ])
        let l = lookups(resolver, ManualClock(), max: 1)
        _ = l.lookup("192.0.2.1")
        _ = l.lookup("192.0.2.2")
        #expect(l.cachedCounts.success == 1)
        _ = l.lookup("192.0.2.1")
        #expect(resolver.questions == ["192.0.2.1", "192.0.2.2", "192.0.2.1"])
    }
}
