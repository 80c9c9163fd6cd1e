// `add_host_metadata` and `add_observer_metadata` (reference/libbeat.md §4.5): the machine's facts
// (HostFacts.swift, NetworkInfo.swift) under `host.*` or `observer.*`, re-read after `cache.ttl` (5m; zero or
// negative re-reads on every event), with static `geo.*` fields. Beats' rules for existing fields:
// - add_host_metadata deep-merges over `host.*` (`replace_fields: true`, the default); with `replace_fields:
//   false` it leaves an event alone whose `host` holds anything besides `host.name` (which every Beats event
//   carries from the pipeline).
// - add_observer_metadata adds nothing when `observer` exists, unless `overwrite: true` (accepted by Beats
//   though not documented), which replaces the whole `observer` object.
// Deliberate difference: Beats accepts `geo.country_name` (documented) but silently drops it; it is written
// here, as ECS defines `host.geo.country_name`.

import Config
import Events
import Foundation

/// Where the machine facts come from; tests replace the parts.
struct MachineFactsSource: Sendable {
    var root: String
    var hostname: String
    var interfaces: @Sendable () -> [NetworkInterface] = NetworkInfo.interfaces
    var clock: MonotonicClock = { .now }
}

/// The object a metadata processor merges, rebuilt when older than the TTL.
final class MetadataSnapshot: Sendable {
    private let state = Locked<(fields: Fields, loadedAt: ContinuousClock.Instant)?>(nil)
    let ttl: Duration
    let clock: MonotonicClock
    let load: @Sendable () -> Fields

    init(ttl: Duration, clock: @escaping MonotonicClock, load: @escaping @Sendable () -> Fields) {
        self.ttl = ttl
        self.clock = clock
        self.load = load
    }

    /// The current object: the cached one while younger than the TTL, otherwise a fresh one.
    func current() -> Fields {
        let now = clock()
        if ttl > .zero, let hit = state.withLock({ $0 }), now < hit.loadedAt + ttl { return hit.fields }
        let fresh = load()
        state.withLock { $0 = (fresh, now) }
        return fresh
    }
}

/// The options the two processors share.
struct MachineMetadataOptions {
    var netinfo = true
    var ttl: Duration = .seconds(300)
    var geo: Fields?

    static let geoKeys = [
        "name", "location", "continent_name", "country_name", "country_iso_code", "region_name", "region_iso_code",
        "city_name",
    ]
    // Beats' check of `geo.location`: two decimal numbers separated by a comma.
    private static let location = Pattern(constant: #"^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$"#)

    init(_ o: ProcessorOptions) throws(ConfigError) {
        if let netinfo = try o.nested("netinfo", allowed: ["enabled"]) {
            self.netinfo = try netinfo.bool("enabled", default: true)
        }
        if let cache = try o.nested("cache", allowed: ["ttl"]), let ttl = try cache.duration("ttl") {
            self.ttl = .nanoseconds(ttl.nanoseconds)
        }
        guard let geo = try o.nested("geo", allowed: MachineMetadataOptions.geoKeys) else { return }
        var fields = Fields()
        for key in MachineMetadataOptions.geoKeys {
            guard let value = try geo.string(key), !value.allSatisfy(\.isWhitespace) else { continue }
            if key == "location", MachineMetadataOptions.location.groups(in: value) == nil {
                throw geo.error(
                    key, "invalid lat,lon string \"\(value)\" (expected two numbers such as 40.7128, -74.0060)")
            }
            fields[key] = .string(value)
        }
        if !fields.isEmpty { self.geo = fields }
    }

    /// `ip` and `mac` of `source`'s interfaces, when enabled and found.
    func network(_ source: MachineFactsSource) -> Fields {
        guard netinfo else { return Fields() }
        let (ips, macs) = NetworkInfo.summary(source.interfaces())
        var out = Fields()
        if !ips.isEmpty { out["ip"] = .strings(ips) }
        if !macs.isEmpty { out["mac"] = .strings(macs) }
        return out
    }
}

/// `add_host_metadata`.
struct AddHostMetadata: Processor {
    let snapshot: MetadataSnapshot
    let geo: Fields?
    let replaceFields: Bool
    var name: String { "add_host_metadata" }

    static let options = ["netinfo", "cache", "geo", "replace_fields", "name"]

    static func build(_ o: ProcessorOptions) throws(ConfigError) -> any Processor {
        let source = MachineFactsSource(root: o.environment.fileSystemRoot, hostname: o.environment.hostname)
        return make(
            try MachineMetadataOptions(o), hostName: try o.nonEmptyString("name"),
            replaceFields: try o.bool("replace_fields", default: true), source: source)
    }

    static func make(
        _ options: MachineMetadataOptions, hostName: String?, replaceFields: Bool, source: MachineFactsSource
    ) -> AddHostMetadata {
        let snapshot = MetadataSnapshot(ttl: options.ttl, clock: source.clock) {
            var host = HostFacts.read(root: source.root, hostname: source.hostname).fields(name: hostName)
            host.merge(options.network(source))
            return host
        }
        return AddHostMetadata(snapshot: snapshot, geo: options.geo, replaceFields: replaceFields)
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        if !replaceFields, hasOwnHostFields(event) { return .keep }
        var host = snapshot.current()
        if let geo { host["geo"] = .object(geo) }
        event.fields.merge(["host": .object(host)])
        return .keep
    }

    /// Beats' test for `replace_fields: false`: `host` is an object with anything besides a lone `name`.
    private func hasOwnHostFields(_ event: Event) -> Bool {
        guard case .object(let host)? = event.fields["host"] else { return false }
        return !(host.count == 1 && host["name"] != nil)
    }
}

/// `add_observer_metadata`.
struct AddObserverMetadata: Processor {
    let snapshot: MetadataSnapshot
    let geo: Fields?
    let overwrite: Bool
    var name: String { "add_observer_metadata" }

    static let options = ["netinfo", "cache", "geo", "overwrite"]

    static func build(_ o: ProcessorOptions) throws(ConfigError) -> any Processor {
        let source = MachineFactsSource(root: o.environment.fileSystemRoot, hostname: o.environment.hostname)
        return make(try MachineMetadataOptions(o), overwrite: try o.bool("overwrite", default: false), source: source)
    }

    static func make(_ options: MachineMetadataOptions, overwrite: Bool, source: MachineFactsSource)
        -> AddObserverMetadata
    {
        let snapshot = MetadataSnapshot(ttl: options.ttl, clock: source.clock) {
            var observer: Fields = ["hostname": .string(source.hostname.lowercased())]
            observer.merge(options.network(source))
            return observer
        }
        return AddObserverMetadata(snapshot: snapshot, geo: options.geo, overwrite: overwrite)
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        if event.fields["observer"] != nil {
            guard overwrite else { return .keep }
            event.fields["observer"] = nil
        }
        var observer = snapshot.current()
        if let geo { observer["geo"] = .object(geo) }
        event.fields["observer"] = .object(observer)
        return .keep
    }
}
