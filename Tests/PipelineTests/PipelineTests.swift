import Capture
import Config
import Events
import Foundation
import Logging
import NetModel
import Outputs
import Processors
import Synchronization
import Testing

@testable import Pipeline

/// An output that keeps what it was given.
final class RecordingOutput: Output, @unchecked Sendable {
    let typeName = "recording"
    private let lock = NSLock()
    private var stored: [Event] = []
    var failuresLeft = 0
    var permanentFailure = false

    var events: [Event] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func publish(_ events: [Event]) throws(OutputError) -> PublishReport {
        if permanentFailure { throw OutputError("closed", isPermanent: true) }
        lock.lock()
        defer { lock.unlock() }
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw OutputError("transient")
        }
        stored += events
        return PublishReport(acked: events.count)
    }
    func flush() throws(OutputError) {}
    func close() throws(OutputError) {}
}

func batch(_ events: [Event], client: UInt8 = 0) -> EventBatch {
    var b = EventBatch()
    for e in events { b.append(e, client: client) }
    return b
}

@Suite struct BatchQueueTests {
    @Test func deliversBatchesInOrderThenNilWhenClosedAndDrained() {
        let q = BatchQueue(capacity: 10)
        #expect(q.put(batch([Event(timestamp: Timestamp(nanoseconds: 1))]), block: true))
        #expect(q.put(batch([Event(timestamp: Timestamp(nanoseconds: 2))]), block: true))
        q.close()
        #expect(q.take(timeout: 1)?.events.first?.timestamp == Timestamp(nanoseconds: 1))
        #expect(q.take(timeout: 1)?.events.first?.timestamp == Timestamp(nanoseconds: 2))
        #expect(q.take(timeout: 1) == nil)
        #expect(q.isDrained)
    }

    @Test func aFullOrClosedQueueRefusesNonBlockingProducers() {
        let q = BatchQueue(capacity: 2)
        let two = batch([Event(timestamp: .zero), Event(timestamp: .zero)])
        #expect(q.put(two, block: false))
        #expect(!q.put(two, block: false))
        #expect(q.pendingEvents == 2)
        q.close()
        #expect(q.take(timeout: 0)?.count == 2)
        #expect(!q.put(two, block: true))
        #expect(q.pendingEvents == 0)
    }

    @Test func aBlockingProducerWaitsForTheConsumer() {
        let q = BatchQueue(capacity: 1)
        q.put(batch([Event(timestamp: .zero)]), block: true)
        // A thread, not a task: a task blocked in `put` would hold a thread of Swift's small cooperative pool,
        // which other tests running in parallel need.
        let taken = Mutex(false)
        let done = DispatchSemaphore(value: 0)
        Thread {
            taken.withLock { $0 = q.put(batch([Event(timestamp: Timestamp(nanoseconds: 9))]), block: true) }
            done.signal()
        }.start()
        usleep(50_000)
        #expect(q.pendingEvents == 1)  // the second batch is still waiting
        _ = q.take(timeout: 1)
        done.wait()
        #expect(taken.withLock { $0 })
        #expect(q.take(timeout: 1)?.events.first?.timestamp == Timestamp(nanoseconds: 9))
    }

    @Test func takeTimesOutOnAnEmptyOpenQueue() {
        let q = BatchQueue(capacity: 4)
        let start = Date()
        #expect(q.take(timeout: 0.05) == nil)
        #expect(!q.isDrained)
        #expect(Date().timeIntervalSince(start) >= 0.04)
    }
}

@Suite struct PublisherTests {
    let logger = Logger(label: "test")

    func publish(_ events: [Event], settings: PublishSettings, client: UInt8 = 0) -> [Event] {
        let q = BatchQueue(capacity: 100)
        let out = RecordingOutput()
        let p = Publisher(queue: q, output: out, settings: settings, logger: logger)
        q.put(batch(events, client: client), block: true)
        q.close()
        p.run()
        #expect(p.counters.acked == events.count)
        return out.events
    }

    @Test func appliesTagsFieldsAndBuiltinsInBeatsOrder() {
        let global = ClientProcessing(tags: ["g"], fields: ["site": .string("paris"), "shared": .string("global")])
        let flows = ClientProcessing(tags: ["f"], fields: ["shared": .string("flows")], index: "flows-idx")
        let builtins: Fields = [
            "agent": .object(["type": .string("packetbeat"), "name": .string("n")]),
            "host": .object(["name": .string("h")]),
        ]
        var e = Event(
            timestamp: .zero,
            fields: ["tags": .strings(["existing"]), "agent": .object(["name": .string("mine")]), "x": .null])
        e.fields.set("y", .int(1))
        let out = publish([e], settings: PublishSettings(clients: [flows], global: global, builtins: builtins))
        let f = out[0]
        #expect(f.fields["tags"] == .strings(["existing", "g", "f"]))
        #expect(f.fields.value(at: "fields.site") == .string("paris"))
        #expect(f.fields.value(at: "fields.shared") == .string("flows"))  // the client's fields win
        #expect(f.fields.value(at: "agent.name") == .string("mine"))  // builtins only where absent
        #expect(f.fields.value(at: "agent.type") == .string("packetbeat"))
        #expect(f.fields.value(at: "host.name") == .string("h"))
        #expect(f.fields["x"] == nil)  // nulls removed without keep_null
        #expect(f.metadata["raw_index"] == .string("flows-idx"))
    }

    @Test func fieldsUnderRootMergeAtTheTopAndKeepNullKeepsNulls() {
        let client = ClientProcessing(fields: ["service": .string("edge")], fieldsUnderRoot: true, keepNull: true)
        let out = publish(
            [Event(timestamp: .zero, fields: ["x": .null])],
            settings: PublishSettings(clients: [client], global: ClientProcessing(), builtins: Fields()))
        #expect(out[0].fields["service"] == .string("edge"))
        #expect(out[0].fields["fields"] == nil)
        #expect(out[0].fields["x"] == .null)
    }

    @Test(arguments: [1, 2, 4])
    func workersWriteBatchesInQueueOrder(workers: Int) throws {
        // Batches of different sizes, so that workers finish encoding out of order; the output must still see
        // them in the order they were queued. A processor drops every event of some batches (an empty turn) and
        // single events of others (batches of up to 50 events cross the publisher's encoding chunks).
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wirebeat-order-\(workers).ndjson").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer { unlink(path) }
        let q = BatchQueue(capacity: 1_000_000)
        let out = ConsoleOutput(codec: .json(JSONEventEncoder(identity: BeatIdentity(version: "test"))), fileDescriptor: fd)
        let config = try ConfigLoader.load(
            yaml: "processors:\n- drop_event.when.equals.skip: true\noutput.console.enabled: true\npath.data: /tmp/wirebeat-plan-test\n",
            name: "order.yml"
        ).settings
        var settings = try PlanBuilder.plan(
            settings: config, file: "x.pcap", topspeed: true, loop: nil, resolveDevices: false
        ).publish
        settings.builtins = Fields()
        let p = Publisher(queue: q, output: out, settings: settings, logger: logger, workers: workers)
        #expect(p.workers == workers)
        var expected: [Int64] = []
        var n: Int64 = 0
        var written = 0
        for b in 0..<200 {
            var events: [Event] = []
            let before = expected.count
            for _ in 0..<((b * 37) % 50 + 1) {
                n += 1
                let skip = b % 9 == 0 || n % 7 == 0
                events.append(Event(timestamp: Timestamp(nanoseconds: n * 1_000_000), fields: ["n": .int(n), "skip": .bool(skip)]))
                if !skip { expected.append(n) }
            }
            if expected.count > before { written += 1 }
            q.put(batch(events), block: true)
        }
        q.close()
        p.run()
        close(fd)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let seen = try lines.map { line -> Int64 in
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require((object["n"] as? NSNumber)?.int64Value)
        }
        #expect(seen == expected)
        #expect(p.counters.acked == expected.count)
        #expect(p.counters.filtered == Int(n) - expected.count)
        #expect(p.counters.batches == written)
    }

    @Test func transientOutputFailuresAreRetriedAndPermanentOnesStopPublishing() {
        let q = BatchQueue(capacity: 100)
        let out = RecordingOutput()
        out.failuresLeft = 1
        let p = Publisher(
            queue: q, output: out,
            settings: PublishSettings(clients: [], global: ClientProcessing(), builtins: Fields()), logger: logger)
        q.put(batch([Event(timestamp: .zero)]), block: true)
        q.close()
        p.run()
        #expect(out.events.count == 1)
        #expect(p.counters.failed == 0)

        let q2 = BatchQueue(capacity: 100)
        let closed = RecordingOutput()
        closed.permanentFailure = true
        let p2 = Publisher(
            queue: q2, output: closed,
            settings: PublishSettings(clients: [], global: ClientProcessing(), builtins: Fields()), logger: logger)
        q2.put(batch([Event(timestamp: .zero), Event(timestamp: .zero)]), block: true)
        q2.close()
        p2.run()
        #expect(p2.outputClosed)
        #expect(p2.counters.failed == 2)
    }
}

@Suite struct PlanBuilderTests {
    func settings(_ yaml: String) throws -> Settings {
        try ConfigLoader.load(
            yaml: yaml + "\noutput.console.enabled: true\npath.data: /tmp/wirebeat-plan-test\n", name: "t.yml"
        ).settings
    }

    @Test func flowsOnMeansNoFilterLikePacketbeat() throws {
        let s = try settings("packetbeat.flows: {}\npacketbeat.protocols:\n- type: tls\n  ports: [443]\n")
        #expect(PlanBuilder.bpfFilter(settings: s, interface: s.interfaces[0]) == "")
    }

    @Test func withoutFlowsTheFilterIsBuiltFromProtocolPorts() throws {
        let s = try settings(
            "packetbeat.protocols:\n- type: tls\n  ports: [443, 8443]\n- type: dns\n  ports: [53]\n- type: dhcpv4\n- type: icmp\n"
        )
        #expect(
            PlanBuilder.bpfFilter(settings: s, interface: s.interfaces[0])
                == "tcp port 443 or tcp port 8443 or port 53 or udp port 67 or udp port 68 or icmp or icmp6")
    }

    @Test func withVLANsDoublesTheFilterAndTheUsersFilterWins() throws {
        let s = try settings(
            "packetbeat.interfaces.with_vlans: true\npacketbeat.protocols:\n- type: tls\n  ports: [443]\n")
        #expect(
            PlanBuilder.bpfFilter(settings: s, interface: s.interfaces[0])
                == "tcp port 443 or (vlan and (tcp port 443))")
        let u = try settings("packetbeat.interfaces.bpf_filter: \"net 10.0.0.0/8\"\npacketbeat.flows: {}\n")
        #expect(PlanBuilder.bpfFilter(settings: u, interface: u.interfaces[0]) == "net 10.0.0.0/8")
    }

    @Test func commandLineFlagsOverrideTheInterfaceFileSettings() throws {
        let s = try settings(
            "packetbeat.interfaces: {file: a.pcap, loop: 2, topspeed: false}\npacketbeat.flows: {period: -1}\n")
        let fromConfig = try PlanBuilder.plan(settings: s, file: nil, topspeed: nil, loop: nil, resolveDevices: false)
        #expect(fromConfig.source == .file(path: "a.pcap", loops: 2, topspeed: false, bpfFilter: ""))
        #expect(fromConfig.flows?.period == nil)
        let fromFlags = try PlanBuilder.plan(
            settings: s, file: "b.pcap", topspeed: true, loop: 5, resolveDevices: false)
        #expect(fromFlags.source == .file(path: "b.pcap", loops: 5, topspeed: true, bpfFilter: ""))
    }

    @Test func liveCaptureOptionsFollowTheInterfaceSettings() throws {
        let s = try settings(
            "packetbeat.interfaces: {device: eth1, snaplen: 1514, buffer_size_mb: 4, ignore_outgoing: true}\n")
        let plan = try PlanBuilder.plan(settings: s, file: nil, topspeed: nil, loop: nil, resolveDevices: false)
        guard case .live(let all) = plan.source, all.count == 1, let o = all.first else {
            Issue.record("expected a live source")
            return
        }
        #expect(o.device == "eth1")
        #expect(o.snaplen == 1514)
        #expect(o.bufferSizeBytes == 4 * 1_048_576)
        #expect(o.inboundOnly)
    }

    @Test func settingsNotActiveYetAreAnnouncedNotIgnored() throws {
        let s = try settings(
            "queue.disk.max_size: 100MB\nhttp.enabled: true\nlogging.files.interval: 1h\npacketbeat.protocols:\n- type: dns\n"
        )
        let notes = PlanBuilder.notYetActive(s)
        #expect(notes.contains { $0.contains("queue.disk") })
        #expect(notes.contains { $0.contains("logging.files.interval") })
        #expect(notes.contains { $0.contains("dns") })
        #expect(!notes.contains { $0.contains("http") }, "the monitoring endpoint is active: \(notes)")
    }

    @Test func kafkaOutputValidatesWithoutConnecting() throws {
        let good = try ConfigLoader.load(yaml: "output.kafka: {hosts: [\"k:9092\"], topic: t}\n", name: "t.yml")
            .settings
        #expect(throws: Never.self) { try PlanBuilder.validateOutput(settings: good) }
        let yaml = "output.kafka:\n  hosts: [\"k:9092\"]\n  topics:\n  - topic: a\n    when: {equal: {x: 1}}\n"
        let bad = try ConfigLoader.load(yaml: yaml, name: "t.yml").settings
        let error = #expect(throws: PlanError.self) { try PlanBuilder.validateOutput(settings: bad) }
        #expect(error?.message.contains("output.kafka.topics.0.when.equal") == true)
    }

    @Test func builtinsCarryTheAgentIdentityAndNames() throws {
        let s = try settings("name: sensor-1\n")
        let b = PlanBuilder.builtins(s)
        #expect(b.value(at: "agent.name") == .string("sensor-1"))
        #expect(b.value(at: "host.name") == .string("sensor-1"))
        #expect(b.value(at: "agent.type") == .string("packetbeat"))
        #expect(b.value(at: "ecs.version") == .string(WirebeatVersion.ecs))
        #expect(b.value(at: "agent.id")?.string?.count == 36)
    }

    @Test func configFieldsBecomeEventFieldsWithDottedKeysNested() throws {
        let s = try settings("fields: {env: prod, a.b: 1, list: [x, 2]}\n")
        let f = ProcessorFactory.eventFields(s.fields)
        #expect(f["env"] == .string("prod"))
        #expect(f.value(at: "a.b") == .int(1))
        #expect(f["list"] == .array([.string("x"), .int(2)]))
    }
}
