// dns: lookups through libresolv against a responder on loopback (NetworkDNSServerForTests.swift): PTR, A,
// AAAA and TXT results, append and replace, the success and failure caches (a second lookup does not reach
// the server), timeouts and refusals with tag_on_failure, IPv6 nameservers and addresses, and skipped fields.

import Config
import Events
import Foundation
import Synchronization
import Testing

@testable import Processors

/// Reverse names of the test addresses, as keys of the responder's table.
enum ReverseNames {
    static let host1 = "1.2.0.192.in-addr.arpa/12"
    static let host2 = "2.2.0.192.in-addr.arpa/12"
    static let v6 = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa/12"
}

@Suite struct DNSLookupTests {
    static let replies: [String: TestDNSReply] = [
        ReverseNames.host1: .answer([.ptr("host1.example.com.", ttl: 600)]),
        ReverseNames.host2: .answer([.ptr("host2.example.com"), .ptr("alias2.example.com")]),
        ReverseNames.v6: .answer([.ptr("v6.example.net")]),
        "www.example.com/1": .answer([.cname("edge.example.com"), .a(192, 0, 2, 10), .a(192, 0, 2, 11)]),
        "www.example.com/28": .answer([.aaaa([0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [0x0a])]),
        "mapped.example.com/28": .answer([.aaaa(Array(repeating: 0, count: 10) + [0xff, 0xff, 192, 0, 2, 7])]),
        "example.com/16": .answer([
            .txt([Array("v=spf1 -all".utf8)]), .txt([Array("say \"hi\"\\".utf8), [0x01, 0x41]]),
        ]),
        "empty.example.com/1": .answer([]),
        "broken.example.com/1": .rcode(2),
    ]

    func ptrProcessor(_ server: TestDNSServer, _ extra: [(String, Any?)] = []) throws -> any Processor {
        try dnsProcessor(server, type: "reverse", fields: ["source.ip": "source.domain"], extra)
    }

    func dnsProcessor(_ server: TestDNSServer, type: String, fields: [String: Any?], _ extra: [(String, Any?)] = [])
        throws -> any Processor
    {
        var entries: [ConfigMap.Entry] = [
            ConfigMap.Entry(key: "type", value: .string(type)), ConfigMap.Entry(key: "fields", value: cv(fields)),
            ConfigMap.Entry(key: "nameservers", value: .list([.string(server.nameserver)])),
        ]
        for (key, value) in extra { entries.append(ConfigMap.Entry(key: key, value: cv(value))) }
        let entry = ProcessorEntry(
            name: "dns", config: .map(ConfigMap(entries)), location: SourceLocation(file: "test.yml", line: 1), index: 0
        )
        return try ProcessorFactory.processor(entry, environment: ProcessorEnvironment())
    }

    @Test func reverseLookupWritesTheHostName() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let (out, outcome) = run(try ptrProcessor(server), event(["source.ip": .string("192.0.2.1")]))
        #expect(outcome == .keep)
        #expect(out?.value(at: "source.domain") == .string("host1.example.com"))
        // Only the first PTR record counts.
        let second = run(try ptrProcessor(server), event(["source.ip": .string("192.0.2.2")])).event
        #expect(second?.value(at: "source.domain") == .string("host2.example.com"))
    }

    @Test func aSecondLookupIsAnsweredFromTheCache() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try ptrProcessor(server)
        for _ in 0..<3 {
            #expect(
                run(p, event(["source.ip": .string("192.0.2.1")])).event?.value(at: "source.domain")
                    == .string("host1.example.com"))
        }
        #expect(server.count(ReverseNames.host1) == 1)
    }

    @Test func appendKeepsWhatTheTargetHeld() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try ptrProcessor(server, [("action", "append")])
        let ip: FieldValue = .string("192.0.2.1")
        let fromString = run(p, event(["source.ip": ip, "source.domain": .string("old")])).event
        #expect(fromString?.value(at: "source.domain") == .strings(["old", "host1.example.com"]))
        let fromList = run(p, event(["source.ip": ip, "source.domain": .strings(["a", "b"])])).event
        #expect(fromList?.value(at: "source.domain") == .strings(["a", "b", "host1.example.com"]))
        // libbeat replaces anything else, a list holding non-strings included.
        let fromNumber = run(p, event(["source.ip": ip, "source.domain": .int(7)])).event
        #expect(fromNumber?.value(at: "source.domain") == .string("host1.example.com"))
        let fromMixed = run(p, event(["source.ip": ip, "source.domain": .array([.int(1)])])).event
        #expect(fromMixed?.value(at: "source.domain") == .string("host1.example.com"))
    }

    @Test func replaceOverwrites() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try ptrProcessor(server, [("action", "Replace")])
        let out = run(p, event(["source.ip": .string("192.0.2.1"), "source.domain": .strings(["a"])])).event
        #expect(out?.value(at: "source.domain") == .string("host1.example.com"))
    }

    @Test func aRecordsSkipTheCNAMEAndAppendToAString() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try dnsProcessor(server, type: "A", fields: ["url.domain": "destination.ip"])
        let fresh = run(p, event(["url.domain": .string("www.example.com")])).event
        #expect(fresh?.value(at: "destination.ip") == .strings(["192.0.2.10", "192.0.2.11"]))
        let appended = run(p, event(["url.domain": .string("www.example.com"), "destination.ip": .string("x")])).event
        #expect(appended?.value(at: "destination.ip") == .strings(["x", "192.0.2.10", "192.0.2.11"]))
        #expect(server.count("www.example.com/1") == 1)
    }

    @Test func aaaaRecordsAsIPv6Text() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try dnsProcessor(server, type: "aaaa", fields: ["name": "addresses"])
        #expect(
            run(p, event(["name": .string("www.example.com")])).event?.value(at: "addresses")
                == .strings(["2001:db8::a"]))
        // Go prints an IPv4-mapped address as a dotted quad.
        #expect(
            run(p, event(["name": .string("mapped.example.com.")])).event?.value(at: "addresses")
                == .strings(["192.0.2.7"]))
    }

    @Test func txtStringsEscapedAsBeatsPrintsThem() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try dnsProcessor(server, type: "TXT", fields: ["name": "txt"])
        let out = run(p, event(["name": .string("example.com")])).event
        #expect(out?.value(at: "txt") == .strings(["v=spf1 -all", "say \\\"hi\\\"\\\\", "\\001A"]))
    }

    @Test func nxdomainIsTaggedAndCached() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try ptrProcessor(server, [("tag_on_failure", ["_dns_reverse_lookup_failed"])])
        let (out, outcome) = run(p, event(["source.ip": .string("198.51.100.9"), "tags": .strings(["web"])]))
        #expect(out?.value(at: "tags") == .strings(["web", "_dns_reverse_lookup_failed"]))
        #expect(out?.value(at: "source.domain") == nil)
        guard case .failed(let message) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(
            message.contains("dns lookup (PTR) of source.ip value '198.51.100.9' failed: nameserver returned NXDOMAIN"))
        let (_, again) = run(p, event(["source.ip": .string("198.51.100.9")]))
        guard case .failed(let cached) = again else {
            Issue.record("expected a failure, got \(again)")
            return
        }
        #expect(cached.hasSuffix("(from failure cache)"))
        #expect(server.count("9.100.51.198.in-addr.arpa/12") == 1)
    }

    @Test func noRecordsOfTheTypeAndServerFailure() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try dnsProcessor(server, type: "A", fields: ["name": "ip"])
        let (_, empty) = run(p, event(["name": .string("empty.example.com")]))
        let expected = "dns lookup (A) of name value 'empty.example.com' failed: "
            + "no A resource records were found in the response"
        #expect(empty == .failed(expected))
        let (out, broken) = run(p, event(["name": .string("broken.example.com")]))
        guard case .failed(let message) = broken else {
            Issue.record("expected a failure, got \(broken)")
            return
        }
        #expect(message.contains("SERVFAIL"))
        // Without tag_on_failure nothing is added.
        #expect(out?.value(at: "tags") == nil)
    }

    @Test func silentServerTimesOutOnceThenTheFailureIsCached() throws {
        let server = try TestDNSServer(silent: true)
        defer { server.stop() }
        let p = try ptrProcessor(server, [("timeout", "200ms"), ("tag_on_failure", ["dns_timeout"])])
        let clock = ContinuousClock()
        var first: (event: Event?, outcome: ProcessorOutcome)!
        let waited = clock.measure { first = run(p, event(["source.ip": .string("192.0.2.1")])) }
        #expect(first.event?.value(at: "tags") == .strings(["dns_timeout"]))
        guard case .failed(let message) = first.outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("no answer within 1s"))
        // 200ms rounds up to libresolv's one-second granularity; the wait is bounded by it.
        #expect(waited >= .milliseconds(900) && waited < .seconds(5))
        var second: (event: Event?, outcome: ProcessorOutcome)!
        let cachedWait = clock.measure { second = run(p, event(["source.ip": .string("192.0.2.1")])) }
        #expect(cachedWait < .milliseconds(300))
        #expect(second.event?.value(at: "tags") == .strings(["dns_timeout"]))
    }

    @Test func refusedWhenNothingListens() throws {
        let port = try TestDNSServer.closedPort()
        let p = try build("dns", ["type": "ptr", "fields": ["ip": "host"], "nameservers": ["127.0.0.1:\(port)"]])
        let (_, outcome) = run(p, event(["ip": .string("192.0.2.1")]))
        guard case .failed(let message) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(message.contains("connection refused"))
    }

    @Test func nextNameserverAnswersWhenTheFirstIsSilent() throws {
        let silent = try TestDNSServer(silent: true)
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer {
            silent.stop()
            server.stop()
        }
        let p = try build(
            "dns",
            [
                "type": "reverse", "fields": ["ip": "host"], "nameservers": [silent.nameserver, server.nameserver],
                "timeout": "100ms",
            ])
        #expect(run(p, event(["ip": .string("192.0.2.1")])).event?.value(at: "host") == .string("host1.example.com"))
        #expect(server.count(ReverseNames.host1) == 1)
    }

    @Test func ipv6NameserverAndIPv6Address() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies, ipv6: true)
        defer { server.stop() }
        #expect(server.nameserver.hasPrefix("[::1]:"))
        let p = try ptrProcessor(server)
        let out = run(p, event(["source.ip": .string("2001:db8::1")])).event
        #expect(out?.value(at: "source.domain") == .string("v6.example.net"))
        #expect(server.count(ReverseNames.v6) == 1)
    }

    @Test func missingOrNonStringSourcesAreSkipped() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try ptrProcessor(server, [("tag_on_failure", ["failed"])])
        for e in [
            event(), event(["source.ip": .int(3_221_225_985)]), event(["source.ip": .strings(["192.0.2.1"])]),
            event(["source": .string("192.0.2.1")]),
        ] {
            let (out, outcome) = run(p, e)
            #expect(outcome == .keep)
            #expect(out == e)
        }
        #expect(server.total == 0)
    }

    @Test func notAnAddressFailsWithoutAQuery() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try ptrProcessor(server, [("tag_on_failure", ["bad"])])
        let (out, outcome) = run(p, event(["source.ip": .string("host.example.com")]))
        let expected = "dns lookup (PTR) of source.ip value 'host.example.com' failed: "
            + "unrecognized address: host.example.com"
        #expect(outcome == .failed(expected))
        #expect(out?.value(at: "tags") == .strings(["bad"]))
        #expect(server.total == 0)
    }

    @Test func tagsAreAddedOnceHoweverManyLookupsFail() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try dnsProcessor(
            server, type: "reverse",
            fields: ["client.ip": "client.domain", "server.ip": "server.domain", "ok": "okname"],
            [("tag_on_failure", ["t1", "t2"])])
        let (out, outcome) = run(
            p,
            event([
                "client.ip": .string("198.51.100.1"), "server.ip": .string("198.51.100.2"), "ok": .string("192.0.2.1"),
            ]))
        #expect(out?.value(at: "tags") == .strings(["t1", "t2"]))
        #expect(out?.value(at: "okname") == .string("host1.example.com"))
        guard case .failed(let message) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("client.ip") && message.contains("server.ip"))
    }

    @Test func concurrentLookupsShareOneResolver() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try ptrProcessor(server)
        let results = Mutex<[FieldValue?]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let ip = i % 2 == 0 ? "192.0.2.1" : "192.0.2.2"
            let value = run(p, event(["source.ip": .string(ip)])).event?.value(at: "source.domain")
            results.withLock { $0.append(value) }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 16)
        #expect(all.allSatisfy { $0 == .string("host1.example.com") || $0 == .string("host2.example.com") })
    }

    /// The Beats documentation's example showing all options, pointed at the test responder.
    @Test func docsExampleWithAllOptions() throws {
        let server = try TestDNSServer(replies: DNSLookupTests.replies)
        defer { server.stop() }
        let p = try build(
            "dns",
            [
                "type": "reverse", "action": "append", "transport": "udp",
                "fields": ["server": ["ip": "server.domain"], "client": ["ip": "client.domain"]],
                "success_cache": ["capacity": ["initial": 1000, "max": 10000], "min_ttl": "1m"],
                "failure_cache": ["capacity": ["initial": 1000, "max": 10000], "ttl": "1m"],
                "nameservers": [server.nameserver], "timeout": "500ms",
                "tag_on_failure": ["_dns_reverse_lookup_failed"],
            ])
        let out = run(p, event(["server.ip": .string("192.0.2.1"), "client.ip": .string("192.0.2.2")])).event
        #expect(out?.value(at: "server.domain") == .string("host1.example.com"))
        #expect(out?.value(at: "client.domain") == .string("host2.example.com"))
        #expect(out?.value(at: "tags") == nil)
    }
}
