// The shipper thread: takes records from the spool, hands them to librdkafka, and turns delivery reports into
// spool acknowledgements. A record leaves the spool only when Kafka acknowledged it or it was dropped for a
// reason that retrying cannot cure (too large, refused by the broker) — each drop counted by reason.
//
// Retries: librdkafka retries each message itself (`max_retries`). When it still fails, libbeat drops the
// event unless `max_retries` is negative — even from its disk queue. wirebeat keeps libbeat's rule for the
// memory queue, but with the disk queue (or `max_retries: -1`) sends the record again after a backoff
// (`backoff.init` doubling to `backoff.max`) until it is delivered: a spool that loses events on a long outage
// would defeat its purpose (a deliberate difference, documented in the README).
//
// Memory stays bounded while the broker is down: at most `maxInFlight` records are out of the spool at once.
//
// The idempotent producer can stop for good (a fatal error, when it can no longer guarantee order without
// duplicates); the shipper then replaces it and sends what was in flight again.

import Foundation
import KafkaOutput
import Logging
import Spool

/// Counters of the Kafka delivery path.
public struct DeliveryCounters: Sendable, Equatable {
    /// Records given to librdkafka (re-sends included).
    public var produced = 0
    /// Records Kafka acknowledged.
    public var acked = 0
    /// Re-sends after a failed delivery.
    public var retried = 0
    /// Records still unacknowledged when a memory queue was closed (lost; a disk spool keeps them).
    public var failed = 0
    /// Events dropped, by reason.
    public var dropped: [DropReason: Int] = [:]
    /// Delivery latency (first send to acknowledgement) of acknowledged records.
    public var latencyCount = 0
    public var latencyTotalMs = 0.0
    public var latencyMaxMs = 0.0
    /// The spool's counters at the time of the snapshot.
    public var spool = SpoolCounters()

    /// Every dropped event, whatever the reason.
    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    /// Mean delivery latency in milliseconds.
    public var latencyMeanMs: Double { latencyCount > 0 ? latencyTotalMs / Double(latencyCount) : 0 }
}

/// Moves records from the spool to librdkafka and acknowledgements back.
final class Shipper: @unchecked Sendable {
    /// A record given to librdkafka, which reads its value in place until the delivery report: the slot keeps
    /// the payload until then (or until the producer is closed or replaced).
    struct InFlight {
        /// Whether the slot holds a record; a free slot keeps only its last record's topic.
        var inUse = false
        var id: UInt64 = 0
        var payload: [UInt8] = []
        var record = OutboundRecord.empty
        var firstSent = 0.0
        var attempts = 0
    }

    let spool: any Spool
    private var producer: KafkaProducer
    let makeProducer: @Sendable () throws(KafkaError) -> KafkaProducer
    let logger: Logger
    let maxInFlight: Int
    let retryForever: Bool
    let backoffInit: Double
    let backoffMax: Double
    let metricsPeriod: Double

    private let lock = NSLock()
    private var _counters = DeliveryCounters()
    /// Counts of the current loop turn (shipper thread only), merged into `_counters` once per turn so that
    /// produce calls and delivery reports take no lock each.
    private var turn = DeliveryCounters()
    private var stopRequested = false
    private var stopDeadline = Double.infinity

    // Shipper-thread state: slot index = the token librdkafka hands back. Slots are changed field by field, never
    // replaced whole or made optional: the compiler destroys a whole `InFlight` (or an optional one) through
    // generic value witnesses, which cost a tenth of the shipper's time.
    private var slots: [InFlight]
    private var freeSlots: [UInt32]
    private var retryQueue: [(slot: UInt32, due: Double)] = []
    private var pendingAcks: [UInt64] = []
    /// The topic of the last record sent, whose String the next record reuses when it names the same topic.
    private var lastTopic: String?

    init(
        spool: any Spool, makeProducer: @escaping @Sendable () throws(KafkaError) -> KafkaProducer,
        producer: KafkaProducer, maxInFlight: Int, retryForever: Bool, backoffInit: Double, backoffMax: Double,
        metricsPeriod: Double = 30, logger: Logger
    ) {
        self.spool = spool
        self.makeProducer = makeProducer
        self.producer = producer
        self.maxInFlight = max(1, maxInFlight)
        self.retryForever = retryForever
        self.backoffInit = backoffInit
        self.backoffMax = max(backoffInit, backoffMax)
        self.metricsPeriod = metricsPeriod
        self.logger = logger
        slots = Array(repeating: InFlight(), count: self.maxInFlight)
        freeSlots = (0..<UInt32(self.maxInFlight)).reversed()
    }

    /// A snapshot of the counters.
    var counters: DeliveryCounters {
        lock.lock()
        var c = _counters
        lock.unlock()
        c.spool = spool.counters
        return c
    }

    /// Counts an event dropped before it reached the spool.
    func recordDrop(_ reason: DropReason, count: Int = 1) {
        lock.lock()
        _counters.dropped[reason, default: 0] += count
        lock.unlock()
    }

    /// Asks the loop to end once everything is delivered, or at `deadline` (monotonic seconds) at the latest.
    func requestStop(deadline: Double) {
        lock.lock()
        stopRequested = true
        stopDeadline = min(stopDeadline, deadline)
        lock.unlock()
    }

    private var stopState: (requested: Bool, deadline: Double) {
        lock.lock()
        defer { lock.unlock() }
        return (stopRequested, stopDeadline)
    }

    private var inFlight: Int { maxInFlight - freeSlots.count }

    static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    /// The loop; returns when stopped and drained, or at the stop deadline.
    func run() {
        var nextMetrics = Self.now() + metricsPeriod
        var nextWaitNotice = Double.infinity
        var signalSeen: Double? = nil
        var blockingStopped = false
        while true {
            let (stopping, deadline) = stopState
            let now = Self.now()
            // A publisher blocked on a full spool must not hold up a stop for good (StopSignal.patience).
            if StopSignal.requested && !blockingStopped {
                let seen = signalSeen ?? now
                signalSeen = seen
                if now - seen >= StopSignal.patience {
                    spool.stopBlocking()
                    blockingStopped = true
                }
            }
            if stopping {
                if inFlight == 0 && spool.counters.pendingEntries == 0 { break }
                if now >= deadline { break }
                if nextWaitNotice == .infinity { nextWaitNotice = now + 10 }
                if now >= nextWaitNotice {
                    let waiting = spool.counters.pendingEntries
                    let reason = producer.lastClientError.map { " (last Kafka error: \($0))" } ?? ""
                    logger.warning("waiting for \(waiting) events to be delivered to Kafka\(reason)")
                    nextWaitNotice = now + 10
                }
            }
            resendDue(now: now)
            var read = 0
            if inFlight < maxInFlight && retryQueue.count < maxInFlight {
                let idle = inFlight == 0 && retryQueue.isEmpty
                let entries = spool.read(max: maxInFlight - inFlight, timeout: idle ? 0.1 : 0)
                read = entries.count
                let sentAt = Self.now()
                for entry in entries { send(entry, at: sentAt) }
            }
            poll(timeoutMs: read > 0 ? 0 : (inFlight > 0 ? 20 : 0))
            flushAcks()
            mergeTurn()
            if let fatal = producer.fatalClientError { replaceProducer(after: fatal) }
            if now >= nextMetrics {
                logMetrics()
                nextMetrics = now + metricsPeriod
            }
        }
        flushAcks()
        mergeTurn()
        // librdkafka reads the payloads in `slots` in place (not copied at produce): it must be done with them
        // before they can go.
        producer.close()
        let left = inFlight + retryQueue.count
        if left > 0 || spool.counters.pendingEntries > 0 {
            let pending = spool.counters.pendingEntries
            if spool is DiskSpool {
                logger.warning("\(pending) events are not yet delivered; the disk spool keeps them for the next start")
            } else {
                logger.error("\(pending) events were not delivered before shutdown and are lost (memory queue)")
                lock.lock()
                _counters.failed += pending
                lock.unlock()
            }
        }
    }

    /// Serves librdkafka's delivery reports. Acknowledgements in one poll share one reading of the clock.
    private func poll(timeoutMs: Int32) {
        var ackedAt: Double? = nil
        producer.poll(timeoutMs: timeoutMs) { report in
            if report.error == nil && ackedAt == nil { ackedAt = Self.now() }
            handle(report, at: ackedAt ?? 0)
        }
    }

    /// Produces a record read from the spool at `sentAt` (the time its delivery latency counts from).
    private func send(_ entry: SpoolEntry, at sentAt: Double) {
        guard let record = OutboundRecord(parsing: entry.payload, knownTopic: lastTopic) else {
            logger.error("spooled record \(entry.id) has an unknown format; dropping it")
            recordDrop(.rejected)
            pendingAcks.append(entry.id)
            return
        }
        lastTopic = record.topic
        let slot = freeSlots.removeLast()
        slots.withUnsafeMutableBufferPointer { p in
            let i = Int(slot)
            p[i].inUse = true
            p[i].id = entry.id
            p[i].payload = entry.payload
            p[i].record = record
            p[i].firstSent = sentAt
            p[i].attempts = 1
        }
        produce(slot: slot)
    }

    /// Hands the record in `slot` to librdkafka, waiting while librdkafka's own queue is full.
    private func produce(slot: UInt32) {
        let f = slots[Int(slot)]
        guard f.inUse else { return }
        while true {
            let outcome = f.payload.withUnsafeBytes { raw in
                producer.produce(
                    topic: f.record.topic, key: f.record.key,
                    value: UnsafeRawBufferPointer(rebasing: raw[f.record.valueOffset...]),
                    timestampMs: f.record.timestampMs, partitionHash: f.record.partitionHash, token: slot,
                    valueOutlivesMessage: true)
            }
            switch outcome {
            case .queued:
                turn.produced += 1
                return
            case .queueFull:
                poll(timeoutMs: 50)
                if Self.now() >= stopState.deadline {
                    scheduleRetry(slot: slot)
                    return
                }
            case .rejected(let error):
                failed(slot: slot, error: error)
                return
            }
        }
    }

    private func handle(_ report: DeliveryReport, at now: Double) {
        let slot = report.token
        // Read in place: a copy of the slot would retain and release its payload and record.
        let known = slots.withUnsafeBufferPointer { p -> (id: UInt64, firstSent: Double)? in
            guard Int(slot) < p.count, p[Int(slot)].inUse else { return nil }
            return (p[Int(slot)].id, p[Int(slot)].firstSent)
        }
        guard let (id, firstSent) = known else { return }
        guard let error = report.error else {
            let ms = (now - firstSent) * 1000
            turn.acked += 1
            turn.latencyCount += 1
            turn.latencyTotalMs += ms
            turn.latencyMaxMs = max(turn.latencyMaxMs, ms)
            release(slot: slot, id: id)
            return
        }
        failed(slot: slot, error: error)
    }

    private func failed(slot: UInt32, error: KafkaDeliveryError) {
        let f = slots[Int(slot)]
        guard f.inUse else { return }
        switch error.disposition {
        case .drop:
            let reason: DropReason = error.name.contains("SIZE_TOO_LARGE") ? .tooLarge : .rejected
            logger.error("Kafka (topic=\(f.record.topic)): dropping message: \(error)")
            recordDrop(reason)
            release(slot: slot, id: f.id)
        case .retry:
            if retryForever {
                scheduleRetry(slot: slot)
            } else {
                logger.error("Kafka (topic=\(f.record.topic)): delivery failed after retries: \(error); dropping it")
                recordDrop(.retriesExhausted)
                release(slot: slot, id: f.id)
            }
        }
    }

    private func scheduleRetry(slot: UInt32) {
        guard slots[Int(slot)].inUse else { return }
        let attempts = slots[Int(slot)].attempts
        let delay = min(backoffInit * pow(2, Double(min(attempts - 1, 30))), backoffMax)
        slots[Int(slot)].attempts = attempts + 1
        retryQueue.append((slot, Self.now() + delay))
    }

    private func resendDue(now: Double) {
        guard !retryQueue.isEmpty else { return }
        var due: [UInt32] = []
        retryQueue.removeAll { item in
            if item.due <= now {
                due.append(item.slot)
                return true
            }
            return false
        }
        turn.retried += due.count
        for slot in due { produce(slot: slot) }
    }

    /// Replaces a producer that stopped for good; what it held is sent again by the new one.
    private func replaceProducer(after fatal: String) {
        logger.error("the Kafka producer stopped (\(fatal)); starting a new one and re-sending what was in flight")
        let waiting = Set(retryQueue.map(\.slot))
        for slot in 0..<UInt32(slots.count) where slots[Int(slot)].inUse && !waiting.contains(slot) {
            retryQueue.append((slot, Self.now()))
        }
        do {
            producer = try makeProducer()
        } catch {
            logger.error("cannot start a new Kafka producer: \(error); retrying in \(backoffMax) s")
            Thread.sleep(forTimeInterval: backoffMax)
        }
    }

    private func release(slot: UInt32, id: UInt64) {
        slots.withUnsafeMutableBufferPointer { p in
            p[Int(slot)].inUse = false
            p[Int(slot)].payload = []
            p[Int(slot)].record.key = nil
        }
        freeSlots.append(slot)
        pendingAcks.append(id)
    }

    private func mergeTurn() {
        guard turn.produced + turn.acked + turn.retried > 0 else { return }
        lock.lock()
        _counters.produced += turn.produced
        _counters.acked += turn.acked
        _counters.retried += turn.retried
        _counters.latencyCount += turn.latencyCount
        _counters.latencyTotalMs += turn.latencyTotalMs
        _counters.latencyMaxMs = max(_counters.latencyMaxMs, turn.latencyMaxMs)
        lock.unlock()
        turn = DeliveryCounters()
    }

    private func flushAcks() {
        guard !pendingAcks.isEmpty else { return }
        spool.acknowledge(pendingAcks)
        pendingAcks.removeAll(keepingCapacity: true)
    }

    private func logMetrics() {
        let c = counters
        var line = "kafka: \(c.acked) acked, \(c.produced) produced, \(c.retried) retried, \(c.droppedTotal) dropped"
        line += String(format: ", latency mean %.1f ms max %.1f ms", c.latencyMeanMs, c.latencyMaxMs)
        line +=
            "; spool: \(c.spool.pendingEntries) pending, \(c.spool.bytesOnDisk) bytes in \(c.spool.segments) segments"
        logger.info("\(line)")
    }
}
