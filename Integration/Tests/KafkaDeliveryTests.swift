// End to end over the local broker: every event of the bundled capture arrives in the topic its `topics` rule
// names, keyed by its community id, in the partition libbeat's hash partitioner would choose; and it arrives
// after a broker outage. The console output of the same capture is the expected set.

import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct KafkaDeliveryTests {
    func object(_ json: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }

    @Test func everyEventArrivesInItsTopicAndPartitionWithItsKey() throws {
        let scratch = try ScratchDirectory()
        let broker = try DevBroker(brokers: 3)
        let expected = try expectedEvents(pcap: Paths.sample, scratch: scratch)
        #expect(expected.count > 10)
        let config = try scratch.write(
            "kafka.yml", kafkaConfig(bootstrap: broker.bootstrap, dataPath: scratch.url.path + "/data"))
        let r = try run(Paths.binary, ["-c", config, "-I", Paths.sample, "-t", "--strict.perms=false"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("\(expected.count) events published to Kafka"), "\(r.stderr)")

        let (messages, delivered) = try deliveredEvents(broker.bootstrap)
        let tally = DeliveryTally(expected: expected, delivered: delivered)
        print("kafka delivery: \(tally)")
        #expect(tally.lost == 0 && tally.duplicated == 0 && tally.unexpected == 0, "\(tally)")

        let partitions = [
            "wb-flows": try partitionCount(broker.bootstrap, topic: "wb-flows"),
            "wb-tls": try partitionCount(broker.bootstrap, topic: "wb-tls"),
        ]
        #expect(messages.contains { $0.topic == "wb-tls" } && messages.contains { $0.topic == "wb-flows" })
        for m in messages {
            let event = object(m.payload)
            #expect(m.topic == (event["type"] as? String == "tls" ? "wb-tls" : "wb-flows"))
            let communityID = (event["network"] as? [String: Any])?["community_id"] as? String
            #expect(m.key == communityID)
            if let communityID, let n = partitions[m.topic] {
                #expect(m.partition == beatsPartition(key: communityID, partitions: n), "key \(communityID)")
            }
        }
    }

    @Test func everyEventArrivesAfterABrokerOutage() throws {
        let scratch = try ScratchDirectory()
        let broker = try DevBroker(brokers: 3)
        let expected = try expectedEvents(pcap: Paths.sample, loops: 5, scratch: scratch)
        let queue = "queue.disk: {path: \(scratch.url.path)/spool, max_size: 100MB, segment_size: 1MB}"
        let config = try scratch.write(
            "kafka.yml",
            kafkaConfig(
                bootstrap: broker.bootstrap, dataPath: scratch.url.path + "/data", queue: queue,
                extraKafka: "  backoff: {init: 200ms, max: 1s}"))
        broker.down()
        let agent = try RunningProcess(
            Paths.binary, ["-c", config, "-I", Paths.sample, "-t", "-l", "5", "-e", "--strict.perms=false"])
        #expect(agent.waitForStderr("waiting for delivery", timeout: 60), "\(agent.stderr)")
        Thread.sleep(forTimeInterval: 2)
        #expect(agent.process.isRunning, "the agent gave up while the brokers were down: \(agent.stderr)")
        broker.up()
        let deadline = Date().addingTimeInterval(120)
        while agent.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!agent.process.isRunning, "the agent did not finish after the brokers came back")
        let status = agent.signalAndWait(SIGTERM)
        #expect(status == 0, "\(agent.stderr)")

        let tally = DeliveryTally(expected: expected, delivered: try deliveredEvents(broker.bootstrap).events)
        print("kafka outage: \(tally)")
        #expect(tally.lost == 0 && tally.unexpected == 0, "\(tally)")
        #expect(tally.duplicated <= 2048, "more duplicates than one batch: \(tally)")
    }
}
