// `wirebeat devbroker`: librdkafka's mock cluster as a local Kafka-protocol broker for the demo and the
// tests. A development tool only: the brokers keep everything in memory.

import ArgumentParser
import Dispatch
import Foundation
import KafkaOutput

struct DevBroker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devbroker",
        abstract: "Run a local Kafka-protocol broker for development and tests (librdkafka's mock cluster).",
        discussion: """
            Prints the bootstrap address (host:port,...) on standard output, then runs until SIGINT or SIGTERM. \
            SIGUSR1 takes every broker down (connections closed, new ones dropped), SIGUSR2 brings them back up, \
            SIGHUP removes the --rtt-ms delay, for fault tests. Not for production: messages are kept in memory only.
            """)

    @Option(help: "Number of brokers (1-64).")
    var brokers = 1

    @Option(help: "Delay every broker response by this many milliseconds (a slow network, for fault tests).")
    var rttMs = 0

    func run() throws {
        let cluster: MockKafkaCluster
        do {
            cluster = try MockKafkaCluster(brokers: brokers)
            if rttMs > 0 { try cluster.setRoundTripTime(milliseconds: rttMs) }
        } catch {
            FileHandle.standardError.write(Data("Exiting: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let stop = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "devbroker-signals")
        var sources: [any DispatchSourceSignal] = []
        let actions: [(Int32, @Sendable () -> Void)] = [
            (SIGINT, { stop.signal() }), (SIGTERM, { stop.signal() }),
            (SIGUSR1, { Self.set(cluster, up: false) }), (SIGUSR2, { Self.set(cluster, up: true) }),
            (SIGHUP, { Self.removeDelay(cluster) }),
        ]
        for (number, action) in actions {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: action)
            source.resume()
            sources.append(source)
        }
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        Self.note("\(cluster.brokers) broker(s) up at \(cluster.bootstrapServers)")
        stop.wait()
        sources.forEach { $0.cancel() }
        Self.note("stopped")
    }

    @Sendable static func note(_ text: String) { FileHandle.standardError.write(Data("devbroker: \(text)\n".utf8)) }

    @Sendable static func removeDelay(_ cluster: MockKafkaCluster) {
        do {
            try cluster.setRoundTripTime(milliseconds: 0)
            note("no delay")
        } catch {
            note("\(error)")
        }
    }

    @Sendable static func set(_ cluster: MockKafkaCluster, up: Bool) {
        do {
            try cluster.setAllBrokers(up: up)
            note(up ? "brokers up" : "brokers down")
        } catch {
            note("\(error)")
        }
    }
}
