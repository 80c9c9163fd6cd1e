// The packet path of one worker: captured frame → decoder → flow table (→ TCP streams and dissectors in
// later issues) → events, batched for the publish path. Synchronous, single-threaded, no locks, and a
// value type held in a local variable by the runner, so no access on it needs a dynamic exclusivity
// check; counters are plain integers read after the loop.

import Capture
import DissectorRegistry
import Events
import Flows
import NetModel
import PacketDecoding
import TCPStreams

/// Counters of the packet path itself.
public struct PacketPathCounters: Sendable, Equatable {
    /// Frames read from the source.
    public var packets = 0
    /// Wire bytes of those frames.
    public var bytes = 0
    /// Events handed to the queue.
    public var events = 0
    /// Events dropped: live capture with both the queue and the backlog full, or a closed queue.
    public var eventsDropped = 0
    /// Events waiting in the backlog for room in the queue (a gauge).
    public var eventsBacklogged = 0
}

/// Collects events into batches and hands full batches to the queue.
///
/// Flows end in bursts: every flow idle since the last tick ends at the next one, and a period tick reports
/// every live flow at once, so one tick can bring more events than the whole queue holds while the publisher
/// keeps up on average. Batches the queue refuses wait in a backlog, oldest first, and are offered again
/// before anything newer, so the order of events is kept. The backlog holds at most `max_flows` flow reports (a
/// tick cannot end more flows than the table holds, and a report is a copy of a flow record, a few hundred
/// bytes) and the queue's capacity of other events (a TLS report can be tens of kilobytes, so these get no more
/// room than the queue itself gives them).
/// - Live capture never waits for the queue (a stalled capture loop only moves the loss into the kernel); what
///   the backlog cannot hold is dropped and counted. Packetbeat drops whatever a full queue refuses
///   (`DropIfFull`), so a tick that ends more flows than `queue.mem.events` loses flow events even on a quiet
///   link.
/// - A replay waits for room once the backlog is full (Packetbeat's `-I` blocks at the queue), so it loses
///   nothing, and the packet thread goes on reading through a tick's burst while the publisher works it off.
public struct EventBatcher: FlowReportSink {
    /// Hand a batch over once it holds this many events; Beats' flows worker batches 1024.
    public static let batchSize = 1024
    /// Index of flow events in `PublishSettings.clients`.
    public static let flowsClient: UInt8 = 0

    var batch = EventBatch()
    let queue: BatchQueue
    /// Replay waits when the queue and the backlog are full; live capture drops then.
    let blockWhenFull: Bool
    /// Batches the queue refused, oldest first, from `backlogHead` on.
    var backlog: [EventBatch] = []
    var backlogHead = 0
    /// Events in the backlog, and of those flow reports.
    var backlogEvents = 0
    var backlogFlowReports = 0
    /// The most the backlog may hold.
    let backlogLimit: BacklogLimit
    /// At the end of a live capture, how long the backlog waits for the queue to take its next batch before
    /// what is left is dropped: long enough for a publisher working through a burst, and a bound when the
    /// output is stalled (a stop must not hang).
    var finishPatience = 5.0
    var produced = 0
    var dropped = 0

    /// How much the backlog may hold: flow reports, and other events.
    struct BacklogLimit {
        var flowReports: Int
        var others: Int
    }

    init(queue: BatchQueue, blockWhenFull: Bool, backlogLimit: BacklogLimit) {
        self.queue = queue
        self.blockWhenFull = blockWhenFull
        self.backlogLimit = backlogLimit
    }

    public mutating func flowReport(_ report: FlowReport) {
        // A batch's reports in one allocation: grown by doubling, a tick's full batch was copied ten times, each
        // time into fresh memory (the page faults showed in profiles of the flow table's tick).
        if batch.flowReports.isEmpty { batch.flowReports.reserveCapacity(EventBatcher.batchSize - batch.count) }
        batch.flowReports.append(report)
        produced &+= 1
        if batch.count >= EventBatcher.batchSize { handOver() }
    }

    mutating func emit(_ event: Event, client: UInt8) {
        batch.append(event, client: client)
        produced &+= 1
        if batch.count >= EventBatcher.batchSize { handOver() }
    }

    mutating func emit(_ report: PendingReport) {
        batch.reports.append(report)
        produced &+= 1
        if batch.count >= EventBatcher.batchSize { handOver() }
    }

    /// Hands the current batch to the queue, after whatever of the backlog the queue takes now.
    mutating func handOver() {
        let n = batch.count
        if backlogEvents > 0 { offerBacklog(blockWhenFull ? .untilRoom(for: batch) : .none) }
        guard n > 0 else { return }
        if backlogEvents == 0 && queue.put(batch, block: false) {
            // Taken at once.
        } else if hasRoom(for: batch) {
            backlog.append(batch)
            backlogEvents += n
            backlogFlowReports += batch.flowReports.count
        } else if !blockWhenFull || !queue.put(batch, block: true) {
            dropped &+= n
        }
        batch = EventBatch()
    }

    /// Whether `batch` fits in the backlog as it is now.
    func hasRoom(for batch: EventBatch) -> Bool {
        let reports = batch.flowReports.count
        return backlogFlowReports + reports <= backlogLimit.flowReports
            && backlogEvents - backlogFlowReports + batch.count - reports <= backlogLimit.others
    }

    /// How `offerBacklog` waits for room in the queue.
    enum Patience {
        /// Not at all: what the queue takes now.
        case none
        /// As long as it takes, until the backlog has room for this batch.
        case untilRoom(for: EventBatch)
        /// As long as it takes, for every batch.
        case forever
        /// Up to this many seconds for each batch.
        case perBatch(Double)
    }

    /// Hands backlogged batches to the queue in order until it refuses one. A batch refused after waiting (the
    /// queue is closed, or took nothing for a whole wait) drops what is left, counted.
    mutating func offerBacklog(_ patience: Patience) {
        while backlogHead < backlog.count {
            let next = backlog[backlogHead]
            let waited: Bool
            let taken: Bool
            switch patience {
            case .none:
                waited = false
                taken = queue.put(next, block: false)
            case .untilRoom(let incoming):
                waited = !hasRoom(for: incoming)
                taken = queue.put(next, block: waited)
            case .forever:
                waited = true
                taken = queue.put(next, block: true)
            case .perBatch(let seconds):
                waited = true
                taken = queue.put(next, waitingAtMost: seconds)
            }
            if !taken {
                if waited {
                    dropped &+= backlogEvents
                    backlogEvents = 0
                    backlogFlowReports = 0
                    backlogHead = backlog.count
                }
                break
            }
            backlog[backlogHead] = EventBatch()
            backlogHead += 1
            backlogEvents -= next.count
            backlogFlowReports -= next.flowReports.count
        }
        if backlogHead == backlog.count {
            backlog.removeAll(keepingCapacity: false)
            backlogHead = 0
        }
    }

    /// Hands over the current batch and then everything backlogged (end of capture). A replay waits for room
    /// as long as it takes; live capture waits while the queue keeps taking batches, and drops (counted) what is
    /// left once it has taken none for `finishPatience` seconds.
    mutating func flush() {
        handOver()
        offerBacklog(blockWhenFull ? .forever : .perBatch(finishPatience))
    }
}

/// One worker's packet path.
public struct PacketPath {
    /// How often (capture time) stale IP fragments are swept; the fragment timeout itself is 30 s.
    static let sweepInterval = TimeSpan.seconds(1)

    var decoder: PacketDecoder
    /// The flow table; an unused one-slot table when flows are off (`tracksFlows` false).
    var flows: FlowTable
    /// TCP reassembly feeding the protocol dissectors; an unused one when no stream protocol is enabled
    /// (`tracksTCP` false).
    ///
    /// Not optionals: every way of reaching a mutable optional's payload (`x!.f()`, `x != nil`) made the
    /// compiler copy the whole table, with a retain per buffer, on every packet.
    var tcp: TCPConnectionTracker<Dissectors>
    let tracksFlows: Bool
    let tracksTCP: Bool
    var packet = DecodedPacket()
    var batcher: EventBatcher
    var lastSweep = Timestamp.zero
    var packets = 0
    var bytes = 0

    /// A path decoding `linkType`, tracking flows when `flowSettings` is given.
    public init(
        linkType: Int32, decoderLimits: DecoderLimits = .standard, flowSettings: FlowTableSettings?,
        dissectors: DissectorSettings? = nil, queue: BatchQueue, blockWhenFull: Bool
    ) {
        decoder = PacketDecoder(linkType: LinkType(rawValue: linkType), limits: decoderLimits)
        var unused = FlowTableSettings.standard
        unused.maxFlows = 1
        flows = FlowTable(settings: flowSettings ?? unused)
        tracksFlows = flowSettings != nil
        tracksTCP = dissectors?.anyEnabled ?? false
        tcp = TCPConnectionTracker(
            handler: Dissectors(settings: tracksTCP ? dissectors! : DissectorSettings(tls: nil, tlsPorts: [], tlsClient: 0)),
            limits: tracksTCP ? .default : ConnectionLimits(maxConnections: 1))
        batcher = EventBatcher(
            queue: queue, blockWhenFull: blockWhenFull,
            backlogLimit: .init(flowReports: flowSettings?.maxFlows ?? 0, others: queue.capacity))
    }

    /// The path's own counters.
    public var counters: PacketPathCounters {
        PacketPathCounters(
            packets: packets, bytes: bytes, events: batcher.produced, eventsDropped: batcher.dropped,
            eventsBacklogged: batcher.backlogEvents)
    }

    /// The decoder's counters.
    public var decodeCounters: DecodeCounters { decoder.counters }

    /// The flow table's counters (zero when flows are off).
    public var flowCounters: FlowCounters { tracksFlows ? flows.counters : FlowCounters() }

    /// Processes one frame captured at `timestamp` (which may be shifted for looped replays).
    public mutating func process(_ frame: CapturedPacket, timestamp: Timestamp) {
        packets &+= 1
        bytes &+= frame.wireLength
        if timestamp - lastSweep > PacketPath.sweepInterval {
            lastSweep = timestamp
            decoder.expireFragments(now: timestamp)
            if tracksTCP {
                tcp.expire(now: timestamp)
                drainDissectors()
            }
        }
        let status = decoder.decode(frame.data, wireLength: frame.wireLength, timestamp: timestamp, into: &packet)
        let decoded: Bool
        if case .decoded = status { decoded = true } else { decoded = false }
        if tracksFlows {
            if decoded {
                flows.account(packet, into: &batcher)
            } else {
                flows.advance(to: timestamp, into: &batcher)
            }
        }
        if tracksTCP, decoded, packet.transport == .tcp {
            tcp.process(packet)
            if !tcp.handler.pending.isEmpty { drainDissectors() }
        }
        // A backlog (after a burst) is offered again every 256 packets, not only when a batch fills.
        if batcher.backlogEvents > 0 && packets & 255 == 0 { batcher.offerBacklog(.none) }
    }

    mutating func drainDissectors() {
        tcp.handler.drain { batcher.emit($0) }
    }

    /// The dissectors' counters (zero when none run).
    public var dissectorCounters: DissectorCounters { tracksTCP ? tcp.handler.counters : DissectorCounters() }

    /// The TCP tracker's counters (zero when TCP is not tracked).
    public var trackerCounters: TrackerCounters { tracksTCP ? tcp.counters : TrackerCounters() }

    /// Runs timers up to `now` (live capture on a quiet link, or fragments expiring).
    public mutating func advance(to now: Timestamp) {
        decoder.expireFragments(now: now)
        if tracksFlows { flows.advance(to: now, into: &batcher) }
        if tracksTCP {
            tcp.expire(now: now)
            drainDissectors()
        }
        if batcher.backlogEvents > 0 { batcher.offerBacklog(.none) }
    }

    /// Flushes everything pending at the end of the capture: final flow reports, then the last batch.
    public mutating func finish(at now: Timestamp) {
        if tracksTCP {
            tcp.expire(now: now)
            tcp.finishAll(reason: .endOfCapture)
            drainDissectors()
        }
        if tracksFlows { flows.finish(at: now, into: &batcher) }
        batcher.flush()
    }

    /// Hands the current batch to the queue (on read timeouts, so events don't linger).
    public mutating func handOver() { batcher.handOver() }
}
