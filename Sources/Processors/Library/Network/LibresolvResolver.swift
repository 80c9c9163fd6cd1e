// The dns processor's resolver: glibc's stub resolver (libresolv), never the system's name service switch,
// so `/etc/hosts` plays no part, as Beats' own resolver ignores it. One `res_state` per processor, set up by
// `res_ninit` (which reads /etc/resolv.conf) and then given the configured nameservers: IPv4 ones in
// `nsaddr_list`, whose `sockaddr_in` carries the port, so `127.0.0.1:5353` works; IPv6 ones in the
// `_u._ext.nsaddrs` slots glibc's `res_ninit` itself fills for IPv6 entries of resolv.conf (`res_nclose`
// frees them). Queries go through `res_nquery`; answers are read with `ns_initparse`, `ns_parserr` and
// `dn_expand`. A `res_state` is not thread-safe, so it lives behind a `Mutex`.
//
// Deliberate differences from Beats (its resolver is miekg/dns):
// - libresolv counts its timeout in whole seconds (`retrans`), so `timeout` is rounded up to a whole number of
//   seconds, at least one: the default 500ms waits up to 1s per nameserver.
// - libresolv tracks at most three nameservers (MAXNS); more are a configuration error.
// - nameservers must be IP addresses (optionally with a port); Beats would also accept host names.
// - a SERVFAIL or REFUSED answer makes libresolv try the next nameserver, where Beats gives up; a truncated
//   answer is retried over TCP, where Beats would fail.

#if canImport(Glibc)
    import CResolv
    import Foundation
    import Glibc
    import NetModel
    import Synchronization

    /// Lookups through one libresolv context.
    final class LibresolvResolver: DNSResolving {
        /// The nameservers queried, in order; nil when they come from /etc/resolv.conf.
        let nameservers: [DNSNameserver]?
        /// The per-nameserver wait libresolv uses, in whole seconds.
        let timeoutSeconds: Int32
        private let context: Mutex<ResolverContext>

        /// A resolver using `nameservers` (or those of /etc/resolv.conf when nil), waiting `timeout` per server.
        init(nameservers: [DNSNameserver]?, timeout: Duration) throws(DNSLookupError) {
            self.nameservers = nameservers
            let whole = timeout.components.seconds + (timeout.components.attoseconds > 0 ? 1 : 0)
            timeoutSeconds = Int32(clamping: max(1, whole))
            context = Mutex(try ResolverContext(nameservers: nameservers, timeoutSeconds: timeoutSeconds))
        }

        func resolve(_ query: String, type: DNSQueryType) -> Result<DNSAnswer, DNSLookupError> {
            let name: String
            if type == .ptr {
                guard let address = NetworkValues.address(query) else {
                    return .failure(DNSLookupError("unrecognized address: \(query)"))
                }
                name = LibresolvResolver.reverseName(address)
            } else {
                name = query.hasSuffix(".") ? query : query + "."
            }
            return context.withLock { $0.query(name, type: type) }
        }

        /// The `in-addr.arpa` or `ip6.arpa` name of `address` (RFC 1035 §3.5, RFC 3596 §2.5).
        static func reverseName(_ address: IPAddress) -> String {
            let bytes = address.bytes.reversed()
            if address.isV4 { return bytes.map { String($0) }.joined(separator: ".") + ".in-addr.arpa." }
            let nibbles = bytes.flatMap { [String($0 & 0x0f, radix: 16), String($0 >> 4, radix: 16)] }
            return nibbles.joined(separator: ".") + ".ip6.arpa."
        }

        /// True when the resolv.conf at `path` names at least one nameserver (glibc would otherwise quietly
        /// fall back to 127.0.0.1, where Beats refuses to start).
        static func resolvConfHasNameserver(path: String = "/etc/resolv.conf") -> Bool {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
            return text.split(whereSeparator: \.isNewline).contains { line in
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                return words.count >= 2 && words[0] == "nameserver"
            }
        }
    }

    /// One `res_state` and its answer buffer; used only under the resolver's lock.
    private final class ResolverContext {
        let state: UnsafeMutablePointer<__res_state>
        let timeoutSeconds: Int32
        /// Room for the largest DNS message (a TCP answer can reach 64 KiB).
        var answer = [UInt8](repeating: 0, count: 65536)

        init(nameservers: [DNSNameserver]?, timeoutSeconds: Int32) throws(DNSLookupError) {
            state = try ResolverContext.initializedState()
            self.timeoutSeconds = timeoutSeconds
            state.pointee.retrans = timeoutSeconds
            state.pointee.retry = 1
            // Beats asks the servers in the order listed, over UDP; resolv.conf may have said otherwise.
            state.pointee.options &= ~UInt(RES_ROTATE | RES_USEVC)
            if let nameservers { install(nameservers) }
        }

        deinit {
            __res_nclose(state)
            state.deallocate()
        }

        private static func initializedState() throws(DNSLookupError) -> UnsafeMutablePointer<__res_state> {
            let state = UnsafeMutablePointer<__res_state>.allocate(capacity: 1)
            state.initialize(to: __res_state())
            guard __res_ninit(state) == 0 else {
                state.deallocate()
                throw DNSLookupError("res_ninit failed: \(String(cString: strerror(errno)))")
            }
            return state
        }

        /// Replaces the nameservers res_ninit read from resolv.conf.
        private func install(_ nameservers: [DNSNameserver]) {
            let slots = Int(MAXNS)
            withUnsafeMutablePointer(to: &state.pointee._u._ext.nsaddrs) { tuple in
                tuple.withMemoryRebound(to: UnsafeMutablePointer<sockaddr_in6>?.self, capacity: slots) { ipv6 in
                    for i in 0..<slots {
                        free(ipv6[i])
                        ipv6[i] = nil
                    }
                    for (i, server) in nameservers.prefix(slots).enumerated() where !server.address.isV4 {
                        ipv6[i] = ResolverContext.allocatedIPv6Address(server)
                    }
                }
            }
            withUnsafeMutablePointer(to: &state.pointee.nsaddr_list) { tuple in
                tuple.withMemoryRebound(to: sockaddr_in.self, capacity: slots) { ipv4 in
                    for i in 0..<slots {
                        // A zero family tells glibc to use the IPv6 slot of the same index.
                        ipv4[i] = sockaddr_in()
                    }
                    for (i, server) in nameservers.prefix(slots).enumerated() where server.address.isV4 {
                        ipv4[i].sin_family = sa_family_t(AF_INET)
                        ipv4[i].sin_port = server.port.bigEndian
                        ipv4[i].sin_addr.s_addr = server.address.v4Value.bigEndian
                    }
                }
            }
            state.pointee.nscount = Int32(min(nameservers.count, slots))
            // Makes res_send rebuild its private copy of the list (and open sockets) on the next query.
            state.pointee._u._ext.nscount = 0
        }

        private static func allocatedIPv6Address(_ server: DNSNameserver) -> UnsafeMutablePointer<sockaddr_in6> {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = server.port.bigEndian
            let bytes = server.address.bytes
            withUnsafeMutableBytes(of: &address.sin6_addr) { raw in
                for (i, byte) in bytes.enumerated() { raw[i] = byte }
            }
            // malloc, not Swift allocation: res_nclose releases it with free().
            let memory = malloc(MemoryLayout<sockaddr_in6>.size)!.bindMemory(to: sockaddr_in6.self, capacity: 1)
            memory.initialize(to: address)
            return memory
        }

        func query(_ name: String, type: DNSQueryType) -> Result<DNSAnswer, DNSLookupError> {
            errno = 0
            let internetClass: Int32 = 1  // RFC 1035 §3.2.4, IN
            let length = answer.withUnsafeMutableBufferPointer { buffer in
                res_nquery(state, name, internetClass, Int32(type.rawValue), buffer.baseAddress, Int32(buffer.count))
            }
            guard length >= 0 else { return .failure(failure(type: type, transportError: errno)) }
            return answer.withUnsafeBufferPointer { buffer in
                DNSAnswerReader.read(UnsafeBufferPointer(rebasing: buffer[..<min(Int(length), buffer.count)]), type)
            }
        }

        /// Why res_nquery failed, from the h_errno it left in the state and the errno of the exchange.
        private func failure(type: DNSQueryType, transportError: Int32) -> DNSLookupError {
            switch state.pointee.res_h_errno {
            case HOST_NOT_FOUND:
                return DNSLookupError("nameserver returned NXDOMAIN")
            case NO_DATA:
                return DNSLookupError("no \(type.mnemonic) resource records were found in the response")
            case NO_RECOVERY:
                return DNSLookupError("nameserver returned FORMERR, NOTIMP or REFUSED")
            case TRY_AGAIN where transportError == ECONNREFUSED:
                return DNSLookupError("no nameserver is listening (connection refused)")
            case TRY_AGAIN where transportError == ETIMEDOUT:
                return DNSLookupError(
                    "no answer within \(timeoutSeconds)s from any nameserver (timeout, or SERVFAIL/REFUSED from each)")
            case TRY_AGAIN:
                return DNSLookupError("nameserver returned SERVFAIL")
            case let code:
                let reason = transportError != 0 ? String(cString: strerror(transportError)) : "h_errno \(code)"
                return DNSLookupError("lookup failed: \(reason)")
            }
        }
    }
#endif
