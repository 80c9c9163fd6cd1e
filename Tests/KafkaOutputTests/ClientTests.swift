import Config
import Glibc
import KafkaOutput
import Logging
import Testing

/// Metadata, configuration errors and the error/log callbacks.
@Suite struct ClientTests {
    @Test func metadataListsBrokersAndPartitions() throws {
        let cluster = try MockKafkaCluster(brokers: 3)
        try cluster.createTopic(name: "described", partitions: 5)
        let producer = try KafkaTest.producer(cluster)
        let metadata = try producer.metadata(topics: ["described"], timeoutMs: 10_000)
        #expect(Set(metadata.brokers.map(\.id)) == [1, 2, 3])
        let advertised = Set(metadata.brokers.map { "\($0.host):\($0.port)" })
        #expect(advertised == Set(cluster.bootstrapServers.split(separator: ",").map(String.init)))
        let topic = try #require(metadata.topics.first)
        #expect(metadata.topics.count == 1)
        #expect(topic.name == "described")
        #expect(topic.error == nil)
        #expect(topic.partitions.map(\.id) == [0, 1, 2, 3, 4])
        #expect(topic.partitions.allSatisfy { (1...3).contains($0.leader) && $0.error == nil })
    }

    @Test func metadataWithoutTopicsListsBrokers() throws {
        let cluster = try MockKafkaCluster(brokers: 2)
        let metadata = try KafkaTest.producer(cluster).metadata(topics: [], timeoutMs: 10_000)
        #expect(metadata.brokers.count == 2)
        #expect(metadata.topics.isEmpty)
    }

    @Test func metadataAgainstAClosedPortFailsWithTheReason() throws {
        let port = try closedLoopbackPort()
        let logs = LogCapture()
        let producer = try KafkaProducer(
            settings: KafkaProducerSettings(
                properties: [("bootstrap.servers", "127.0.0.1:\(port)")],
                partitioner: .hash(fields: [], random: true, reachableOnly: false), headers: []),
            logger: logs.logger)
        let started = ContinuousClock.now
        let error = #expect(throws: KafkaError.self) { try producer.metadata(topics: ["any"], timeoutMs: 2_000) }
        // Bounded, not timed: the call gives up near its timeout instead of hanging.
        #expect(ContinuousClock.now - started < .seconds(30))
        let message = error?.message ?? ""
        #expect(message.contains("127.0.0.1:\(port)"))
        #expect(message.contains("Connection refused"), "\(message)")
        #expect(producer.lastClientError?.contains("Connection refused") == true)
        #expect(logs.recorded.contains { $0.metadata["kafka.facility"] != nil }, "librdkafka's log lines are forwarded")
    }

    @Test func unknownPropertyIsNamed() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        let error = #expect(throws: KafkaError.self) {
            try KafkaTest.producer(cluster, extra: [("no.such.property", "1")])
        }
        #expect(error?.message.contains("no.such.property") == true)
    }

    @Test func invalidValueIsNamedWithoutTheValue() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        let error = #expect(throws: KafkaError.self) {
            try KafkaTest.producer(cluster, extra: [("queue.buffering.max.ms", "secret-ish")])
        }
        #expect(error?.message.contains("queue.buffering.max.ms") == true)
    }

    @Test func idempotenceWithPartialAcksIsRefused() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        let error = #expect(throws: KafkaError.self) { try KafkaTest.producer(cluster, extra: [("acks", "1")]) }
        #expect(error?.message.contains("acks") == true)
    }
}

/// A loopback port nothing listens on: bound once by this process, then closed.
private func closedLoopbackPort() throws -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    try #require(bound)
    return UInt16(bigEndian: address.sin_port)
}
