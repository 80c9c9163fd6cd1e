// `wirebeat test output`: what Packetbeat prints for each Kafka host (parse, DNS, addresses, TCP dial), then
// what Packetbeat never checks — a metadata request over the configured TLS and SASL settings, and, for each
// topic the configuration names literally, that it exists with a leader for every partition. Topics chosen per
// event by a format string cannot be known in advance and are listed as not checked.

import ArgumentParser
import Config
import Events
import Foundation
import KafkaOutput
import Logging
import Pipeline

struct TestOutput: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Test that the configured output can be reached (Kafka: every host, the cluster and the topics).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let settings = try global.load().settings
        guard case .kafka(let kafka) = settings.output else {
            FileHandle.standardError.write(Data("\(settings.output.typeName) output doesn't support testing\n".utf8))
            throw ExitCode(1)
        }
        let color = isatty(STDOUT_FILENO) != 0
        let timeout = Double(kafka.timeout.nanoseconds) / 1e9
        var reachable = false
        for host in kafka.hosts {
            let steps = HostCheck.run(host: host, timeout: timeout)
            print(HostCheck.render(host: host, steps: steps, color: color), terminator: "")
            if steps.allSatisfy(\.ok) { reachable = true }
        }
        guard reachable else { throw ExitCode(1) }
        guard checkCluster(kafka, color: color) else { throw ExitCode(1) }
    }

    /// The metadata and topic checks; false when one failed.
    func checkCluster(_ kafka: KafkaOutputSettings, color: Bool) -> Bool {
        func mark(_ ok: Bool) -> String {
            let word = ok ? "OK" : "ERROR"
            return color ? (ok ? "\u{1B}[32m\(word)\u{1B}[0m" : "\u{1B}[31m\(word)\u{1B}[0m") : word
        }
        print("Kafka cluster: \(kafka.hosts.joined(separator: ","))...")
        let properties: KafkaProperties
        do {
            properties = try KafkaProperties.make(kafka)
        } catch {
            print("  configuration... \(mark(false)) \(error.message)")
            return false
        }
        // librdkafka's own log lines would repeat what the report says.
        let quiet = Logger(label: "kafka", factory: { _ in SwiftLogNoOpLogHandler() })
        let (literal, perEvent) = Self.topics(kafka)
        let metadata: KafkaClusterMetadata
        do {
            let producer = try KafkaProducer(
                settings: KafkaProducerSettings(
                    properties: properties.properties, partitioner: kafka.partitioner, headers: kafka.headers),
                logger: quiet)
            metadata = try producer.metadata(
                topics: literal, timeoutMs: Int32(clamping: kafka.timeout.nanoseconds / 1_000_000))
        } catch {
            print("  metadata... \(mark(false)) \(error.message)")
            return false
        }
        print("  metadata... \(mark(true))")
        print("  brokers: " + metadata.brokers.map { "\($0.id) (\($0.host):\($0.port))" }.joined(separator: ", "))
        var ok = true
        for name in literal {
            guard let topic = metadata.topics.first(where: { $0.name == name }) else {
                print("  topic \(name)... \(mark(false)) not in the cluster's metadata")
                ok = false
                continue
            }
            if let error = topic.error {
                print("  topic \(name)... \(mark(false)) \(error)")
                ok = false
            } else if topic.partitions.isEmpty {
                print("  topic \(name)... \(mark(false)) no partitions")
                ok = false
            } else if let leaderless = topic.partitions.first(where: { $0.leader < 0 }) {
                print("  topic \(name)... \(mark(false)) partition \(leaderless.id) has no leader")
                ok = false
            } else {
                print("  topic \(name)... \(mark(true)) (\(topic.partitions.count) partitions, each with a leader)")
            }
        }
        for format in perEvent {
            print("  topic \(format): chosen per event, not checked")
        }
        return ok
    }

    /// The topics the configuration names literally, and the format strings chosen per event.
    static func topics(_ kafka: KafkaOutputSettings) -> (literal: [String], perEvent: [String]) {
        var literal: [String] = []
        var perEvent: [String] = []
        func add(_ format: FormatString) {
            if format.isConstant { literal.append(format.source) } else { perEvent.append(format.source) }
        }
        for rule in kafka.topics {
            if rule.mappings.isEmpty { add(rule.topic) } else { literal += rule.mappings.values.sorted() }
            if let d = rule.defaultTopic, !d.isEmpty { literal.append(d) }
        }
        if let topic = kafka.topic { add(topic) }
        var seen = Set<String>()
        return (literal.filter { !$0.isEmpty && seen.insert($0).inserted }, perEvent)
    }
}
