// `wirebeat devbroker`: the local Kafka-protocol broker (librdkafka's mock cluster) prints its bootstrap
// address, accepts connections on loopback, drops every broker on SIGUSR1 and restores them on SIGUSR2.

import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct DevBrokerTests {
    /// Whether a TCP connection to `address` (`127.0.0.1:port`) is accepted.
    func accepts(_ address: Substring) -> Bool {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            return false
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        sin.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    func waitFor(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    @Test func printsItsBrokersAndFailsThemOnCommand() throws {
        let broker = try RunningProcess(Paths.binary, ["devbroker", "--brokers", "3"])
        #expect(broker.waitForStderr("3 broker(s) up", timeout: 20), "\(broker.stderr)")
        let addresses = broker.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        #expect(addresses.count == 3)
        #expect(addresses.allSatisfy { $0.hasPrefix("127.0.0.1:") })
        #expect(addresses.allSatisfy(accepts))

        kill(broker.process.processIdentifier, SIGUSR1)
        #expect(waitFor { addresses.allSatisfy { !accepts($0) } }, "brokers still accept connections after SIGUSR1")
        kill(broker.process.processIdentifier, SIGUSR2)
        #expect(waitFor { addresses.allSatisfy(accepts) }, "brokers did not come back after SIGUSR2")

        #expect(broker.signalAndWait(SIGTERM) == 0)
        #expect(broker.stderr.contains("brokers down") && broker.stderr.contains("brokers up"))
    }

    @Test func aBadBrokerCountIsAClearError() throws {
        let r = try run(Paths.binary, ["devbroker", "--brokers", "0"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("a mock cluster has 1 to 64 brokers"))
    }
}
