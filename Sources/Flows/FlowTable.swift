// The flow table: bidirectional IP flows keyed canonically, reported the way Packetbeat's flows worker
// reports them, but on capture time instead of the wall clock.
//
// Packetbeat ticks every gcd(timeout, period) (at least 1 s), starting on a 10-second boundary; on a
// "timeout" tick it ends flows idle for more than `timeout`, on a "period" tick it reports every live
// flow, and at shutdown it reports every flow as final. We run the same schedule against packet
// timestamps, so replaying a file gives the same reports as capturing it live, and replay speed (`-t`)
// does not change the output (a deliberate difference: Packetbeat's replay reports depend on wall time).

import Events
import NetModel
import PacketDecoding

/// Receives flow reports as the table produces them (a generic parameter, so no existential per report).
/// `FlowEventMapper` turns a report into the event; the pipeline does that on its publish thread.
public protocol FlowReportSink {
    /// Takes one report.
    mutating func flowReport(_ report: FlowReport)
}

/// Tracks flows and produces flow events. Owned by one packet-path thread; not thread-safe.
public struct FlowTable {
    public let settings: FlowTableSettings
    public internal(set) var counters = FlowCounters()

    var records: [FlowRecord] = []
    var freeSlots: [Int32] = []
    var index: FlowSlotIndex
    var orderHead: Int32 = -1
    var orderTail: Int32 = -1
    /// The flow of the previous packet: packets of one flow come in bursts, and a hit here skips the index.
    var lastSlot: Int32 = -1

    let tick: TimeSpan
    let ticksTimeout: Int
    let ticksPeriod: Int
    var ticksToTimeout: Int
    var ticksToPeriod: Int
    /// The next tick's capture time; nil until the first packet fixes the schedule.
    var nextTick: Timestamp? = nil
    /// The latest capture time seen (packets can arrive slightly out of time order).
    public private(set) var clock: Timestamp = .zero

    /// An empty index, sized for `maxFlows` up to 65,536 (it grows beyond).
    static func emptyIndex(_ settings: FlowTableSettings) -> FlowSlotIndex {
        FlowSlotIndex(capacity: min(settings.maxFlows, 65536))
    }

    /// A table with `settings`.
    public init(settings: FlowTableSettings) {
        self.settings = settings
        index = FlowTable.emptyIndex(settings)
        let timeout = max(settings.timeout.nanoseconds, FlowLimits.minimumTick.nanoseconds)
        if let period = settings.period, period.nanoseconds > 0 {
            let g = max(FlowTable.gcd(timeout, period.nanoseconds), FlowLimits.minimumTick.nanoseconds)
            tick = TimeSpan(nanoseconds: g)
            ticksTimeout = max(1, Int(timeout / g))
            ticksPeriod = max(1, Int(period.nanoseconds / g))
        } else {
            tick = TimeSpan(nanoseconds: timeout)
            ticksTimeout = 1
            ticksPeriod = -1
        }
        ticksToTimeout = ticksTimeout
        ticksToPeriod = ticksPeriod
    }

    /// Number of flows currently tracked.
    public var count: Int { index.count }

    /// Accounts one decoded packet (running any ticks due before it first).
    public mutating func account<Sink: FlowReportSink>(_ packet: DecodedPacket, into sink: inout Sink) {
        advance(to: packet.timestamp, into: &sink)
        guard packet.network != .none else {
            counters.skipped += 1
            return
        }
        var srcPort: UInt16 = 0, dstPort: UInt16 = 0, icmpID: UInt16 = 0
        switch packet.transport {
        case .tcp, .udp:
            srcPort = packet.srcPort
            dstPort = packet.dstPort
        case .icmpv4, .icmpv6:
            icmpID = packet.icmpID
        default:
            break
        }
        let (key, sender) = FlowKey.make(
            src: packet.src, srcPort: srcPort, dst: packet.dst, dstPort: dstPort, ipProtocol: packet.ipProtocol,
            vlans: packet.vlans, icmpID: icmpID)
        let slot: Int32
        let hash = FlowSlotIndex.hash(key)
        if lastSlot >= 0, records[Int(lastSlot)].hash == hash, records[Int(lastSlot)].key == key {
            slot = lastSlot
        } else if let found = find(key, hash: hash) {
            slot = found
        } else {
            if index.count >= settings.maxFlows { evict(into: &sink) }
            slot = insert(key: key, hash: hash, sender: sender, packet: packet)
        }
        update(slot, sender: sender, packet: packet)
        lastSlot = slot
        counters.packets += 1
    }

    /// Advances capture time to `now`, running every tick due (for live captures on quiet links too).
    public mutating func advance<Sink: FlowReportSink>(to now: Timestamp, into sink: inout Sink) {
        if now > clock { clock = now }
        guard var next = nextTick else {
            let align = FlowLimits.tickAlignment.nanoseconds
            let start = (now.nanoseconds + align - 1) / align * align
            nextTick = Timestamp(nanoseconds: start) + tick
            return
        }
        while next <= clock {
            if index.count == 0 {
                // Nothing to report or expire: jump over idle stretches of the capture in one step.
                let skipped = (clock.nanoseconds - next.nanoseconds) / tick.nanoseconds
                next = next + TimeSpan(nanoseconds: skipped * tick.nanoseconds)
                if next <= clock { next = next + tick }
                ticksToTimeout = ticksTimeout
                ticksToPeriod = ticksPeriod
                break
            }
            runTick(at: next, into: &sink)
            next = next + tick
        }
        nextTick = next
    }

    /// Reports every flow as final (`end_of_capture`, or FIN/RST when seen) and empties the table.
    public mutating func finish<Sink: FlowReportSink>(at now: Timestamp, into sink: inout Sink) {
        advance(to: now, into: &sink)
        var slot = orderHead
        while slot >= 0 {
            report(slot, at: clock, final: true, reason: closingReason(slot, otherwise: .endOfCapture), into: &sink)
            slot = records[Int(slot)].orderNext
        }
        removeAll()
    }

    mutating func runTick<Sink: FlowReportSink>(at time: Timestamp, into sink: inout Sink) {
        ticksToTimeout -= 1
        ticksToPeriod -= 1
        let handleTimeout = ticksToTimeout == 0
        let handleReports = ticksPeriod > 0 && ticksToPeriod == 0
        if handleTimeout { ticksToTimeout = ticksTimeout }
        if ticksToPeriod <= 0 { ticksToPeriod = ticksPeriod }
        let active = settings.activeTimeout
        guard handleTimeout || handleReports || active != nil else { return }
        // One pass in creation order, as Packetbeat walks its flow list.
        var slot = orderHead
        while slot >= 0 {
            let next = records[Int(slot)].orderNext
            let r = records[Int(slot)]
            if let active, time - r.created >= active {
                report(slot, at: time, final: true, reason: .activeTimeout, into: &sink)
                remove(slot)
            } else if handleTimeout && time - r.lastSeen > settings.timeout {
                report(slot, at: time, final: true, reason: closingReason(slot, otherwise: .idleTimeout), into: &sink)
                remove(slot)
            } else if handleReports {
                report(slot, at: time, final: false, reason: nil, into: &sink)
            }
            slot = next
        }
    }

    /// The slot of `key`, following the index's candidates and comparing keys in the records.
    @inline(__always)
    func find(_ key: FlowKey, hash: UInt64) -> Int32? {
        index.find(hash: hash) { records[Int($0)].key == key }
    }

    func closingReason(_ slot: Int32, otherwise: FlowEndReason) -> FlowEndReason {
        let r = records[Int(slot)]
        if r.rstSeen { return .rst }
        if r.finSeen { return .fin }
        return otherwise
    }

    mutating func report<Sink: FlowReportSink>(
        _ slot: Int32, at time: Timestamp, final: Bool, reason: FlowEndReason?, into sink: inout Sink
    ) {
        counters.reports += 1
        let r = records[Int(slot)]
        var bytes = r.bytes.source &+ r.bytes.destination
        var packets = r.packets.source &+ r.packets.destination
        if settings.deltaReports {
            records[Int(slot)].reportedBytes = bytes
            records[Int(slot)].reportedPackets = packets
            bytes &-= r.reportedBytes
            packets &-= r.reportedPackets
        }
        sink.flowReport(
            FlowReport(record: r, time: time, final: final, reason: reason, networkBytes: bytes, networkPackets: packets))
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}

/// Closure-based entry points receiving mapped events, for tests and simple callers.
extension FlowTable {
    struct ClosureSink: FlowReportSink {
        let body: (Event) -> Void
        let mapper = FlowEventMapper()
        mutating func flowReport(_ report: FlowReport) { body(mapper.event(for: report)) }
    }

    /// `account(_:into:)` with a closure receiving the events.
    public mutating func account(_ packet: DecodedPacket, emit: (Event) -> Void) {
        withoutActuallyEscaping(emit) { body in
            var sink = ClosureSink(body: body)
            account(packet, into: &sink)
        }
    }

    /// `advance(to:into:)` with a closure receiving the events.
    public mutating func advance(to now: Timestamp, emit: (Event) -> Void) {
        withoutActuallyEscaping(emit) { body in
            var sink = ClosureSink(body: body)
            advance(to: now, into: &sink)
        }
    }

    /// `finish(at:into:)` with a closure receiving the events.
    public mutating func finish(at now: Timestamp, emit: (Event) -> Void) {
        withoutActuallyEscaping(emit) { body in
            var sink = ClosureSink(body: body)
            finish(at: now, into: &sink)
        }
    }
}
