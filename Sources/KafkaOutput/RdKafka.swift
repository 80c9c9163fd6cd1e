// Every librdkafka call wirebeat makes lives in this file (ARCHITECTURE.md, "Targets"): so far the mock
// cluster behind `wirebeat devbroker`, librdkafka's in-process Kafka-protocol broker for demos and tests.

import CRdKafka

/// Why librdkafka refused something.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What failed and librdkafka's reason.
    public let message: String
    /// An error described by `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// librdkafka's mock cluster: N Kafka-protocol brokers on loopback inside this process, for development and
/// tests only (it keeps everything in memory and implements the protocol, not Kafka's durability).
public final class MockKafkaCluster: @unchecked Sendable {
    // librdkafka's handles are thread-safe; the cluster lives as long as this object.
    private let client: OpaquePointer
    private let cluster: OpaquePointer
    /// `host:port,host:port,...` of the brokers, for `output.kafka.hosts`.
    public let bootstrapServers: String
    /// The number of brokers (their ids are 1...brokers).
    public let brokers: Int

    /// Starts `brokers` brokers (1 to 64).
    public init(brokers: Int) throws(KafkaError) {
        guard (1...64).contains(brokers) else { throw KafkaError("a mock cluster has 1 to 64 brokers, not \(brokers)") }
        var reason = [CChar](repeating: 0, count: 512)
        guard let conf = rd_kafka_conf_new() else { throw KafkaError("librdkafka could not allocate a configuration") }
        // The hosting client never connects anywhere; it only owns the cluster's threads.
        _ = rd_kafka_conf_set(conf, "client.id", "wirebeat-devbroker", &reason, reason.count)
        _ = rd_kafka_conf_set(conf, "log_level", "4", &reason, reason.count)  // not the "no bootstrap.servers" notice
        guard let client = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &reason, reason.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("librdkafka could not start: \(Self.text(reason))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(client, Int32(brokers)) else {
            rd_kafka_destroy(client)
            throw KafkaError("librdkafka could not start a mock cluster of \(brokers) brokers")
        }
        self.client = client
        self.cluster = cluster
        self.brokers = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    /// Takes broker `id` down (its connections are closed and new ones refused) or brings it back up.
    public func setBroker(_ id: Int, up: Bool) throws(KafkaError) {
        let result =
            up
            ? rd_kafka_mock_broker_set_up(cluster, Int32(id)) : rd_kafka_mock_broker_set_down(cluster, Int32(id))
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError("cannot set broker \(id) \(up ? "up" : "down"): \(String(cString: rd_kafka_err2str(result)))")
        }
    }

    /// Takes every broker down or brings them all up.
    public func setAllBrokers(up: Bool) throws(KafkaError) {
        for id in 1...brokers { try setBroker(id, up: up) }
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(client)
    }
}
