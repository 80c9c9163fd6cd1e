// `dns` (reference/libbeat.md §4.5): DNS lookups of event values (PTR for addresses, or A, AAAA, TXT for
// names), written to target fields; PTR gives a string, the other types a list of strings. A source field that
// is missing or not a string is skipped without complaint, as in Beats. With `action: append` (the default)
// an existing string target becomes a list with the results after it and a list of strings grows; any other
// existing value is replaced, as libbeat does. When a lookup fails, the `tag_on_failure` tags are added once
// per event, the other fields are still looked up, and the failure is reported (Beats only debug-logs it).
// The processor runs on the publish thread, off the packet path; `timeout` bounds the wait per nameserver.
//
// Deliberate differences: fields are looked up in configuration order (Beats walks a Go map, in random order);
// `transport: tls` is refused at load, because libresolv cannot speak DNS over TLS; see LibresolvResolver.swift
// for the resolver's own differences.

import Config
import Events
import NetModel

/// `dns`: looks up source fields and writes the answers to target fields.
struct DNSProcessor: Processor {
    let type: DNSQueryType
    let fields: [(source: String, target: String)]
    let replace: Bool
    let tagOnFailure: [String]
    let lookups: DNSLookups
    var name: String { "dns" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        var failures: [String] = []
        for (source, target) in fields {
            guard case .string(let query)? = event.value(at: source) else { continue }
            switch lookups.lookup(query) {
            case .success(let data) where !data.isEmpty:
                // A PTR lookup yields one name, written as a string; the other types yield lists.
                let value: FieldValue = type == .ptr ? .string(data[0]) : .strings(data)
                if !write(value, to: target, in: &event) { failures.append("cannot write the result to \(target)") }
            case .success:
                failures.append("dns lookup (\(type.mnemonic)) of \(source) value '\(query)' found no records")
            case .failure(let error):
                failures.append("dns lookup (\(type.mnemonic)) of \(source) value '\(query)' failed: \(error)")
            }
        }
        guard !failures.isEmpty else { return .keep }
        if !tagOnFailure.isEmpty { _ = AddTags(tags: tagOnFailure, target: "tags").process(&event) }
        return .failed(failures.joined(separator: "; "))
    }

    /// Writes `value` (a string or a list of strings) with libbeat's `append` or `replace` semantics.
    private func write(_ value: FieldValue, to target: String, in event: inout Event) -> Bool {
        guard !replace, let existing = event.value(at: target) else { return event.put(target, value) }
        let added: [FieldValue]
        if case .array(let items) = value { added = items } else { added = [value] }
        switch existing {
        case .string:
            return event.put(target, .array([existing] + added))
        case .array(let items) where items.allSatisfy({ $0.string != nil }):
            return event.put(target, .array(items + added))
        default:
            return event.put(target, value)
        }
    }
}

extension DNSProcessor {
    /// The options Beats documents for `dns`.
    static let options = [
        "type", "fields", "action", "nameservers", "timeout", "transport", "success_cache", "failure_cache",
        "tag_on_failure",
    ]

    /// Builds the processor, its caches and its resolver from checked options.
    static func build(_ o: ProcessorOptions) throws(ConfigError) -> DNSProcessor {
        let type = try queryType(o)
        let replace: Bool
        switch (try o.string("action") ?? "").lowercased() {
        case "", "append": replace = false
        case "replace": replace = true
        case let other: throw o.error("action", "invalid dns field action \"\(other)\" (expected append or replace)")
        }
        switch (try o.string("transport") ?? "udp").lowercased() {
        case "udp": break
        case "tls":
            throw o.error(
                "transport",
                "transport tls (DNS over TLS) is not available: wirebeat resolves through glibc's libresolv, which "
                    + "speaks plain DNS only; use transport: udp")
        case let other: throw o.error("transport", "invalid transport \"\(other)\" (expected udp or tls)")
        }
        var timeout = try o.duration("timeout") ?? .milliseconds(500)
        if timeout < .zero { throw o.error("timeout", "must not be negative") }
        if timeout == .zero { timeout = .milliseconds(500) }

        let success = try cacheSettings(o, "success_cache", lifetimeKey: "min_ttl", ignoredKey: "ttl")
        let failure = try cacheSettings(o, "failure_cache", lifetimeKey: "ttl", ignoredKey: "min_ttl")
        let resolver = try makeResolver(o, nameservers: try nameservers(o), timeout: timeout)
        return DNSProcessor(
            type: type, fields: try fieldMappings(o), replace: replace,
            tagOnFailure: try o.stringList("tag_on_failure") ?? [],
            lookups: DNSLookups(resolver: resolver, type: type, success: success, failure: failure))
    }

    private static func queryType(_ o: ProcessorOptions) throws(ConfigError) -> DNSQueryType {
        guard let text = try o.string("type") else {
            throw o.error("type", "dns requires \"type\" (one of A, AAAA, PTR, reverse, TXT)")
        }
        switch text.lowercased() {
        case "a": return .a
        case "aaaa": return .aaaa
        case "reverse", "ptr": return .ptr
        case "txt": return .txt
        default:
            throw o.error("type", "invalid dns lookup type \"\(text)\" (valid values are: A, AAAA, PTR, reverse, TXT)")
        }
    }

    /// `fields` flattened to (source, target) pairs: `source.ip: source.domain` arrives nested after loading.
    private static func fieldMappings(_ o: ProcessorOptions) throws(ConfigError) -> [(source: String, target: String)] {
        guard let map = try o.configMap("fields") else { return [] }
        return try flatten(map, prefix: "", o)
    }

    private static func flatten(_ map: ConfigMap, prefix: String, _ o: ProcessorOptions) throws(ConfigError)
        -> [(source: String, target: String)]
    {
        var pairs: [(source: String, target: String)] = []
        for entry in map {
            let source = prefix.isEmpty ? entry.key : prefix + "." + entry.key
            switch entry.value {
            case .map(let inner):
                pairs += try flatten(inner, prefix: source, o)
            case .string(let target):
                pairs.append((source, target))
            case let other:
                throw o.error(
                    "fields.\(source)",
                    "target field for dns lookup of \(source) must be a string, got \(other.shapeName)")
            }
        }
        return pairs
    }

    /// One cache's settings: `capacity.initial` (≥ 0), `capacity.max` (≥ 1 and ≥ initial), and its lifetime
    /// key (> 0). The other TTL key is accepted, as Beats accepts it, but has no effect.
    private static func cacheSettings(
        _ o: ProcessorOptions, _ key: String, lifetimeKey: String, ignoredKey: String
    ) throws(ConfigError) -> DNSCacheSettings {
        var settings = DNSCacheSettings()
        guard let cache = try o.nested(key, allowed: ["capacity", lifetimeKey, ignoredKey]) else { return settings }
        if let capacity = try cache.nested("capacity", allowed: ["initial", "max"]) {
            if let initial = try capacity.int("initial", in: 0...Int64(Int32.max)) {
                settings.initialCapacity = Int(initial)
            }
            if let max = try capacity.int("max", in: 1...Int64(Int32.max)) { settings.maxCapacity = Int(max) }
            if settings.maxCapacity < settings.initialCapacity {
                throw capacity.error("max", "must be at least capacity.initial (\(settings.initialCapacity))")
            }
        }
        for name in [lifetimeKey, ignoredKey] {
            guard let span = try cache.duration(name) else { continue }
            guard span > .zero else { throw cache.error(name, "must be greater than zero") }
            if name == lifetimeKey { settings.ttl = .nanoseconds(span.nanoseconds) }
        }
        return settings
    }

    /// `nameservers`: IP addresses, each optionally with a port (`192.0.2.1:5353`, `[2001:db8::1]:53`).
    private static func nameservers(_ o: ProcessorOptions) throws(ConfigError) -> [DNSNameserver]? {
        guard let list = try o.stringList("nameservers"), !list.isEmpty else { return nil }
        var servers: [DNSNameserver] = []
        for (i, text) in list.enumerated() {
            guard let server = DNSNameserver(text) else {
                throw o.error(
                    "nameservers.\(i)", "\"\(text)\" is not a nameserver address (an IP address, optionally with :port)"
                )
            }
            servers.append(server)
        }
        guard servers.count <= 3 else {
            throw o.error(
                "nameservers", "at most 3 nameservers are supported (libresolv's limit), got \(servers.count)")
        }
        return servers
    }

    private static func makeResolver(_ o: ProcessorOptions, nameservers: [DNSNameserver]?, timeout: TimeSpan)
        throws(ConfigError) -> any DNSResolving
    {
        #if canImport(Glibc)
            if nameservers == nil, !LibresolvResolver.resolvConfHasNameserver() {
                throw o.error("nameservers", "no dns servers configured (none given and none in /etc/resolv.conf)")
            }
            do {
                return try LibresolvResolver(nameservers: nameservers, timeout: .nanoseconds(timeout.nanoseconds))
            } catch {
                throw o.error("", "cannot set up the resolver: \(error)")
            }
        #else
            throw o.error("", "the dns processor needs glibc's libresolv, which this platform does not have")
        #endif
    }
}

/// A nameserver: an address and a port (53 unless given).
struct DNSNameserver: Sendable, Equatable, CustomStringConvertible {
    var address: IPAddress
    var port: UInt16

    var description: String { address.isV4 ? "\(address):\(port)" : "[\(address)]:\(port)" }

    /// `address` at `port`.
    init(address: IPAddress, port: UInt16 = 53) {
        self.address = address
        self.port = port
    }

    /// Parses `192.0.2.1`, `192.0.2.1:53`, `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:53`.
    init?(_ text: String) {
        var host = Substring(text)
        var port: UInt16 = 53
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = UInt16(rest.dropFirst()) else { return nil }
                port = p
            }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let p = UInt16(host[host.index(after: colon)...]) else { return nil }
            port = p
            host = host[..<colon]
        }
        guard let address = IPAddress(host) else { return nil }
        self.address = NetworkValues.unmapped(address)
        self.port = port
    }
}
