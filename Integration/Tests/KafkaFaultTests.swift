// Faults on the way to Kafka, end to end: the agent killed with SIGKILL while shipping from its disk spool
// (ten times), a spool segment with a flipped byte, a full spool (drop_newest and block, and a stop while it
// blocks with the broker down), and configurations
// that cannot work. Each test prints what was lost and duplicated.

import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct KafkaFaultTests {
    /// Spools the capture `loops` times with the brokers down, then kills the agent: afterwards the spool holds
    /// every event and nothing was delivered.
    func spoolEverything(
        broker: DevBroker, config: String, loops: Int
    ) throws {
        broker.down()
        let agent = try RunningProcess(
            Paths.binary, ["-c", config, "-I", Paths.sample, "-t", "-l", String(loops), "-e", "--strict.perms=false"])
        let spooled = agent.waitForStderr("waiting for delivery", timeout: 120)
        agent.signalAndWait(SIGKILL)
        #expect(spooled, "the agent never finished spooling: \(agent.stderr)")
        broker.up()
    }

    func diskQueue(_ scratch: ScratchDirectory, _ extra: String = "") -> String {
        "queue.disk: {path: \(scratch.url.path)/spool, max_size: 100MB, segment_size: 1MB\(extra)}"
    }

    @Test func killedTenTimesWhileShippingNothingIsLost() throws {
        let scratch = try ScratchDirectory()
        // Every broker response is delayed by 100 ms and batches are small, so shipping the spool takes seconds
        // (about 8 s here) on any machine: a kill 0.3-1.5 s after a start lands while the agent ships, mostly
        // after some acknowledgements. The delay is removed for the last run and for reading the topics back.
        let broker = try DevBroker(brokers: 3, rttMs: 100)
        let loops = 2000
        let expected = try expectedEvents(pcap: Paths.sample, loops: loops, scratch: scratch)
        let config = try scratch.write(
            "kafka.yml",
            kafkaConfig(
                bootstrap: broker.bootstrap, dataPath: scratch.url.path + "/data", queue: diskQueue(scratch),
                extraKafka: "  bulk_max_size: 64"))
        try spoolEverything(broker: broker, config: config, loops: loops)
        let empty = try emptyPcap(in: scratch)
        var generator = SystemRandomNumberGenerator()
        var killedWhileRunning = 0
        // What each start found in the spool (the agent logs it): a decrease means acknowledgements before a kill.
        var pendingAtStart: [Int] = []
        for _ in 0..<10 {
            let agent = try RunningProcess(Paths.binary, ["-c", config, "-I", empty, "-e", "--strict.perms=false"])
            _ = agent.waitForStderr("replaying", timeout: 30)
            Thread.sleep(forTimeInterval: Double.random(in: 0.3...1.5, using: &generator))
            if agent.process.isRunning { killedWhileRunning += 1 }
            agent.signalAndWait(SIGKILL)
            pendingAtStart += agent.stderr.matches(of: /: (\d+) events from a previous run/).compactMap { Int($0.1) }
        }
        broker.removeDelay()
        let last = try run(Paths.binary, ["-c", config, "-I", empty, "--strict.perms=false"], timeout: 300)
        #expect(last.status == 0, "\(last.stderr)")
        let tally = DeliveryTally(expected: expected, delivered: try deliveredEvents(broker.bootstrap).events)
        print(
            "kafka kill -9 ×10 (\(killedWhileRunning) while shipping; pending at each start: "
                + "\(pendingAtStart.map(String.init).joined(separator: " "))): \(tally)")
        let killedAfterProgress = zip(pendingAtStart.dropFirst(), pendingAtStart).filter { $0 < $1 }.count
        #expect(pendingAtStart.count == 10 && pendingAtStart.first == expected.count, "\(pendingAtStart)")
        #expect(killedWhileRunning >= 8, "kills should land while the agent ships")
        #expect(killedAfterProgress >= 3, "kills should land between acknowledgements: \(pendingAtStart)")
        #expect(tally.lost == 0 && tally.unexpected == 0, "\(tally)")
    }

    @Test func aCorruptFrameIsReportedAndSkippedAndTheRestDelivered() throws {
        let scratch = try ScratchDirectory()
        let broker = try DevBroker(brokers: 1)
        let expected = try expectedEvents(pcap: Paths.sample, loops: 3, scratch: scratch)
        let config = try scratch.write(
            "kafka.yml",
            kafkaConfig(bootstrap: broker.bootstrap, dataPath: scratch.url.path + "/data", queue: diskQueue(scratch)))
        try spoolEverything(broker: broker, config: config, loops: 3)

        let spoolDir = scratch.url.appendingPathComponent("spool")
        let segments = try FileManager.default.contentsOfDirectory(atPath: spoolDir.path).filter {
            $0.hasSuffix(".seg")
        }
        let segment = try #require(segments.sorted().first)
        let path = spoolDir.appendingPathComponent(segment).path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let r = try run(Paths.binary, ["-c", config, "-I", try emptyPcap(in: scratch), "--strict.perms=false"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains(segment), "the log names the segment: \(r.stderr)")
        #expect(r.stderr.contains("1 corrupt"), "\(r.stderr)")
        let tally = DeliveryTally(expected: expected, delivered: try deliveredEvents(broker.bootstrap).events)
        print("kafka corrupt frame: \(tally)")
        #expect(tally.lost == 1 && tally.duplicated == 0 && tally.unexpected == 0, "\(tally)")
    }

    @Test func aFullSpoolDropsNewestAndCountsThem() throws {
        let scratch = try ScratchDirectory()
        let broker = try DevBroker(brokers: 1)
        let loops = 800
        let expected = try expectedEvents(pcap: Paths.sample, loops: loops, scratch: scratch)
        let queue =
            "queue.disk: {path: \(scratch.url.path)/spool, max_size: 10MB, segment_size: 1MB, on_full: drop_newest}"
        let config = try scratch.write(
            "kafka.yml", kafkaConfig(bootstrap: broker.bootstrap, dataPath: scratch.url.path + "/data", queue: queue))
        broker.down()
        let agent = try RunningProcess(
            Paths.binary, ["-c", config, "-I", Paths.sample, "-t", "-l", String(loops), "-e", "--strict.perms=false"])
        #expect(agent.waitForStderr("waiting for delivery", timeout: 120), "\(agent.stderr)")
        broker.up()
        let deadline = Date().addingTimeInterval(120)
        while agent.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(agent.signalAndWait(SIGTERM) == 0, "\(agent.stderr)")
        let summary = try #require(agent.stderr.split(separator: "\n").last { $0.hasPrefix("wirebeat:") })
        let droppedFull = try #require(Int(summary.firstMatch(of: /(\d+) dropped full/)?.1 ?? ""), "\(summary)")
        let tally = DeliveryTally(expected: expected, delivered: try deliveredEvents(broker.bootstrap).events)
        print("kafka full spool (drop_newest): \(droppedFull) dropped full; \(tally)")
        #expect(droppedFull > 0, "the spool never filled: \(summary)")
        #expect(tally.lost == droppedFull && tally.duplicated == 0 && tally.unexpected == 0, "\(tally)")
    }

    /// The sample replayed 800 times into a 10 MB spool with the broker down, 8 s after the start: the full
    /// spool holds the replay back.
    func blockedReplay(_ scratch: ScratchDirectory) throws -> (
        broker: DevBroker, expected: [String], config: String, agent: RunningProcess
    ) {
        let broker = try DevBroker(brokers: 1)
        let loops = 800
        let expected = try expectedEvents(pcap: Paths.sample, loops: loops, scratch: scratch)
        let queue = "queue.disk: {path: \(scratch.url.path)/spool, max_size: 10MB, segment_size: 1MB}"
        let config = try scratch.write(
            "kafka.yml", kafkaConfig(bootstrap: broker.bootstrap, dataPath: scratch.url.path + "/data", queue: queue))
        broker.down()
        let agent = try RunningProcess(
            Paths.binary, ["-c", config, "-I", Paths.sample, "-t", "-l", String(loops), "-e", "--strict.perms=false"])
        Thread.sleep(forTimeInterval: 8)
        #expect(
            agent.process.isRunning && !agent.stderr.contains("waiting for delivery"),
            "the replay was not held back: \(agent.stderr)")
        return (broker, expected, config, agent)
    }

    @Test func aFullSpoolBlocksTheReplayUntilTheBrokerIsBack() throws {
        let scratch = try ScratchDirectory()
        let (broker, expected, _, agent) = try blockedReplay(scratch)
        broker.up()
        let deadline = Date().addingTimeInterval(180)
        while agent.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(agent.signalAndWait(SIGTERM) == 0, "\(agent.stderr)")
        let tally = DeliveryTally(expected: expected, delivered: try deliveredEvents(broker.bootstrap).events)
        print("kafka full spool (block): \(tally)")
        #expect(tally.lost == 0 && tally.unexpected == 0, "\(tally)")
    }

    /// SIGTERM while the spool is full and the broker down: the agent does not hang on the blocked publisher.
    /// It stops within StopSignal.patience (5 s) and a margin, drops and counts what did not fit, and keeps
    /// what the spool holds, which a restart delivers once the broker is back.
    @Test func aStopWithAFullSpoolAndNoBrokerDoesNotHang() throws {
        let scratch = try ScratchDirectory()
        let (broker, expected, config, agent) = try blockedReplay(scratch)
        let stopped = Date()
        #expect(agent.signalAndWait(SIGTERM, timeout: 20) == 0, "\(agent.stderr)")
        let took = Date().timeIntervalSince(stopped)
        let summary = try #require(agent.stderr.split(separator: "\n").last { $0.hasPrefix("wirebeat:") })
        let pending = try #require(Int(summary.firstMatch(of: /(\d+) pending/)?.1 ?? ""), "\(summary)")
        #expect(summary.contains("(interrupted)"), "\(summary)")
        #expect(pending > 0, "\(summary)")
        broker.up()
        let empty = try emptyPcap(in: scratch)
        let restart = try run(Paths.binary, ["-c", config, "-I", empty, "--strict.perms=false"], timeout: 120)
        #expect(restart.status == 0, "\(restart.stderr)")
        let tally = DeliveryTally(expected: expected, delivered: try deliveredEvents(broker.bootstrap).events)
        let spool = summary.firstMatch(of: /spool .*write errors/)?.0 ?? ""
        print(
            String(format: "kafka stop with a full spool and no broker: exited %.1f s after SIGTERM (", took)
                + "\(spool)); after a restart: \(tally)")
        #expect(tally.delivered == pending && tally.duplicated == 0 && tally.unexpected == 0, "\(tally)")
    }

    @Test func unreachableHostsFailTestOutputClearly() throws {
        let scratch = try ScratchDirectory()
        let config = try scratch.write(
            "kafka.yml", kafkaConfig(bootstrap: "127.0.0.1:1", dataPath: scratch.url.path + "/data"))
        let r = try run(Paths.binary, ["test", "output", "-c", config, "--strict.perms=false"], timeout: 120)
        #expect(r.status == 1)
        #expect(r.stdout.contains("Kafka: 127.0.0.1:1..."), "\(r.stdout)")
        #expect(r.stdout.contains("dial up... ERROR") && r.stdout.contains("refused"), "\(r.stdout)")
    }

    @Test func testOutputChecksTheClusterAndTheTopics() throws {
        let scratch = try ScratchDirectory()
        let broker = try DevBroker(brokers: 2)
        let config = try scratch.write(
            "kafka.yml", kafkaConfig(bootstrap: broker.bootstrap, dataPath: scratch.url.path + "/data"))
        let r = try run(Paths.binary, ["test", "output", "-c", config, "--strict.perms=false"], timeout: 120)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("dial up... OK"), "\(r.stdout)")
        #expect(r.stdout.contains("metadata... OK"), "\(r.stdout)")
        #expect(r.stdout.contains("topic wb-flows... OK") && r.stdout.contains("topic wb-tls... OK"), "\(r.stdout)")
    }

    @Test func aBadSASLConfigurationFailsTestOutputClearly() throws {
        let scratch = try ScratchDirectory()
        let broker = try DevBroker(brokers: 1)
        let config = try scratch.write(
            "kafka.yml",
            kafkaConfig(
                bootstrap: broker.bootstrap, dataPath: scratch.url.path + "/data",
                extraKafka: "  username: alice\n  password: wrong\n  sasl.mechanism: SCRAM-SHA-512\n  timeout: 5s"))
        let r = try run(Paths.binary, ["test", "output", "-c", config, "--strict.perms=false"], timeout: 120)
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("metadata... ERROR"), "\(r.stdout)")
        #expect(r.stdout.lowercased().contains("sasl"), "\(r.stdout)")
        #expect(!r.stdout.contains("wrong") && !r.stderr.contains("wrong"), "the password leaked")
    }

    @Test func aBadTopicTemplateFailsTestConfigWithItsPlace() throws {
        let scratch = try ScratchDirectory()
        let config = try scratch.write(
            "kafka.yml", "output.kafka:\n  hosts: [\"127.0.0.1:9092\"]\n  topic: '%{[fields.log_topic'\n")
        let r = try run(Paths.binary, ["test", "config", "-c", config, "--strict.perms=false"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("kafka.yml:3:"), "\(r.stderr)")
        #expect(r.stderr.contains("output.kafka.topic"), "\(r.stderr)")
    }
}
