import Glibc
import Testing

@testable import KafkaOutput

private struct SocketFailure: Error, CustomStringConvertible {
    let description: String
}

/// A TCP socket bound to a loopback port chosen by the kernel; listening or (to refuse connections) not.
private final class LoopbackSocket {
    let fd: Int32
    let port: UInt16

    init(ipv6: Bool = false, listening: Bool, backlog: Int32 = 16) throws {
        let family = ipv6 ? AF_INET6 : AF_INET
        fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure(description: "socket: \(errno)") }
        var storage = sockaddr_storage()
        var length: socklen_t
        if ipv6 {
            withUnsafeMutableBytes(of: &storage) {
                let address = $0.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_addr = in6addr_loopback
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            withUnsafeMutableBytes(of: &storage) {
                let address = $0.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        let descriptor = fd
        let bound = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound, !listening || listen(fd, backlog) == 0 else {
            close(fd)
            throw SocketFailure(description: "bind/listen: \(errno)")
        }
        port = withUnsafeBytes(of: &storage) {
            let offset =
                ipv6
                ? MemoryLayout<sockaddr_in6>.offset(of: \.sin6_port)!
                : MemoryLayout<sockaddr_in>.offset(of: \.sin_port)!
            return UInt16(bigEndian: $0.load(fromByteOffset: offset, as: UInt16.self))
        }
    }

    deinit { close(fd) }
}

@Suite struct HostCheckTests {
    @Test func aListeningBrokerPassesEveryStep() throws {
        let broker = try LoopbackSocket(listening: true)
        let steps = HostCheck.run(host: "127.0.0.1:\(broker.port)", timeout: 10)
        #expect(
            steps == [
                HostCheckStep(name: "parse host", ok: true),
                HostCheckStep(name: "dns lookup", ok: true),
                HostCheckStep(name: "addresses", ok: true, detail: "127.0.0.1"),
                HostCheckStep(name: "dial up", ok: true),
            ])
    }

    @Test func ipv6InBrackets() throws {
        let broker = try LoopbackSocket(ipv6: true, listening: true)
        let steps = HostCheck.run(host: "[::1]:\(broker.port)", timeout: 10)
        #expect(steps.map(\.ok) == [true, true, true, true])
        #expect(steps.first { $0.name == "addresses" }?.detail == "::1")
    }

    @Test func aNameIsResolvedBeforeDialling() throws {
        let broker = try LoopbackSocket(listening: true)
        let steps = HostCheck.run(host: "localhost:\(broker.port)", timeout: 10)
        #expect(steps.first { $0.name == "addresses" }?.detail?.contains("127.0.0.1") == true)
        #expect(steps.last == HostCheckStep(name: "dial up", ok: true))
    }

    @Test func aClosedPortIsRefused() throws {
        let closed = try LoopbackSocket(listening: false)
        let steps = HostCheck.run(host: "127.0.0.1:\(closed.port)", timeout: 10)
        #expect(steps.count == 4)
        #expect(
            steps.last
                == HostCheckStep(name: "dial up", ok: false, detail: "127.0.0.1:\(closed.port): connection refused"))
    }

    @Test func aBrokerThatNeverAnswersTimesOut() throws {
        // With a backlog of 0 the kernel queues one connection and drops further SYNs while it is not accepted.
        let broker = try LoopbackSocket(listening: true, backlog: 0)
        let filler = try connectBlocking(port: broker.port)
        defer { close(filler) }
        let steps = HostCheck.run(host: "127.0.0.1:\(broker.port)", timeout: 0.5)
        #expect(
            steps.last
                == HostCheckStep(name: "dial up", ok: false, detail: "127.0.0.1:\(broker.port): timed out after 0.5s"))
    }

    @Test func anUnknownNameFailsTheLookup() {
        let steps = HostCheck.run(host: "no-such-host.invalid:9092", timeout: 10)
        #expect(steps.count == 2)
        #expect(steps.first == HostCheckStep(name: "parse host", ok: true))
        #expect(steps.last?.name == "dns lookup")
        #expect(steps.last?.ok == false)
        #expect(steps.last?.detail?.hasPrefix("lookup no-such-host.invalid: ") == true)
    }

    @Test(arguments: [
        ("", "empty host"),
        ("   ", "empty host"),
        ("a:b", "invalid port \"b\" in address \"a:b\""),
        ("[::1", "missing ']' in address \"[::1\""),
        ("host:99999", "port 99999 out of range (1 to 65535)"),
        ("host:0", "port 0 out of range (1 to 65535)"),
        ("host:", "missing port in address \"host:\""),
        (":9092", "missing host in address \":9092\""),
        ("::1:9092", "too many colons in address \"::1:9092\" (write IPv6 as [::1]:9092)"),
        ("[::1]9092", "unexpected \"9092\" after ']' in address \"[::1]9092\""),
    ])
    func badHostStringsFailToParse(host: String, reason: String) {
        #expect(HostCheck.run(host: host, timeout: 1) == [HostCheckStep(name: "parse host", ok: false, detail: reason)])
    }

    @Test func portDefaultsTo9092() throws {
        #expect(try HostCheck.parse("kafka").get() == ("kafka", 9092))
        #expect(try HostCheck.parse(" kafka:9093 ").get() == ("kafka", 9093))
        #expect(try HostCheck.parse("[::1]").get() == ("::1", 9092))
        #expect(try HostCheck.parse("[fe80::1]:19092").get() == ("fe80::1", 19092))
    }

    @Test func renderingAsBeatsPrintsIt() {
        let steps = [
            HostCheckStep(name: "parse host", ok: true),
            HostCheckStep(name: "dns lookup", ok: true),
            HostCheckStep(name: "addresses", ok: true, detail: "10.0.0.5, 10.0.0.6"),
            HostCheckStep(name: "dial up", ok: false, detail: "10.0.0.5:9092: connection refused"),
        ]
        #expect(
            HostCheck.render(host: "kafka1:9092", steps: steps, color: false)
                == "Kafka: kafka1:9092...\n  parse host... OK\n  dns lookup... OK\n  addresses: 10.0.0.5, 10.0.0.6\n"
                + "  dial up... ERROR 10.0.0.5:9092: connection refused\n")
    }

    @Test func colourMarksOKGreenAndErrorRed() {
        let steps = [
            HostCheckStep(name: "parse host", ok: true), HostCheckStep(name: "dns lookup", ok: false, detail: "x"),
        ]
        #expect(
            HostCheck.render(host: "k:1", steps: steps, color: true)
                == "Kafka: k:1...\n  parse host... \u{1B}[32mOK\u{1B}[0m\n  dns lookup... \u{1B}[31mERROR\u{1B}[0m x\n")
    }
}

private func connectBlocking(port: UInt16) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
    let status = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard status == 0 else {
        close(fd)
        throw SocketFailure(description: "connect: \(errno)")
    }
    return fd
}
