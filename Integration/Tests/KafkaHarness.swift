// What the Kafka end-to-end tests share: the local broker (`wirebeat devbroker`) as a child process, kcat
// (Debian's Kafka client, independent of wirebeat) as the consumer, agent configurations, and event
// comparison. Events are compared as canonical JSON (keys sorted) without `agent.ephemeral_id`, which differs
// between the console run that gives the expected events and the Kafka run.

import Foundation
import TestSupport
import Testing

/// A running `wirebeat devbroker`.
final class DevBroker {
    let process: RunningProcess
    let bootstrap: String

    /// Starts `brokers` brokers; `rttMs` delays every response (a slow network, so that shipping takes a while
    /// on any machine).
    init(brokers: Int = 3, rttMs: Int = 0) throws {
        process = try RunningProcess(
            Paths.binary, ["devbroker", "--brokers", String(brokers), "--rtt-ms", String(rttMs)])
        guard process.waitForStderr("broker(s) up", timeout: 30) else {
            process.signalAndWait(SIGKILL)
            throw HarnessError("devbroker did not start: \(process.stderr)")
        }
        bootstrap = process.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Takes every broker down (SIGUSR1) and waits for the broker to say so.
    func down() { signal(SIGUSR1, note: "brokers down") }

    /// Brings every broker back (SIGUSR2).
    func up() { signal(SIGUSR2, note: "brokers up") }

    /// Removes the `rttMs` delay (SIGHUP).
    func removeDelay() { signal(SIGHUP, note: "no delay") }

    private func signal(_ number: Int32, note: String) {
        let before = process.stderr.components(separatedBy: note).count
        kill(process.process.processIdentifier, number)
        let deadline = Date().addingTimeInterval(10)
        while process.stderr.components(separatedBy: note).count == before && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    deinit { process.signalAndWait(SIGTERM) }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One message read back with kcat.
struct ConsumedMessage {
    var topic: String
    var partition: Int
    var key: String?
    var payload: String
}

/// Reads every message of `topic` from the beginning with kcat.
func consume(_ bootstrap: String, topic: String) throws -> [ConsumedMessage] {
    let r = try run(
        "/usr/bin/kcat", ["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-J"], timeout: 120)
    guard r.status == 0 else {
        if r.stderr.contains("Unknown topic") || r.stderr.contains("UNKNOWN_TOPIC") { return [] }
        throw HarnessError("kcat failed (\(r.status)): \(r.stderr)")
    }
    return try r.stdout.split(separator: "\n").map { line in
        guard let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let payload = json["payload"] as? String
        else { throw HarnessError("kcat printed an unexpected line: \(line)") }
        return ConsumedMessage(
            topic: json["topic"] as? String ?? "", partition: json["partition"] as? Int ?? -1,
            key: json["key"] as? String, payload: payload)
    }
}

/// An event as canonical JSON without the per-process `agent.ephemeral_id`.
func canonical(_ json: String) throws -> String {
    guard var object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
        throw HarnessError("not a JSON object: \(json.prefix(200))")
    }
    if var agent = object["agent"] as? [String: Any] {
        agent.removeValue(forKey: "ephemeral_id")
        object["agent"] = agent
    }
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// Counts of each element.
func multiset(_ items: [String]) -> [String: Int] {
    items.reduce(into: [:]) { $0[$1, default: 0] += 1 }
}

/// What a comparison of delivered events with expected ones found.
struct DeliveryTally: CustomStringConvertible {
    var expected = 0
    var delivered = 0
    var lost = 0
    var duplicated = 0
    var unexpected = 0

    init(expected: [String], delivered: [String]) {
        let want = multiset(expected)
        let got = multiset(delivered)
        self.expected = expected.count
        self.delivered = delivered.count
        for (event, n) in want {
            let m = got[event] ?? 0
            if m < n { lost += n - m } else { duplicated += m - n }
        }
        unexpected = got.filter { want[$0.key] == nil }.values.reduce(0, +)
    }

    var description: String {
        "expected \(expected), delivered \(delivered): lost \(lost), duplicated \(duplicated), unexpected \(unexpected)"
    }
}

/// An agent configuration shipping flows and TLS events to two topics, keyed by community id.
func kafkaConfig(
    bootstrap: String, dataPath: String, queue: String = "", extraKafka: String = ""
) -> String {
    """
    packetbeat.interfaces.device: any
    packetbeat.flows: {timeout: 30s, period: 10s}
    packetbeat.protocols:
    - type: tls
      ports: [443, 8443]
    path.data: \(dataPath)
    logging.level: info
    output.kafka:
      hosts: [\(bootstrap.split(separator: ",").map { "\"\($0)\"" }.joined(separator: ", "))]
      topics:
      - topic: wb-tls
        when.equals.type: tls
      topic: wb-flows
      key: '%{[network.community_id]}'
      compression: lz4
    \(extraKafka)
    \(queue)
    """
}

/// The events of `pcap` as the console output prints them (the expected events), canonical. The run shares
/// `<scratch>/data` with the Kafka runs, so `agent.id` is the same.
func expectedEvents(pcap: String, loops: Int = 1, scratch: ScratchDirectory) throws -> [String] {
    let config = try scratch.write(
        "console.yml",
        """
        packetbeat.interfaces.device: any
        packetbeat.flows: {timeout: 30s, period: 10s}
        packetbeat.protocols:
        - type: tls
          ports: [443, 8443]
        path.data: \(scratch.url.path)/data
        output.console.enabled: true
        """)
    let r = try run(
        Paths.binary, ["-c", config, "-I", pcap, "-t", "-l", String(loops), "--strict.perms=false"], timeout: 300)
    guard r.status == 0 else { throw HarnessError("console run failed: \(r.stderr)") }
    return try r.stdout.split(separator: "\n").map { try canonical(String($0)) }
}

/// The canonical payloads of every message in the test topics.
func deliveredEvents(_ bootstrap: String) throws -> (messages: [ConsumedMessage], events: [String]) {
    let messages = try consume(bootstrap, topic: "wb-flows") + consume(bootstrap, topic: "wb-tls")
    return (messages, try messages.map { try canonical($0.payload) })
}

/// FNV-1a, 32 bits: libbeat's hash partitioner (reference/libbeat.md §1.4), computed here independently.
func beatsPartition(key: String, partitions: Int) -> Int {
    var h: UInt32 = 0x811C_9DC5
    for b in key.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
    return Int(Int32(bitPattern: h) & 0x7FFF_FFFF) % partitions
}

/// The number of partitions of `topic`, from kcat's metadata listing.
func partitionCount(_ bootstrap: String, topic: String) throws -> Int {
    let r = try run("/usr/bin/kcat", ["-L", "-b", bootstrap, "-t", topic, "-J"], timeout: 60)
    guard let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
        let topics = json["topics"] as? [[String: Any]], let first = topics.first,
        let partitions = first["partitions"] as? [Any]
    else { throw HarnessError("kcat -L printed no partitions for \(topic): \(r.stdout) \(r.stderr)") }
    return partitions.count
}

/// An empty pcap (only the file header): a run that delivers what its spool holds and exits.
func emptyPcap(in scratch: ScratchDirectory) throws -> String {
    var header: [UInt8] = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]
    header += [UInt8](repeating: 0, count: 8)
    header += [0xff, 0xff, 0, 0, 1, 0, 0, 0]
    let path = scratch.url.appendingPathComponent("empty.pcap").path
    try Data(header).write(to: URL(fileURLWithPath: path))
    return path
}
