// The Kafka output as the publisher sees it: `publish` routes and encodes a batch and appends it to the spool
// (blocking or dropping per the queue's policy when the spool is full); a shipper thread delivers from the
// spool. `close` waits until everything is delivered — at the end of a file replay as long as it takes (the
// log says what is still waiting), after a stop signal at most `shutdown_timeout` — then stops the shipper and
// closes the spool. What a disk spool still holds then is delivered at the next start.

import Events
import Foundation
import KafkaOutput
import Logging
import Outputs
import Spool

/// `output.kafka` behind a spool.
public final class KafkaSpoolOutput: Output, @unchecked Sendable {
    public let typeName = "kafka"
    let router: KafkaRouter
    let spool: any Spool
    let shipper: Shipper
    let logger: Logger
    let shutdownTimeout: Double
    private let finished = DispatchSemaphore(value: 0)

    init(
        router: KafkaRouter, spool: any Spool, makeProducer: @escaping @Sendable () throws(KafkaError) -> KafkaProducer,
        producer: KafkaProducer, maxInFlight: Int, retryForever: Bool,
        backoff: (initial: Double, max: Double), shutdownTimeout: Double, logger: Logger
    ) {
        self.router = router
        self.spool = spool
        self.logger = logger
        self.shutdownTimeout = shutdownTimeout
        shipper = Shipper(
            spool: spool, makeProducer: makeProducer, producer: producer, maxInFlight: maxInFlight,
            retryForever: retryForever,
            backoffInit: backoff.initial, backoffMax: backoff.max, logger: logger)
        let shipper = self.shipper
        let finished = self.finished
        let thread = Thread {
            shipper.run()
            finished.signal()
        }
        thread.name = "wirebeat-kafka"
        thread.start()
    }

    /// The delivery counters (with the spool's).
    public var counters: DeliveryCounters { shipper.counters }

    public func publish(_ events: [Event]) throws(OutputError) -> PublishReport { try write(encode(events)) }

    /// Routes and encodes each event into its spool payload (header and value).
    public func encode(_ events: [Event]) -> EncodedBatch {
        EncodedBatch(encoding: events) { event, buffer in
            switch router.route(event, into: &buffer) {
            case .record: return nil
            case .dropped(let reason, let detail): return EncodeDrop(reason: reason.rawValue, detail: detail)
            }
        }
    }

    /// Counts and logs the drops, and appends the payloads to the spool.
    public func write(_ batch: EncodedBatch) throws(OutputError) -> PublishReport {
        for drop in batch.drops {
            logger.error("Dropping event: \(drop.detail)")
            shipper.recordDrop(DropReason(rawValue: drop.reason) ?? .encoding)
        }
        let accepted = batch.records.isEmpty ? 0 : spool.append(batch.records)
        return PublishReport(acked: accepted, dropped: batch.drops.count + batch.records.count - accepted)
    }

    public func flush() throws(OutputError) {}

    public func close() throws(OutputError) {
        let pending = spool.counters.pendingEntries
        if pending > 0 { logger.info("end of input: \(pending) events waiting for delivery to Kafka") }
        // A signal that arrives during the wait bounds it from then on.
        shipper.requestStop(deadline: .infinity)
        var signalled = false
        while finished.wait(timeout: .now() + 0.2) == .timedOut {
            if StopSignal.requested && !signalled {
                signalled = true
                shipper.requestStop(deadline: Shipper.now() + shutdownTimeout)
            }
        }
        spool.close()
    }
}
