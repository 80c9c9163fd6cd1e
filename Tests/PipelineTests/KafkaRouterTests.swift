// Routing events for the Kafka output (reference/libbeat.md §1.2–1.4): topic rules in order with `when`,
// `mappings` and `default`, then `topic`; a missing key field leaves the key out; hash fields; drops with
// their reason; and the spool record layout read back.

import Config
import Events
import NetModel
import Outputs
import Pipeline
import Testing

@Suite struct KafkaRouterTests {
    func router(_ yaml: String) throws -> KafkaRouter {
        let settings = try ConfigLoader.load(yaml: "output.kafka:\n  hosts: [\"k:9092\"]\n" + yaml, name: "t.yml")
            .settings
        guard case .kafka(let kafka) = settings.output else {
            throw ConfigError(at: nil, keyPath: "output", message: "no kafka")
        }
        return try KafkaRouter(
            settings: kafka,
            codec: .json(
                JSONEventEncoder(
                    identity: BeatIdentity(version: "8.17.0"), pretty: false,
                    escapeHTML: false, fractionDigits: 3)))
    }

    func event(_ fields: Fields) -> Event {
        Event(timestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789), fields: fields)
    }

    func route(_ router: KafkaRouter, _ e: Event) -> (RouteOutcome, OutboundRecord?, String) {
        var out: [UInt8] = []
        let outcome = router.route(e, into: &out)
        guard let record = OutboundRecord(parsing: out) else { return (outcome, nil, "") }
        return (outcome, record, String(decoding: out[record.valueOffset...], as: UTF8.self))
    }

    @Test func rulesAreTriedInOrderThenTheTopic() throws {
        let r = try router(
            """
              topics:
              - topic: tls-events
                when.equals.type: tls
              - topic: "%{[fields.log_topic]}"
              topic: other
            """)
        #expect(route(r, event(["type": .string("tls")])).0 == .record(topic: "tls-events"))
        #expect(
            route(r, event(["type": .string("flow"), "fields": .object(["log_topic": .string("custom")])])).0
                == .record(topic: "custom"))
        #expect(route(r, event(["type": .string("flow")])).0 == .record(topic: "other"))
    }

    @Test func mappingsAndDefaultsApplyAsInLibbeat() throws {
        let r = try router(
            """
              topics:
              - topic: "%{[type]}"
                mappings: {tls: secure, flow: flows}
                default: misc
            """)
        #expect(route(r, event(["type": .string("tls")])).0 == .record(topic: "secure"))
        #expect(route(r, event(["type": .string("dns")])).0 == .record(topic: "misc"))
        #expect(route(r, event([:])).0 == .record(topic: "misc"))
    }

    @Test func noTopicDropsTheEventWithItsReason() throws {
        let r = try router("  topic: \"%{[fields.log_topic]}\"\n")
        var out: [UInt8] = [9]
        #expect(r.route(event([:]), into: &out) == .dropped(.noTopic, detail: "no topic could be selected"))
        #expect(out == [9])
    }

    @Test func theRecordCarriesKeyTimestampAndTheEncodedValue() throws {
        let r = try router("  topic: t\n  key: '%{[network.community_id]}'\n")
        let (_, record, value) = route(r, event(["network": .object(["community_id": .string("1:abc")])]))
        #expect(record?.topic == "t")
        #expect(record?.key == Array("1:abc".utf8))
        #expect(record?.timestampMs == 1_700_000_000_123)
        #expect(record?.partitionHash == nil)
        #expect(value.hasPrefix("{\"@timestamp\":\"2023-11-14T22:13:20.123Z\",\"@metadata\":{\"beat\":\"packetbeat\""))
        let (_, keyless, _) = route(r, event([:]))
        #expect(keyless != nil && keyless?.key == nil)
    }

    @Test func hashFieldsGiveTheFNVHashOrDropWithoutRandom() throws {
        let r = try router("  topic: t\n  partition.hash: {hash: [source.ip], random: false}\n")
        let (_, record, _) = route(r, event(["source": .object(["ip": .string("10.0.0.1")])]))
        var h: UInt32 = 0x811C_9DC5
        for b in "10.0.0.1".utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        #expect(record?.partitionHash == h)
        #expect(route(r, event([:])).0 == .dropped(.noPartition, detail: "cannot hash source.ip for the partition"))
        let random = try router("  topic: t\n  partition.hash: {hash: [source.ip]}\n")
        let (outcome, fallback, _) = route(random, event([:]))
        #expect(outcome == .record(topic: "t") && fallback?.partitionHash == nil)
    }

    @Test func tooLargeMessagesAreDroppedWithTheirSize() throws {
        let r = try router("  topic: t\n  max_message_bytes: 100\n")
        guard
            case .dropped(.tooLarge, let detail) = route(
                r, event(["message": .string(String(repeating: "x", count: 200))])
            ).0
        else {
            Issue.record("not dropped")
            return
        }
        #expect(detail.hasPrefix("Kafka (topic=t): dropping too large message of size "))
    }

    @Test func aRecordOfAnotherFormatIsNotParsed() {
        #expect(OutboundRecord(parsing: []) == nil)
        #expect(OutboundRecord(parsing: [2, 0, 0, 0]) == nil)
        var out: [UInt8] = []
        OutboundRecord.writeHeader(topic: "t", key: [1, 2], partitionHash: 7, timestampMs: -5, into: &out)
        let parsed = OutboundRecord(parsing: out)
        #expect(parsed?.key == [1, 2] && parsed?.partitionHash == 7 && parsed?.timestampMs == -5)
        #expect(parsed?.valueOffset == out.count)
        #expect(OutboundRecord(parsing: Array(out.dropLast())) == nil)
    }
}
