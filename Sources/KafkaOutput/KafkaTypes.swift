// The values that cross the Kafka producer's and consumer's public API: settings, produce outcomes, delivery
// reports with libbeat's retry-or-drop classification (libbeat.md §1.6), cluster metadata and consumed
// messages. Everything that talks to librdkafka is in RdKafka.swift.

import CRdKafka
import Config

/// What a producer is built from.
public struct KafkaProducerSettings: Sendable {
    /// librdkafka properties, applied in order. The producer then sets `sticky.partitioning.linger.ms=0`
    /// itself: with sticky partitioning on, librdkafka would bypass the partitioner for keyless messages.
    public var properties: [(String, String)]
    /// How partitions are chosen (`partition.*`).
    public var partitioner: KafkaPartitioner
    /// Static headers on every message, in order; duplicate keys allowed.
    public var headers: [KafkaHeader]

    /// Settings from librdkafka properties, a partitioner and static headers.
    public init(properties: [(String, String)], partitioner: KafkaPartitioner, headers: [KafkaHeader]) {
        self.properties = properties
        self.partitioner = partitioner
        self.headers = headers
    }
}

/// What happened to a message handed to `KafkaProducer.produce`.
public enum ProduceOutcome: Sendable, Equatable {
    /// librdkafka holds a copy; a delivery report will follow.
    case queued
    /// librdkafka's queue (`queue.buffering.max.messages` / `.kbytes`) is full: poll, then try again.
    case queueFull
    /// librdkafka refused the message; no delivery report will follow.
    case rejected(KafkaDeliveryError)
}

/// Why a message was not delivered (or not accepted), with librdkafka's error code.
public struct KafkaDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the output does with the message.
    public enum Disposition: Sendable, Equatable {
        /// Send it again later: the cause is transient (transport, leader election, timeouts, brokers down).
        case retry
        /// Drop it: sending it again would fail the same way.
        case drop
    }

    /// librdkafka's `rd_kafka_resp_err_t` (negative: raised by librdkafka itself; positive: by the broker).
    public let code: Int32
    /// librdkafka's name for the code, e.g. `MSG_SIZE_TOO_LARGE`.
    public let name: String
    /// librdkafka's description of this failure.
    public let message: String

    /// An error with its code, name and description.
    public init(code: Int32, name: String, message: String) {
        self.code = code
        self.name = name
        self.message = message
    }

    /// Per libbeat.md §1.6: message too large (client- or broker-side), invalid/corrupt message and invalid
    /// message size are `.drop`, and so are the other errors that reject this message's content rather than the
    /// moment it was sent (an invalid record, a timestamp outside the broker's window, a malformed message);
    /// everything else (transport, leader not available, timeouts, all brokers down, ...) is `.retry`.
    public var disposition: Disposition {
        Self.permanentCodes.contains(code) ? .drop : .retry
    }

    private static let permanentCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.rawValue,  // 10, also raised locally above message.max.bytes
        RD_KAFKA_RESP_ERR_INVALID_MSG.rawValue,  // 2, corrupt message
        RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE.rawValue,  // 4
        RD_KAFKA_RESP_ERR_INVALID_RECORD.rawValue,  // 87, e.g. a keyless message on a compacted topic
        RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP.rawValue,  // 32, CreateTime outside the broker's accepted window
        RD_KAFKA_RESP_ERR__BAD_MSG.rawValue,  // local: the message cannot be encoded
    ]

    /// `message (NAME)`.
    public var description: String { "\(message) (\(name))" }
}

/// The outcome of one message, as librdkafka reports it.
public struct DeliveryReport: Sendable {
    /// The token given to `produce`.
    public let token: UInt32
    /// The message's topic.
    public let topic: String
    /// The partition it went to (-1 if none was chosen).
    public let partition: Int32
    /// Its offset in the partition (-1001 when not delivered or unknown).
    public let offset: Int64
    /// nil when the broker acknowledged the message.
    public let error: KafkaDeliveryError?
}

/// What `KafkaProducer.metadata` found out about the cluster.
public struct KafkaClusterMetadata: Sendable {
    /// The brokers the cluster advertises.
    public let brokers: [BrokerMetadata]
    /// The topics asked about, in the order asked.
    public let topics: [TopicMetadata]
}

/// One broker of a cluster.
public struct BrokerMetadata: Sendable, Equatable {
    /// The broker id.
    public let id: Int32
    /// The host it advertises.
    public let host: String
    /// Its port.
    public let port: Int32
}

/// One topic of a cluster.
public struct TopicMetadata: Sendable, Equatable {
    /// The topic name.
    public let name: String
    /// The broker's error for this topic (e.g. unknown topic, not authorised), if any.
    public let error: String?
    /// Its partitions, by id.
    public let partitions: [PartitionMetadata]
}

/// One partition of a topic.
public struct PartitionMetadata: Sendable, Equatable {
    /// The partition id.
    public let id: Int32
    /// The id of the leader broker, -1 when there is none.
    public let leader: Int32
    /// The broker's error for this partition, if any.
    public let error: String?
}

/// One message read back by `KafkaConsumer`.
public struct ConsumedMessage: Sendable, Equatable {
    /// One record header.
    public struct Header: Sendable, Equatable {
        /// The header key.
        public let key: String
        /// The header value.
        public let value: [UInt8]

        /// A header.
        public init(key: String, value: [UInt8]) {
            self.key = key
            self.value = value
        }
    }

    /// The topic.
    public let topic: String
    /// The partition.
    public let partition: Int32
    /// The offset in the partition.
    public let offset: Int64
    /// The key, nil when the message has none.
    public let key: [UInt8]?
    /// The value.
    public let value: [UInt8]
    /// The message timestamp in milliseconds since the epoch, -1 when absent.
    public let timestampMs: Int64
    /// The record headers, in order.
    public let headers: [Header]
}

/// The per-message value librdkafka carries through the partitioner into the delivery report, packed into the
/// pointer-sized msg_opaque so that nothing is allocated per message: bit 63 says a partition hash is present,
/// bits 32–62 hold the token, bits 0–31 the hash.
struct MessageTag: Equatable {
    let token: UInt32
    let partitionHash: UInt32?

    init(token: UInt32, partitionHash: UInt32?) {
        precondition(token < 1 << 31, "delivery tokens are below 2^31")
        self.token = token
        self.partitionHash = partitionHash
    }

    init(packed: UInt64) {
        token = UInt32(truncatingIfNeeded: packed >> 32) & 0x7FFF_FFFF
        partitionHash = packed & (1 << 63) != 0 ? UInt32(truncatingIfNeeded: packed) : nil
    }

    var packed: UInt64 {
        var bits = UInt64(token) << 32
        if let partitionHash { bits |= 1 << 63 | UInt64(partitionHash) }
        return bits
    }
}
