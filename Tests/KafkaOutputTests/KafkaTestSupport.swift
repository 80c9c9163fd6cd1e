// Shared set-up for the producer tests: producer properties for a mock cluster, a logger that keeps what it is
// given, and helpers that produce messages and wait for their reports with generous deadlines.

import Config
import KafkaOutput
import Logging
import Synchronization
import Testing

enum KafkaTest {
    /// The properties the lead passes for an idempotent producer, pointed at `cluster`.
    static func properties(_ cluster: MockKafkaCluster, _ extra: [(String, String)] = []) -> [(String, String)] {
        [
            ("bootstrap.servers", cluster.bootstrapServers), ("enable.idempotence", "true"), ("acks", "all"),
            ("linger.ms", "5"), ("client.id", "wirebeat-tests"),
        ] + extra
    }

    static func producer(
        _ cluster: MockKafkaCluster,
        partitioner: KafkaPartitioner = .hash(fields: [], random: true, reachableOnly: false),
        headers: [KafkaHeader] = [], extra: [(String, String)] = [], logs: LogCapture = LogCapture(),
        topicHandleLimit: Int = 1024
    ) throws -> KafkaProducer {
        try KafkaProducer(
            settings: KafkaProducerSettings(
                properties: properties(cluster, extra), partitioner: partitioner, headers: headers),
            logger: logs.logger, topicHandleLimit: topicHandleLimit)
    }

    /// Produces `value` and expects librdkafka to take it.
    static func produce(
        _ producer: KafkaProducer, topic: String, key: [UInt8]?, value: [UInt8], timestampMs: Int64 = 0,
        partitionHash: UInt32? = nil, token: UInt32
    ) {
        let outcome = value.withUnsafeBytes {
            producer.produce(
                topic: topic, key: key, value: $0, timestampMs: timestampMs, partitionHash: partitionHash, token: token)
        }
        #expect(outcome == .queued, "message \(token)")
    }

    /// Waits (up to 60 s) until nothing is outstanding and returns every report served meanwhile.
    static func drain(_ producer: KafkaProducer) -> [DeliveryReport] {
        var reports: [DeliveryReport] = []
        let done = producer.flush(timeoutMs: 60_000) { reports.append($0) }
        #expect(done, "messages still outstanding: \(producer.outstanding)")
        return reports
    }

    /// The token carried in a test message's value ("message-<token>").
    static func value(_ token: UInt32) -> [UInt8] { Array("message-\(token)".utf8) }

    static func token(of message: ConsumedMessage) -> UInt32? {
        let text = String(decoding: message.value, as: UTF8.self)
        guard text.hasPrefix("message-") else { return nil }
        return UInt32(text.dropFirst("message-".count))
    }
}

/// A log handler that records every line, so tests can see what librdkafka said.
final class LogCapture: Sendable {
    struct Line: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    var logger: Logger {
        var logger = Logger(label: "kafka") { _ in Handler(capture: self) }
        logger.logLevel = .info
        return logger
    }

    var recorded: [Line] { lines.withLock { $0 } }

    fileprivate func record(_ line: Line) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.record(
                Line(
                    level: event.level, message: "\(event.message)",
                    metadata: (event.metadata ?? [:]).mapValues { "\($0)" }))
        }
    }
}
