// `packetbeat.flows`: flow records. Present means enabled unless `enabled: false`. Besides Packetbeat's
// keys wirebeat adds `active_timeout` (report and restart long-lived flows, beats#37781) and `max_flows`
// (a bound on the flow table so a scan cannot exhaust memory).

import NetModel

/// Flow reporting settings.
public struct FlowSettings: Sendable, Equatable {
    /// `timeout`: a flow with no packet for this long is reported final and dropped (default 30s, >= 1s).
    public var timeout: TimeSpan = .seconds(30)
    /// `period`: every live flow is reported this often (default 10s); nil when `-1` disables periodic
    /// reports (flows are then reported once, when they end).
    public var period: TimeSpan? = .seconds(10)
    /// `active_timeout` (wirebeat's own): a flow older than this is reported final and restarted;
    /// nil is off (the default).
    public var activeTimeout: TimeSpan?
    /// `max_flows` (wirebeat's own): the most flows tracked at once (default 1,000,000).
    public var maxFlows = 1_000_000
    /// `enable_delta_flow_reports`: report byte and packet counts as deltas since the last report.
    public var deltaReports = false
    /// `tags`, `fields`, `fields_under_root`, `processors`, `keep_null`, `index` of flow events.
    public var metadata = EventMetadataSettings()

    /// The defaults (timeout 30s, period 10s).
    public init() {}
}

enum FlowDecoder {
    static func decode(_ cursor: Cursor) throws(ConfigError) -> FlowSettings? {
        guard let node = cursor.node else { return nil }
        // `packetbeat.flows:` with nothing under it still turns flows on, as in Packetbeat.
        if !node.isNull, node.mapEntries == nil { throw cursor.error("expected a map, got \(node.shapeName)") }
        guard try cursor["enabled"].bool(default: true) else { return nil }
        var out = FlowSettings()
        let timeout = cursor["timeout"]
        out.timeout = try timeout.duration(default: .seconds(30))
        guard out.timeout >= .seconds(1) else { throw timeout.error("timeout must be >= 1s, got \(out.timeout)") }
        let period = cursor["period"]
        if let value = try period.duration() {
            if value < .zero {
                out.period = nil
            } else {
                guard value >= .seconds(1) else {
                    throw period.error("report period must be -1 or >= 1s, got \(value)")
                }
                out.period = value
            }
        }
        let active = cursor["active_timeout"]
        if let value = try active.duration(), value != .zero {
            guard value >= .seconds(1) else { throw active.error("active_timeout must be 0 (off) or >= 1s") }
            out.activeTimeout = value
        }
        out.maxFlows = try cursor["max_flows"].int(default: 1_000_000, in: 1...Int.max)
        out.deltaReports = try cursor["enable_delta_flow_reports"].bool(default: false)
        out.metadata = try EventMetadataSettings(cursor)
        return out
    }
}
