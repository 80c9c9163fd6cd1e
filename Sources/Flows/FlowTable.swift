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

/// Tracks flows and produces flow events. Owned by one packet-path thread; not thread-safe.
public struct FlowTable {
    public let settings: FlowTableSettings
    public internal(set) var counters = FlowCounters()

    var records: [FlowRecord] = []
    var freeSlots: [Int32] = []
    var index: [FlowKey: Int32] = [:]
    var lruHead: Int32 = -1
    var lruTail: Int32 = -1
    var orderHead: Int32 = -1
    var orderTail: Int32 = -1

    let tick: TimeSpan
    let ticksTimeout: Int
    let ticksPeriod: Int
    var ticksToTimeout: Int
    var ticksToPeriod: Int
    /// The next tick's capture time; nil until the first packet fixes the schedule.
    var nextTick: Timestamp? = nil
    /// The latest capture time seen (packets can arrive slightly out of time order).
    public private(set) var clock: Timestamp = .zero

    let mapper: FlowEventMapper

    /// A table with `settings`; `mapper` builds the events.
    public init(settings: FlowTableSettings, mapper: FlowEventMapper = FlowEventMapper()) {
        self.settings = settings
        self.mapper = mapper
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
    public mutating func account(_ packet: DecodedPacket, emit: (Event) -> Void) {
        advance(to: packet.timestamp, emit: emit)
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
        if let found = index[key] {
            slot = found
            touch(slot)
        } else {
            if index.count >= settings.maxFlows, lruHead >= 0 {
                let victim = lruHead
                report(victim, at: clock, final: true, reason: .evicted, emit: emit)
                remove(victim)
                counters.evicted += 1
            }
            slot = insert(key: key, sender: sender, packet: packet)
        }
        update(slot, sender: sender, packet: packet)
        counters.packets += 1
    }

    /// Advances capture time to `now`, running every tick due (for live captures on quiet links too).
    public mutating func advance(to now: Timestamp, emit: (Event) -> Void) {
        if now > clock { clock = now }
        guard var next = nextTick else {
            let align = FlowLimits.tickAlignment.nanoseconds
            let start = (now.nanoseconds + align - 1) / align * align
            nextTick = Timestamp(nanoseconds: start) + tick
            return
        }
        while next <= clock {
            if index.isEmpty {
                // Nothing to report or expire: jump over idle stretches of the capture in one step.
                let skipped = (clock.nanoseconds - next.nanoseconds) / tick.nanoseconds
                next = next + TimeSpan(nanoseconds: skipped * tick.nanoseconds)
                if next <= clock { next = next + tick }
                ticksToTimeout = ticksTimeout
                ticksToPeriod = ticksPeriod
                break
            }
            runTick(at: next, emit: emit)
            next = next + tick
        }
        nextTick = next
    }

    /// Reports every flow as final (`end_of_capture`, or FIN/RST when seen) and empties the table.
    public mutating func finish(at now: Timestamp, emit: (Event) -> Void) {
        advance(to: now, emit: emit)
        var slot = orderHead
        while slot >= 0 {
            let next = records[Int(slot)].orderNext
            report(slot, at: clock, final: true, reason: closingReason(slot, otherwise: .endOfCapture), emit: emit)
            remove(slot)
            slot = next
        }
    }

    mutating func runTick(at time: Timestamp, emit: (Event) -> Void) {
        ticksToTimeout -= 1
        ticksToPeriod -= 1
        let handleTimeout = ticksToTimeout == 0
        let handleReports = ticksPeriod > 0 && ticksToPeriod == 0
        if handleTimeout { ticksToTimeout = ticksTimeout }
        if ticksToPeriod <= 0 { ticksToPeriod = ticksPeriod }

        if let active = settings.activeTimeout {
            var slot = orderHead  // creation order is also age order
            while slot >= 0 {
                let r = records[Int(slot)]
                guard time - r.created >= active else { break }
                let next = r.orderNext
                report(slot, at: time, final: true, reason: .activeTimeout, emit: emit)
                remove(slot)
                slot = next
            }
        }
        if handleReports {
            var slot = orderHead
            while slot >= 0 {
                let next = records[Int(slot)].orderNext
                if handleTimeout && time - records[Int(slot)].lastSeen > settings.timeout {
                    report(slot, at: time, final: true, reason: closingReason(slot, otherwise: .idleTimeout), emit: emit)
                    remove(slot)
                } else {
                    report(slot, at: time, final: false, reason: nil, emit: emit)
                }
                slot = next
            }
        } else if handleTimeout {
            // Least recently seen first: stop at the first flow still inside the timeout.
            var slot = lruHead
            while slot >= 0, time - records[Int(slot)].lastSeen > settings.timeout {
                let next = records[Int(slot)].lruNext
                report(slot, at: time, final: true, reason: closingReason(slot, otherwise: .idleTimeout), emit: emit)
                remove(slot)
                slot = next
            }
        }
    }

    func closingReason(_ slot: Int32, otherwise: FlowEndReason) -> FlowEndReason {
        let r = records[Int(slot)]
        if r.rstSeen { return .rst }
        if r.finSeen { return .fin }
        return otherwise
    }

    mutating func report(_ slot: Int32, at time: Timestamp, final: Bool, reason: FlowEndReason?, emit: (Event) -> Void) {
        let event = mapper.event(for: &records[Int(slot)], at: time, final: final, reason: reason)
        counters.reports += 1
        emit(event)
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
