// The packet path of one worker: captured frame → decoder → flow table (→ TCP streams and dissectors in
// later issues) → events, batched for the publish path. Synchronous, single-threaded, no locks; counters
// are plain integers read after the loop or per batch.

import Capture
import Events
import Flows
import NetModel
import PacketDecoding

/// Counters of the packet path itself.
public struct PacketPathCounters: Sendable, Equatable {
    /// Frames read from the source.
    public var packets = 0
    /// Wire bytes of those frames.
    public var bytes = 0
    /// Events handed to the queue.
    public var events = 0
    /// Events the queue refused (live capture with a full queue).
    public var eventsDropped = 0
}

/// One worker's packet path.
public final class PacketPath {
    /// Index of flow events in `PublishSettings.clients`.
    public static let flowsClient: UInt8 = 0
    /// Hand a batch to the queue once it holds this many events; Beats' flows worker batches 1024.
    static let batchSize = 1024
    /// How often (capture time) stale IP fragments are swept; the fragment timeout itself is 30 s.
    static let sweepInterval = TimeSpan.seconds(1)

    var decoder: PacketDecoder
    var flows: FlowTable?
    var packet = DecodedPacket()
    var batch = EventBatch()
    var lastSweep = Timestamp.zero
    let queue: BatchQueue
    /// Live capture drops batches when the queue is full; replay blocks (as Packetbeat does).
    let blockWhenFull: Bool
    public private(set) var counters = PacketPathCounters()

    /// A path decoding `linkType`, tracking flows when `flowSettings` is given.
    public init(
        linkType: Int32, decoderLimits: DecoderLimits = .standard, flowSettings: FlowTableSettings?,
        queue: BatchQueue, blockWhenFull: Bool
    ) {
        decoder = PacketDecoder(linkType: LinkType(rawValue: linkType), limits: decoderLimits)
        flows = flowSettings.map { FlowTable(settings: $0) }
        self.queue = queue
        self.blockWhenFull = blockWhenFull
    }

    /// The decoder's counters.
    public var decodeCounters: DecodeCounters { decoder.counters }

    /// The flow table's counters (zero when flows are off).
    public var flowCounters: FlowCounters { flows?.counters ?? FlowCounters() }

    /// Processes one frame captured at `timestamp` (which may be shifted for looped replays).
    public func process(_ frame: CapturedPacket, timestamp: Timestamp) {
        counters.packets &+= 1
        counters.bytes &+= frame.wireLength
        if timestamp - lastSweep > PacketPath.sweepInterval {
            lastSweep = timestamp
            decoder.expireFragments(now: timestamp)
        }
        let status = decoder.decode(frame.data, wireLength: frame.wireLength, timestamp: timestamp, into: &packet)
        guard case .decoded = status else {
            if flows != nil {
                flows!.advance(to: timestamp) { event in emit(event, client: PacketPath.flowsClient) }
            }
            return
        }
        if flows != nil {
            flows!.account(packet) { event in emit(event, client: PacketPath.flowsClient) }
        }
        if batch.count >= PacketPath.batchSize { handOver() }
    }

    /// Runs timers up to `now` (live capture on a quiet link, or fragments expiring).
    public func advance(to now: Timestamp) {
        decoder.expireFragments(now: now)
        if flows != nil {
            flows!.advance(to: now) { event in emit(event, client: PacketPath.flowsClient) }
        }
    }

    /// Flushes everything pending at the end of the capture: final flow reports, then the last batch.
    public func finish(at now: Timestamp) {
        if flows != nil {
            flows!.finish(at: now) { event in emit(event, client: PacketPath.flowsClient) }
        }
        handOver()
    }

    /// Hands the current batch to the queue (also called on read timeouts so events don't linger).
    public func handOver() {
        guard batch.count > 0 else { return }
        let n = batch.count
        if !queue.put(batch, block: blockWhenFull) { counters.eventsDropped &+= n }
        batch = EventBatch()
    }

    func emit(_ event: Event, client: UInt8) {
        batch.append(event, client: client)
        counters.events &+= 1
    }
}
