// The bounded hand-off between the packet path and the publish path.
//
// The packet thread appends events to a local batch and hands full batches (or a partial one at a tick)
// to this queue; the publisher thread takes them. Capacity is counted in events. When full, a blocking
// producer waits (file replay, as Packetbeat's `-I` does) and a non-blocking one is refused (live capture,
// where stalling the capture loop would only move the loss into the kernel: `EventBatcher` keeps refused
// batches in a bounded backlog and counts what it has to drop).

import DissectorRegistry
import Events
import Flows
import Foundation

/// Events travelling together, each tagged with the index of the client (a protocol) that made it, plus
/// flow reports, which the publish thread maps to flow events (so period ticks, which report every live
/// flow at once, cost the packet thread copies rather than event building).
public struct EventBatch: Sendable {
    public var events: [Event] = []
    public var clients: [UInt8] = []
    public var flowReports: [FlowReport] = []
    /// Protocol reports (a TLS handshake, …), mapped on the publish thread too.
    public var reports: [PendingReport] = []

    public init() {}

    /// Number of events and reports.
    public var count: Int { events.count + flowReports.count + reports.count }

    /// Appends an event from `client`.
    public mutating func append(_ event: Event, client: UInt8) {
        events.append(event)
        clients.append(client)
    }
}

/// A bounded multi-producer, multi-consumer queue of batches.
public final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [EventBatch] = []
    private var head = 0
    private var queuedEvents = 0
    private var closed = false
    /// Batches taken so far.
    private var taken: UInt64 = 0
    /// Capacity in events (`queue.mem.events`).
    public let capacity: Int

    /// A queue holding at most `capacity` events.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Hands over `batch`. Returns false when it was not taken (queue full and `block` false, or closed).
    @discardableResult
    public func put(_ batch: EventBatch, block: Bool) -> Bool {
        put(batch, until: block ? .distantFuture : nil)
    }

    /// Hands over `batch`, waiting at most `seconds` for room. False when it was not taken.
    public func put(_ batch: EventBatch, waitingAtMost seconds: Double) -> Bool {
        put(batch, until: Date(timeIntervalSinceNow: seconds))
    }

    /// Hands over `batch`, waiting for room until `deadline` (nil: not at all).
    private func put(_ batch: EventBatch, until deadline: Date?) -> Bool {
        guard batch.count > 0 else { return true }
        condition.lock()
        defer { condition.unlock() }
        // A batch larger than the whole queue is still accepted once the queue is empty.
        var stopSeen: Date? = nil
        while !closed && queuedEvents > 0 && queuedEvents + batch.count > capacity {
            guard let deadline else { return false }
            if deadline == .distantFuture {
                // Waiting for good, except after a stop request (StopSignal.patience).
                if StopSignal.requested {
                    let seen = stopSeen ?? Date()
                    if -seen.timeIntervalSinceNow >= StopSignal.patience { return false }
                    stopSeen = seen
                }
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.25))
            } else if !condition.wait(until: deadline) {
                return false
            }
        }
        if closed { return false }
        batches.append(batch)
        queuedEvents += batch.count
        condition.broadcast()
        return true
    }

    /// Takes the next batch, waiting up to `timeout` seconds; nil on timeout or when closed and drained.
    public func take(timeout: Double) -> EventBatch? {
        takeNumbered(timeout: timeout)?.batch
    }

    /// Takes the next batch with its number (0, 1, 2, … in the order batches were put), so that consumers on
    /// several threads can put their results back in order.
    public func takeNumbered(timeout: Double) -> (number: UInt64, batch: EventBatch)? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while head == batches.count {
            if closed { return nil }
            if !condition.wait(until: deadline) { return nil }
        }
        let batch = batches[head]
        batches[head] = EventBatch()
        head += 1
        if head == batches.count || head > 64 {
            batches.removeFirst(head)
            head = 0
        }
        queuedEvents -= batch.count
        condition.broadcast()
        let number = taken
        taken += 1
        return (number, batch)
    }

    /// No more batches will be put; `take` drains what is left, then returns nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// True once closed and empty.
    public var isDrained: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed && head == batches.count
    }

    /// Events waiting.
    public var pendingEvents: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedEvents
    }
}
