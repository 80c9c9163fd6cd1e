// Building the Kafka output from the configuration: librdkafka properties, the router, the spool chosen by
// `queue.*`, the producer. `validateKafka` does everything that can fail on the configuration alone, without
// opening the spool or connecting, for `wirebeat test config`.

import Config
import Events
import KafkaOutput
import Logging
import NetModel
import Outputs
import Spool

extension PlanBuilder {
    /// Checks `output.kafka` as far as possible without side effects; returns start-up notices.
    static func validateKafka(_ kafka: KafkaOutputSettings, settings: Settings) throws(PlanError) -> [String] {
        let (properties, _) = try kafkaParts(kafka, settings: settings)
        return properties.notices
    }

    static func kafkaParts(
        _ kafka: KafkaOutputSettings, settings: Settings
    ) throws(PlanError) -> (KafkaProperties, KafkaRouter) {
        let properties: KafkaProperties
        do {
            properties = try KafkaProperties.make(kafka)
        } catch {
            throw PlanError(message: "output.kafka: \(error.message)")
        }
        do {
            return (properties, try KafkaRouter(settings: kafka, codec: codec(kafka.codec, settings: settings)))
        } catch {
            throw PlanError(message: error.description)
        }
    }

    /// Opens the spool and starts the producer and the shipper.
    static func kafkaOutput(
        _ kafka: KafkaOutputSettings, settings: Settings, logger: Logger
    ) throws(PlanError) -> KafkaSpoolOutput {
        let (properties, router) = try kafkaParts(kafka, settings: settings)
        for notice in properties.notices { logger.warning("output.kafka: \(notice)") }
        let spool: any Spool
        var maxInFlight = 2 * max(kafka.bulkMaxSize, 256)
        var retryForever = kafka.maxRetries < 0
        switch settings.queue {
        case .memory(let mem):
            spool = MemorySpool(capacity: mem.events, policy: .block)
            maxInFlight = min(maxInFlight, mem.events)
        case .disk(let disk):
            let options = DiskSpoolOptions(
                path: disk.path, maxSize: disk.maxSize, segmentSize: disk.segmentSize, readAhead: disk.readAhead,
                retryInterval: seconds(disk.retryInterval), maxRetryInterval: seconds(disk.maxRetryInterval),
                policy: disk.onFull == .block ? .block : .dropNewest)
            do throws(SpoolError) {
                spool = try DiskSpool(options: options, logger: logger)
            } catch {
                throw PlanError(message: "queue.disk: \(error.message)")
            }
            maxInFlight = max(maxInFlight, disk.readAhead)
            retryForever = true
        }
        let producerSettings = KafkaProducerSettings(
            properties: properties.properties, partitioner: kafka.partitioner, headers: kafka.headers)
        let makeProducer: @Sendable () throws(KafkaError) -> KafkaProducer = {
            () throws(KafkaError) -> KafkaProducer in try KafkaProducer(settings: producerSettings, logger: logger)
        }
        let producer: KafkaProducer
        do {
            producer = try makeProducer()
        } catch {
            spool.close()
            throw PlanError(message: "output.kafka: \(error.message)")
        }
        return KafkaSpoolOutput(
            router: router, spool: spool, makeProducer: makeProducer, producer: producer, maxInFlight: maxInFlight,
            retryForever: retryForever,
            backoff: (seconds(kafka.backoffInit), seconds(kafka.backoffMax)),
            shutdownTimeout: seconds(settings.shutdownTimeout), logger: logger)
    }

    static func seconds(_ span: TimeSpan) -> Double { Double(span.nanoseconds) / 1e9 }
}
