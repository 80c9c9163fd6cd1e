// The network part of `wirebeat test output` for Kafka (libbeat reference §6): for each bootstrap host, Beats'
// test dialer steps — parse host, dns lookup, addresses, dial up — and their console rendering. Like Beats it
// only opens a TCP connection: no TLS handshake, SASL or Kafka request, so it runs without librdkafka.

#if canImport(Glibc)
    import Glibc
#endif

/// One step of a host check. A passing step with a `detail` is informational (`addresses: ...`).
public struct HostCheckStep: Sendable, Equatable {
    /// What was checked: "parse host", "dns lookup", "addresses" or "dial up".
    public let name: String
    /// Whether it worked.
    public let ok: Bool
    /// The reason of a failure, or the information an informational step reports.
    public let detail: String?

    /// A step.
    public init(name: String, ok: Bool, detail: String? = nil) {
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}

/// Beats' connectivity check of one `output.kafka.hosts` entry.
public enum HostCheck {
    /// The port used when a host has none, as librdkafka does.
    public static let defaultPort: UInt16 = 9092

    /// For one `host:port` entry (port defaults to 9092; IPv6 in brackets): parse host, dns lookup (getaddrinfo),
    /// addresses, dial up (non-blocking TCP connect with `timeout` seconds to each address until one works).
    public static func run(host: String, timeout: Double) -> [HostCheckStep] {
        let endpoint: (host: String, port: UInt16)
        switch parse(host) {
        case .success(let parsed): endpoint = parsed
        case .failure(let error): return [HostCheckStep(name: "parse host", ok: false, detail: error.reason)]
        }
        var steps = [HostCheckStep(name: "parse host", ok: true)]
        let addresses: [SocketAddress]
        switch resolve(endpoint.host, port: endpoint.port) {
        case .success(let resolved): addresses = resolved
        case .failure(let error):
            steps.append(HostCheckStep(name: "dns lookup", ok: false, detail: error.reason))
            return steps
        }
        steps.append(HostCheckStep(name: "dns lookup", ok: true))
        steps.append(
            HostCheckStep(name: "addresses", ok: true, detail: addresses.map(\.host).joined(separator: ", ")))
        var failures: [String] = []
        for address in addresses {
            guard let reason = dial(address, timeout: timeout) else {
                steps.append(HostCheckStep(name: "dial up", ok: true))
                return steps
            }
            failures.append("\(address.hostPort): \(reason)")
        }
        steps.append(HostCheckStep(name: "dial up", ok: false, detail: failures.joined(separator: "; ")))
        return steps
    }

    /// Beats' rendering: "Kafka: <host>...\n  parse host... OK\n  dns lookup... OK\n  addresses: 127.0.0.1\n
    /// dial up... OK" (failures: "... ERROR <reason>"); `color` adds green OK / red ERROR for a TTY.
    /// Every line, the last included, ends with a newline, so the sections of several hosts concatenate.
    public static func render(host: String, steps: [HostCheckStep], color: Bool) -> String {
        let ok = color ? "\u{1B}[32mOK\u{1B}[0m" : "OK"
        let error = color ? "\u{1B}[31mERROR\u{1B}[0m" : "ERROR"
        var text = "Kafka: \(host)...\n"
        for step in steps {
            if step.ok, let detail = step.detail {
                text += "  \(step.name): \(detail)\n"
            } else if step.ok {
                text += "  \(step.name)... \(ok)\n"
            } else {
                text += "  \(step.name)... \(error)" + (step.detail.map { " \($0)" } ?? "") + "\n"
            }
        }
        return text
    }

    struct Failure: Error {
        let reason: String
    }

    /// Splits `host[:port]` or `[ipv6][:port]` as Go's net.SplitHostPort does, with librdkafka's default port.
    static func parse(_ entry: String) -> Result<(host: String, port: UInt16), Failure> {
        guard let start = entry.firstIndex(where: { !$0.isWhitespace }),
            let end = entry.lastIndex(where: { !$0.isWhitespace })
        else { return .failure(Failure(reason: "empty host")) }
        let trimmed = entry[start...end]
        let host: Substring
        let portText: Substring?
        if trimmed.first == "[" {
            guard let close = trimmed.firstIndex(of: "]") else {
                return .failure(Failure(reason: "missing ']' in address \"\(trimmed)\""))
            }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            if rest.isEmpty {
                portText = nil
            } else if rest.first == ":" {
                portText = rest.dropFirst()
            } else {
                return .failure(Failure(reason: "unexpected \"\(rest)\" after ']' in address \"\(trimmed)\""))
            }
        } else {
            let colons = trimmed.filter { $0 == ":" }.count
            guard colons <= 1 else {
                return .failure(
                    Failure(reason: "too many colons in address \"\(trimmed)\" (write IPv6 as [::1]:9092)"))
            }
            let colon = trimmed.firstIndex(of: ":")
            host = trimmed[..<(colon ?? trimmed.endIndex)]
            portText = colon.map { trimmed[trimmed.index(after: $0)...] }
        }
        guard !host.isEmpty else { return .failure(Failure(reason: "missing host in address \"\(trimmed)\"")) }
        guard let portText else { return .success((String(host), defaultPort)) }
        guard !portText.isEmpty else { return .failure(Failure(reason: "missing port in address \"\(trimmed)\"")) }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(Failure(reason: "invalid port \"\(portText)\" in address \"\(trimmed)\""))
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            return .failure(Failure(reason: "port \(portText) out of range (1 to 65535)"))
        }
        return .success((String(host), UInt16(port)))
    }

    /// A resolved address, kept as the socket address connect(2) takes.
    struct SocketAddress {
        var storage = sockaddr_storage()
        var length: socklen_t
        var family: Int32
        /// The numeric address, as Beats prints it.
        var host: String
        var port: UInt16

        /// `address:port`, with IPv6 in brackets.
        var hostPort: String { family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    private static func resolve(_ host: String, port: UInt16) -> Result<[SocketAddress], Failure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            return .failure(Failure(reason: "lookup \(host): \(reason)"))
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = list
        while let entry = next?.pointee {
            next = entry.ai_next
            guard let raw = entry.ai_addr, entry.ai_addrlen <= MemoryLayout<sockaddr_storage>.size else { continue }
            var address = SocketAddress(length: entry.ai_addrlen, family: entry.ai_family, host: "", port: port)
            withUnsafeMutableBytes(of: &address.storage) {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: Int(entry.ai_addrlen)))
            }
            var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(raw, entry.ai_addrlen, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST) == 0 else {
                continue
            }
            address.host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !addresses.contains(where: { $0.host == address.host }) { addresses.append(address) }
        }
        guard !addresses.isEmpty else { return .failure(Failure(reason: "lookup \(host): no addresses")) }
        return .success(addresses)
    }

    /// Connects without blocking longer than `timeout` seconds; nil when the connection was made, else why not.
    private static func dial(_ address: SocketAddress, timeout: Double) -> String? {
        let fd = socket(
            address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return errorText(errno) }
        defer { close(fd) }
        var storage = address.storage
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if status == 0 { return nil }
        guard errno == EINPROGRESS else { return errorText(errno) }
        let deadline = now() + max(timeout, 0)
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let remaining = deadline - now()
            guard remaining > 0 else { return "timed out after \(seconds(timeout))" }
            let ready = poll(&descriptor, 1, Int32(min((remaining * 1000).rounded(.up), Double(Int32.max))))
            if ready > 0 { break }
            if ready < 0 && errno != EINTR { return errorText(errno) }
        }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0 else { return errorText(errno) }
        return failure == 0 ? nil : errorText(failure)
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// `strerror` in Go's lower-case style ("connection refused"), the wording Beats users see.
    private static func errorText(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))s" : "\(value)s"
    }
}
