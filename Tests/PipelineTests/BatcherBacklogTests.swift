import Capture
import Foundation
import Events
import Flows
import NetModel
import Synchronization
import Testing

@testable import Pipeline

/// The packet path's hand-off: batches a full queue refuses wait in a bounded backlog, in order; live capture
/// drops only what the backlog cannot hold, and a replay waits for room instead.
@Suite struct BatcherBacklogTests {
    /// Events numbered by their timestamp, so order can be checked at the far end.
    static func numbered(_ n: Int) -> Event { Event(timestamp: Timestamp(nanoseconds: Int64(n))) }

    /// A live capture's batcher in front of a queue (`queue`) of `capacity`, having emitted events 0..<`events`
    /// (handed over up to the last full batch).
    static func live(capacity: Int, backlogLimit: Int, events: Int) -> EventBatcher {
        var b = EventBatcher(
            queue: BatchQueue(capacity: capacity), blockWhenFull: false,
            backlogLimit: .init(flowReports: 0, others: backlogLimit))
        for i in 0..<events { b.emit(numbered(i), client: 0) }
        return b
    }

    /// Takes everything queued, in order.
    static func drain(_ q: BatchQueue) -> [Event] {
        var out: [Event] = []
        while let b = q.take(timeout: 0) { out += b.events }
        return out
    }

    @Test func refusedBatchesWaitAndFollowInOrderOnceTheQueueHasRoom() {
        var b = Self.live(capacity: 2048, backlogLimit: 10_000, events: 5000)
        let q = b.queue
        b.handOver()
        #expect(q.pendingEvents == 2048)
        #expect(b.backlogEvents == 5000 - 2048)
        #expect(b.dropped == 0)
        var seen = Self.drain(q)
        // Newer events wait behind the backlog even when the queue has room for them.
        b.emit(Self.numbered(5000), client: 0)
        b.handOver()
        seen += Self.drain(q)
        b.handOver()
        seen += Self.drain(q)
        b.flush()
        seen += Self.drain(q)
        #expect(seen.map(\.timestamp.nanoseconds) == (0...5000).map(Int64.init))
        #expect(b.backlogEvents == 0)
        #expect(b.dropped == 0)
    }

    @Test func whatTheBacklogCannotHoldIsDroppedAndCounted() {
        var b = Self.live(capacity: 2048, backlogLimit: 1024, events: 5000)
        let q = b.queue
        b.handOver()
        #expect(q.pendingEvents == 2048)
        #expect(b.backlogEvents == 1024)
        #expect(b.dropped == 5000 - 2048 - 1024)
        #expect(b.produced == 5000)
    }

    @Test func aClosedQueueDropsTheBacklogAtTheEndInsteadOfWaiting() {
        var b = Self.live(capacity: 1024, backlogLimit: 10_000, events: 3000)
        let q = b.queue
        q.close()
        b.flush()
        #expect(b.backlogEvents == 0)
        #expect(b.dropped == 3000 - 1024)
    }

    @Test func atTheEndALiveCaptureWaitsWhileTheQueueTakesBatches() {
        let q = BatchQueue(capacity: 1024)
        let seen = Mutex(0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            // Slower than the patience in all, but never idle for that long.
            while let b = q.take(timeout: 5) {
                seen.withLock { $0 += b.count }
                usleep(50_000)
            }
            done.signal()
        }.start()
        var b = EventBatcher(queue: q, blockWhenFull: false, backlogLimit: .init(flowReports: 0, others: 10_000))
        b.finishPatience = 0.3
        for i in 0..<8000 { b.emit(Self.numbered(i), client: 0) }
        b.flush()
        q.close()
        done.wait()
        #expect(b.dropped == 0)
        #expect(seen.withLock { $0 } == 8000)
    }

    @Test func atTheEndALiveCaptureDropsTheBacklogOfAStalledQueueAfterWaiting() {
        var b = Self.live(capacity: 1024, backlogLimit: 10_000, events: 3000)
        let q = b.queue
        b.finishPatience = 0.2
        let start = Date()
        b.flush()
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 0.2 && waited < 3)
        #expect(b.backlogEvents == 0)
        #expect(b.dropped == 3000 - 1024)
        #expect(q.pendingEvents == 1024)
    }

    @Test func aReplayRunsAheadByTheBacklogThenWaitsAndLosesNothing() {
        let q = BatchQueue(capacity: 2048)
        // The consumer is a thread of its own: the producer below blocks, and a blocked task could hold the last
        // thread of Swift's cooperative pool that a consumer task would need.
        let seen = Mutex<[Int64]>([])
        let done = DispatchSemaphore(value: 0)
        Thread {
            while let b = q.take(timeout: 5) {
                seen.withLock { $0 += b.events.map(\.timestamp.nanoseconds) }
                usleep(1000)
            }
            done.signal()
        }.start()
        var b = EventBatcher(queue: q, blockWhenFull: true, backlogLimit: .init(flowReports: 0, others: 3000))
        for i in 0..<20_000 {
            b.emit(Self.numbered(i), client: 0)
            #expect(b.backlogEvents <= 3000)
        }
        b.flush()
        #expect(b.backlogEvents == 0)
        q.close()
        done.wait()
        #expect(seen.withLock { $0 } == (0..<20_000).map(Int64.init))
        #expect(b.dropped == 0)
    }

    /// An Ethernet/IPv4/UDP frame from 10.0.0.1:`port` to 10.0.0.2:53.
    static func udpFrame(sourcePort port: UInt16) -> [UInt8] {
        let payload: [UInt8] = [1, 2, 3, 4]
        let udpLength = 8 + payload.count
        let ipLength = 20 + udpLength
        var f: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]
        f += [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xff), 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        f += [UInt8(port >> 8), UInt8(port & 0xff), 0, 53, 0, UInt8(udpLength), 0, 0] + payload
        return f
    }

    /// A live packet path in front of `queue` that has seen one packet of each of `flows` UDP flows, and a time
    /// by which all of them are idle.
    static func path(flows: Int, queue: BatchQueue) -> (PacketPath, Timestamp) {
        let settings = FlowTableSettings(timeout: .seconds(30), period: nil, maxFlows: 100_000)
        var path = PacketPath(linkType: 1, flowSettings: settings, queue: queue, blockWhenFull: false)
        let start = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)
        for i in 0..<flows {
            let frame = Self.udpFrame(sourcePort: UInt16(10_000 + i))
            let ts = start + TimeSpan(nanoseconds: Int64(i) * 1000)
            frame.withUnsafeBytes { raw in
                path.process(CapturedPacket(timestamp: ts, wireLength: raw.count, data: raw), timestamp: ts)
            }
        }
        return (path, start + .seconds(60))
    }

    @Test func aTickEndingMoreFlowsThanTheQueueHoldsLosesNoFlowEventInLiveCapture() {
        let flows = 5000
        let q = BatchQueue(capacity: 2048)
        var (path, later) = Self.path(flows: flows, queue: q)
        #expect(q.pendingEvents == 0)
        // Every flow is idle at the same tick: 5,000 reports against a queue of 2,048.
        path.advance(to: later)
        #expect(path.flowCounters.reports == flows)
        var reports = 0
        for _ in 0..<10 {
            while let b = q.take(timeout: 0) { reports += b.flowReports.count }
            path.advance(to: later)
        }
        path.finish(at: later)
        while let b = q.take(timeout: 0) { reports += b.flowReports.count }
        #expect(reports == flows)
        #expect(path.counters.eventsDropped == 0)
        #expect(path.counters.events == flows)
    }

    @Test func flowReportsAndOtherEventsHaveRoomsOfTheirOwn() throws {
        // A batch of 1,024 flow reports, taken from a tick.
        let source = BatchQueue(capacity: 1_000_000)
        var (path, later) = Self.path(flows: 1024, queue: source)
        path.advance(to: later)
        let reports = try #require(source.take(timeout: 0))
        #expect(reports.flowReports.count == 1024)
        // A queue that takes nothing more, and a backlog with room for 2,048 flow reports and 10 other events.
        let q = BatchQueue(capacity: 1)
        q.put(batch([Self.numbered(0)]), block: true)
        var b = EventBatcher(queue: q, blockWhenFull: false, backlogLimit: .init(flowReports: 2048, others: 10))
        for _ in 0..<3 {
            b.batch = reports
            b.handOver()
        }
        #expect(b.backlogFlowReports == 2048)
        #expect(b.dropped == 1024)
        // Flow reports do not use the other events' room, nor the other way round.
        for i in 1...10 { b.emit(Self.numbered(i), client: 0) }
        b.handOver()
        #expect(b.backlogEvents == 2048 + 10)
        b.emit(Self.numbered(11), client: 0)
        b.handOver()
        #expect(b.dropped == 1024 + 1)
        b.batch = reports
        b.handOver()
        #expect(b.dropped == 1024 + 1 + 1024)
        // Once the queue takes again, both drain in order.
        _ = q.take(timeout: 0)
        var taken = 0
        while b.backlogEvents > 0 {
            b.offerBacklog(.none)
            while let next = q.take(timeout: 0) { taken += next.count }
        }
        #expect(taken == 2048 + 10)
        #expect(b.backlogFlowReports == 0)
    }
}
