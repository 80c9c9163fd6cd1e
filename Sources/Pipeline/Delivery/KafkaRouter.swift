// From a processed event to the record the Kafka output sends (reference/libbeat.md §1.2–1.4): the topic
// (`topics` rules in order — `when`, `mappings`, `default` — then `topic`; nothing left means the event is
// dropped and counted, as in libbeat), the key (a key that cannot be formatted is left out, as in libbeat), the
// partition hash when `partition.hash.hash` names fields, the codec, and the `max_message_bytes` check
// (libbeat drops such events too, but once did it without a word; here each is counted and logged).

import Config
import Events
import KafkaOutput
import NetModel
import Outputs
import Processors

/// Why an event never reached the output.
public enum DropReason: String, Sendable, CaseIterable {
    /// No `topics` rule and no `topic` produced a name.
    case noTopic = "no_topic"
    /// The codec could not encode the event (a `codec.format` field missing).
    case encoding
    /// Key and value exceed `max_message_bytes`, or the broker said the message is too large.
    case tooLarge = "too_large"
    /// `partition.hash` with `random: false` could not hash the event's fields.
    case noPartition = "no_partition"
    /// The broker refused the message for good (invalid or corrupt record).
    case rejected
    /// The message failed after librdkafka's retries and the queue is in memory with `max_retries` ≥ 0, where
    /// libbeat gives up on it too.
    case retriesExhausted = "retries_exhausted"
}

/// What routing an event produced.
public enum RouteOutcome: Sendable, Equatable {
    /// A record was appended to the buffer.
    case record(topic: String)
    /// The event was dropped.
    case dropped(DropReason, detail: String)
}

/// Routes and encodes events for the Kafka output.
public struct KafkaRouter: Sendable {
    struct Rule: Sendable {
        var topic: FormatString
        var mappings: [String: String]
        var defaultTopic: String?
        var when: Condition?
    }

    let rules: [Rule]
    let topic: FormatString?
    let key: FormatString?
    /// The fields `partition.hash.hash` names (empty: hash the key), and what to do when hashing fails.
    let hashFields: [String]
    let randomWhenHashFails: Bool
    let codec: OutputCodec
    /// `codec`'s JSON encoder, taken out once (`OutputCodec.jsonEncoder`).
    let jsonEncoder: JSONEventEncoder?
    let maxMessageBytes: Int

    /// A router for `settings`; a bad `topics[].when` condition is reported with its place in the file.
    public init(settings: KafkaOutputSettings, codec: OutputCodec) throws(ConfigError) {
        var rules: [Rule] = []
        for (index, rule) in settings.topics.enumerated() {
            var condition: Condition? = nil
            if let when = rule.when {
                let entry = ProcessorEntry(
                    name: "topics", config: .map(["when": when]),
                    location: rule.location ?? SourceLocation(file: "output.kafka.topics"), index: index,
                    path: "output.kafka.topics.\(index)")
                condition = try ConditionParser(entry: entry).parse(when, at: "when")
            }
            rules.append(
                Rule(topic: rule.topic, mappings: rule.mappings, defaultTopic: rule.defaultTopic, when: condition))
        }
        self.rules = rules
        topic = settings.topic
        key = settings.key
        if case .hash(let fields, let random, _) = settings.partitioner {
            hashFields = fields
            randomWhenHashFails = random
        } else {
            hashFields = []
            randomWhenHashFails = true
        }
        self.codec = codec
        jsonEncoder = codec.jsonEncoder
        maxMessageBytes = settings.maxMessageBytes
    }

    /// Appends the spool payload for `event` (header, then the encoded value) to `out`, or says why not; on a
    /// drop `out` is left as it was.
    public func route(_ event: Event, into out: inout [UInt8]) -> RouteOutcome {
        guard let topic = selectTopic(event) else {
            return .dropped(.noTopic, detail: "no topic could be selected")
        }
        let key = self.key.flatMap { try? $0.render(event) }.map { Array($0.utf8) }
        var hash: UInt32? = nil
        if !hashFields.isEmpty {
            hash = Self.hash(fields: hashFields, of: event)
            if hash == nil && !randomWhenHashFails {
                return .dropped(
                    .noPartition, detail: "cannot hash \(hashFields.joined(separator: ", ")) for the partition")
            }
        }
        let start = out.count
        OutboundRecord.writeHeader(
            topic: topic, key: key, partitionHash: hash, timestampMs: event.timestamp.nanoseconds / 1_000_000,
            into: &out)
        let valueStart = out.count
        if let json = jsonEncoder {
            json.encode(event, into: &out)
        } else if !codec.encode(event, into: &out) {
            out.removeSubrange(start...)
            return .dropped(.encoding, detail: "the codec could not encode the event")
        }
        let size = out.count - valueStart + (key?.count ?? 0)
        if size > maxMessageBytes {
            out.removeSubrange(start...)
            return .dropped(.tooLarge, detail: "Kafka (topic=\(topic)): dropping too large message of size \(size)")
        }
        return .record(topic: topic)
    }

    /// libbeat's selection: the first rule with a non-empty result, else `topic`; nil when all are empty.
    func selectTopic(_ event: Event) -> String? {
        for rule in rules {
            if let when = rule.when, !when.matches(event) { continue }
            var name = (try? rule.topic.render(event)) ?? rule.defaultTopic ?? ""
            if !rule.mappings.isEmpty, !name.isEmpty {
                name = rule.mappings[name] ?? rule.defaultTopic ?? ""
            }
            if !name.isEmpty { return name }
        }
        if let topic, let name = try? topic.render(event), !name.isEmpty { return name }
        return nil
    }

    /// FNV-1a over the fields' values in order, as libbeat hashes them: strings as their bytes, integers as
    /// eight little-endian bytes (libbeat uses the Go type's width; packet events carry 64-bit numbers here),
    /// floats as the shortest decimal of their 32-bit value, booleans as one byte. nil when a field is
    /// missing or is a map or list, which libbeat cannot hash either.
    static func hash(fields: [String], of event: Event) -> UInt32? {
        var bytes: [UInt8] = []
        func littleEndian(_ v: UInt64) {
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
        }
        for field in fields {
            switch event.value(at: field) {
            case .string(let s)?: bytes += s.utf8
            case .int(let i)?: littleEndian(UInt64(bitPattern: i))
            case .uint(let u)?: littleEndian(u)
            case .double(let d)?: bytes += "\(Float(d))".utf8
            case .bool(let b)?: bytes.append(b ? 1 : 0)
            case .timestamp(let t)?: bytes += RFC3339.format(t).utf8
            case .null?, .array?, .object?, nil: return nil
            }
        }
        return BeatsPartitionHash.fnv1a32(bytes)
    }
}
