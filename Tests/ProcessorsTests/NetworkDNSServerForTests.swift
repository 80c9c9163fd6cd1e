// A tiny DNS responder for the dns processor tests: a UDP socket on a loopback ephemeral port, answering
// from a table of canned replies on a background thread and counting the questions it gets, so tests can
// tell a cache hit from a query. It understands just enough of RFC 1035 §4.1 to echo the question back
// with answer records; it is test scaffolding, not a DNS implementation. A "silent" server binds the port
// and never answers, to exercise timeouts.

import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One canned answer record.
struct TestDNSRecord: Sendable {
    var type: UInt16
    var ttl: UInt32
    var rdata: [UInt8]

    static func ptr(_ host: String, ttl: UInt32 = 300) -> TestDNSRecord {
        TestDNSRecord(type: 12, ttl: ttl, rdata: TestDNSServer.encodedName(host))
    }
    static func cname(_ host: String, ttl: UInt32 = 300) -> TestDNSRecord {
        TestDNSRecord(type: 5, ttl: ttl, rdata: TestDNSServer.encodedName(host))
    }
    static func a(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, ttl: UInt32 = 300) -> TestDNSRecord {
        TestDNSRecord(type: 1, ttl: ttl, rdata: [a, b, c, d])
    }
    static func aaaa(_ bytes: [UInt8], ttl: UInt32 = 300) -> TestDNSRecord {
        TestDNSRecord(type: 28, ttl: ttl, rdata: bytes)
    }
    static func txt(_ strings: [[UInt8]], ttl: UInt32 = 300) -> TestDNSRecord {
        TestDNSRecord(type: 16, ttl: ttl, rdata: strings.flatMap { [UInt8($0.count)] + $0 })
    }
}

/// What the server does for one question.
enum TestDNSReply: Sendable {
    /// NOERROR with these answer records (possibly none).
    case answer([TestDNSRecord])
    /// An error response code (3 is NXDOMAIN, 2 SERVFAIL).
    case rcode(UInt8)
}

/// A DNS responder on 127.0.0.1 or ::1.
final class TestDNSServer: Sendable {
    /// The port it listens on.
    let port: UInt16
    /// `127.0.0.1:port` or `[::1]:port`, as the `nameservers` option takes it.
    let nameserver: String
    private let socket: Int32
    private let replies: [String: TestDNSReply]
    private let silent: Bool
    private let questions = Mutex<[String: Int]>([:])
    private let stopping = Atomic<Bool>(false)

    /// A server answering `replies`, keyed `name/TYPE` (`4.3.2.1.in-addr.arpa/12`); other questions get
    /// NXDOMAIN. A silent server never answers.
    init(replies: [String: TestDNSReply] = [:], silent: Bool = false, ipv6: Bool = false) throws {
        let fd = Glibc.socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var bound: UInt16 = 0
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            bound = try TestDNSServer.bind(fd, &address)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            bound = try TestDNSServer.bind(fd, &address)
        }
        var wait = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        socket = fd
        port = bound
        nameserver = ipv6 ? "[::1]:\(bound)" : "127.0.0.1:\(bound)"
        self.replies = replies
        self.silent = silent
        if !silent { Thread { [self] in serve() }.start() }
    }

    /// Stops answering and closes the socket.
    func stop() {
        if stopping.exchange(true, ordering: .relaxed) { return }
        // The serving thread closes the socket when it notices; a silent server has no thread.
        if silent { close(socket) }
    }

    /// How many times `key` (`name/TYPE`) was asked.
    func count(_ key: String) -> Int { questions.withLock { $0[key] ?? 0 } }

    /// All questions asked.
    var total: Int { questions.withLock { $0.values.reduce(0, +) } }

    private static func bind<Address>(_ fd: Int32, _ address: inout Address) throws -> UInt16 {
        let size = socklen_t(MemoryLayout<Address>.size)
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, size) == 0 }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        var length = size
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port both sit at offset 2.
        return withUnsafeBytes(of: &address) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
    }

    private func serve() {
        var buffer = [UInt8](repeating: 0, count: 1500)
        var peer = sockaddr_storage()
        while !stopping.load(ordering: .relaxed) {
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = withUnsafeMutablePointer(to: &peer) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(socket, &buffer, buffer.count, 0, $0, &peerLength)
                }
            }
            guard n > 0, let response = respond(to: Array(buffer[0..<n])) else { continue }
            _ = withUnsafePointer(to: &peer) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(socket, response, response.count, 0, $0, peerLength)
                }
            }
        }
        close(socket)
    }

    /// The response to one query, or nil when it is not a query this server can read.
    private func respond(to query: [UInt8]) -> [UInt8]? {
        guard query.count >= 12 else { return nil }
        var offset = 12
        var labels: [String] = []
        while offset < query.count, query[offset] != 0 {
            let length = Int(query[offset])
            guard offset + 1 + length <= query.count else { return nil }
            labels.append(String(decoding: query[(offset + 1)..<(offset + 1 + length)], as: UTF8.self))
            offset += 1 + length
        }
        guard offset + 5 <= query.count else { return nil }
        let questionEnd = offset + 5
        let type = UInt16(query[offset + 1]) << 8 | UInt16(query[offset + 2])
        let key = labels.joined(separator: ".").lowercased() + "/\(type)"
        questions.withLock { $0[key, default: 0] += 1 }

        let reply = replies[key] ?? .rcode(3)
        var records: [TestDNSRecord] = []
        var rcode: UInt8 = 0
        switch reply {
        case .answer(let list): records = list
        case .rcode(let code): rcode = code
        }
        var out: [UInt8] = [query[0], query[1], 0x80 | (query[2] & 0x01), 0x80 | rcode, 0, 1]
        out += [UInt8(records.count >> 8), UInt8(records.count & 0xff), 0, 0, 0, 0]
        out += query[12..<questionEnd]
        for record in records {
            out += [0xc0, 0x0c]  // the question's name
            out += [UInt8(record.type >> 8), UInt8(record.type & 0xff), 0, 1]
            out += withUnsafeBytes(of: record.ttl.bigEndian, Array.init)
            out += [UInt8(record.rdata.count >> 8), UInt8(record.rdata.count & 0xff)]
            out += record.rdata
        }
        return out
    }

    /// A domain name as length-prefixed labels ending with the root.
    static func encodedName(_ name: String) -> [UInt8] {
        name.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    /// A loopback port with nothing listening on it (bound, read and released).
    static func closedPort() throws -> UInt16 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return try bind(fd, &address)
    }
}
