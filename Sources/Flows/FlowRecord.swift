// Per-flow state and the settings and counters of the flow table.

import NetModel

/// How flows are tracked and reported (`packetbeat.flows`).
public struct FlowTableSettings: Sendable, Equatable {
    /// A flow with no packet for longer than this is reported final and forgotten (Packetbeat `timeout`).
    public var timeout: TimeSpan
    /// All live flows are reported every `period`; nil disables periodic reports (Packetbeat `period: -1`).
    public var period: TimeSpan?
    /// A flow older than this is reported final and restarted (our own `active_timeout`; nil = off).
    public var activeTimeout: TimeSpan?
    /// The most flows tracked at once; beyond it the least recently active flow is evicted.
    public var maxFlows: Int
    /// `enable_delta_flow_reports`: `network.bytes` and `network.packets` count only what happened since the
    /// flow's previous report (the per-side counters stay cumulative, as in Packetbeat).
    public var deltaReports: Bool

    /// Packetbeat's defaults: timeout 30 s, period 10 s, no active timeout, and our cap.
    public static let standard = FlowTableSettings(
        timeout: .seconds(30), period: .seconds(10), activeTimeout: nil, maxFlows: FlowLimits.defaultMaxFlows)

    public init(
        timeout: TimeSpan, period: TimeSpan?, activeTimeout: TimeSpan? = nil, maxFlows: Int, deltaReports: Bool = false
    ) {
        self.deltaReports = deltaReports
        self.timeout = timeout
        self.period = period
        self.activeTimeout = activeTimeout
        self.maxFlows = max(1, maxFlows)
    }
}

/// Named limits of flow tracking.
public enum FlowLimits {
    /// Default cap on concurrently tracked flows. At roughly 250 bytes of state per flow this bounds the
    /// table near 250 MB, enough for a busy server's connection count; evictions are counted and reported.
    public static let defaultMaxFlows = 1_000_000
    /// When the table is full, this fraction (1/N) of the flows, least recently active first, is evicted in
    /// one pass: eviction costs O(1) amortized per new flow without a recency list updated per packet.
    public static let evictionFraction = 16
    /// Periodic tick schedules start on a multiple of this (Packetbeat aligns its first tick to 10 s).
    public static let tickAlignment = TimeSpan.seconds(10)
    /// The shortest tick; Packetbeat rejects timeouts and periods below one second.
    public static let minimumTick = TimeSpan.seconds(1)
}

/// Why a flow's final report was produced (`flow.end_reason`, our own field).
public enum FlowEndReason: String, Sendable {
    /// No packet for `timeout`; the flow was not seen to close.
    case idleTimeout = "idle_timeout"
    /// The flow reached `active_timeout`; later packets start a new flow.
    case activeTimeout = "active_timeout"
    /// TCP FIN was seen (the report still waits for `timeout`, as in Packetbeat).
    case fin
    /// TCP RST was seen.
    case rst
    /// The capture ended (end of file, or shutdown).
    case endOfCapture = "end_of_capture"
    /// The table was full and this was the least recently active flow.
    case evicted
}

/// Plain counters of the flow table, published by the pipeline per batch.
public struct FlowCounters: Sendable, Equatable {
    /// Flows created.
    public var created = 0
    /// Flows reported final and removed.
    public var ended = 0
    /// Flows evicted because the table was full.
    public var evicted = 0
    /// Flow events produced (periodic and final).
    public var reports = 0
    /// Packets accounted to flows.
    public var packets = 0
    /// IP packets that could not be accounted (no usable IP layer).
    public var skipped = 0

    public init() {}
}

/// The state of one bidirectional flow. "Source" is the side that sent the first packet seen.
///
/// Deliberately a trivial type (no references): records are copied and compared on the packet path, and
/// a reference-counted field would add retain/release traffic to every packet.
struct FlowRecord {
    // Hot fields first: a packet of a known flow reads the key and updates the counters, and keeping them
    // in the first two cache lines of the record matters more than anything else per packet.
    var key: FlowKey
    /// `FlowSlotIndex.hash(key)`, kept so the index never rehashes.
    var hash: UInt64
    var lastSeen: Timestamp
    var packets: (source: UInt64, destination: UInt64) = (0, 0)
    var bytes: (source: UInt64, destination: UInt64) = (0, 0)
    /// Which canonical side of `key` is the source.
    var sourceSide: FlowSide
    var finSeen = false
    var rstSeen = false
    var hasMACs: Bool
    /// ICMP type and code of the first packet (for the Community ID of ICMP flows).
    var icmpType: UInt8 = 0
    var icmpCode: UInt8 = 0
    // Cold fields: read when reporting.
    var created: Timestamp
    /// First packet time carrying payload from the destination, for `flow.ttfb` (zero until seen).
    var firstResponsePayload: Timestamp = .zero
    /// MAC addresses oriented source → destination (from the first packet).
    var sourceMAC: MACAddress
    var destinationMAC: MACAddress
    /// Totals at the previous report, for delta reports.
    var reportedBytes: UInt64 = 0
    var reportedPackets: UInt64 = 0
    /// Creation-order list threaded through the records by slot (reports go out in creation order).
    var orderPrev: Int32 = -1
    var orderNext: Int32 = -1

    init(
        key: FlowKey, hash: UInt64, sourceSide: FlowSide, created: Timestamp, lastSeen: Timestamp, hasMACs: Bool,
        sourceMAC: MACAddress, destinationMAC: MACAddress
    ) {
        self.key = key
        self.hash = hash
        self.lastSeen = lastSeen
        self.sourceSide = sourceSide
        self.hasMACs = hasMACs
        self.created = created
        self.sourceMAC = sourceMAC
        self.destinationMAC = destinationMAC
    }

    var sourceEndpoint: Endpoint { key.endpoint(sourceSide) }
    var destinationEndpoint: Endpoint { key.endpoint(sourceSide.opposite) }
}

/// A snapshot of one flow at one report: what the publish path maps to a flow event. A trivial value
/// (no references), so producing thousands at a period tick costs copies, not allocations.
public struct FlowReport: Sendable {
    let record: FlowRecord
    /// When the report was made (the event's `@timestamp`).
    public let time: Timestamp
    /// True for the last report of the flow.
    public let final: Bool
    /// Why the flow ended, on final reports.
    public let reason: FlowEndReason?
    /// `network.bytes` and `network.packets`: totals, or deltas since the previous report.
    public let networkBytes: UInt64
    public let networkPackets: UInt64
}
