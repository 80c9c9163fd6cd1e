// The addresses `host.ip`/`host.mac` (and `observer.ip`/`observer.mac`) report, from getifaddrs(3): every
// address of every interface that is not a loopback one, interface by interface, IPv4 before IPv6; and the
// distinct hardware addresses of those interfaces, sorted. MACs are written the way ECS asks for them
// (RFC 7042 notation, upper case, dash-separated: `00-00-5E-00-53-23`), as current Beats do; older Beats
// wrote Go's `00:00:5e:00:53:23`.

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// One network interface.
struct NetworkInterface: Sendable, Equatable {
    var name: String
    var isLoopback = false
    var hardwareAddress: [UInt8] = []
    var ipv4: [String] = []
    var ipv6: [String] = []
}

enum NetworkInfo {
    /// The machine's interfaces, in the order the kernel lists them.
    @Sendable static func interfaces() -> [NetworkInterface] {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0, let first = head else { return [] }
        defer { freeifaddrs(head) }
        var order: [String] = []
        var byName: [String: NetworkInterface] = [:]
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            let name = String(cString: entry.pointee.ifa_name)
            if byName[name] == nil {
                order.append(name)
                byName[name] = NetworkInterface(
                    name: name, isLoopback: entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK) != 0)
            }
            guard let address = entry.pointee.ifa_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    let addr = sin.pointee.sin_addr
                    if let text = withUnsafeBytes(of: addr, { ntop(AF_INET, $0) }) { byName[name]?.ipv4.append(text) }
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    let addr = sin6.pointee.sin6_addr
                    if let text = withUnsafeBytes(of: addr, { ntop(AF_INET6, $0) }) { byName[name]?.ipv6.append(text) }
                }
            case AF_PACKET:
                byName[name]?.hardwareAddress = linkLayerAddress(UnsafeRawPointer(address))
            default:
                continue
            }
        }
        return order.compactMap { byName[$0] }
    }

    /// The `ip` and `mac` lists of `interfaces` (loopback interfaces left out).
    static func summary(_ interfaces: [NetworkInterface]) -> (ips: [String], macs: [String]) {
        let outside = interfaces.filter { !$0.isLoopback }
        let ips = outside.flatMap { $0.ipv4 + $0.ipv6 }
        let macs = Set(outside.filter { !$0.hardwareAddress.isEmpty }.map { mac($0.hardwareAddress) })
        return (ips, macs.sorted())
    }

    /// ECS notation of a hardware address: upper-case hex octets joined by dashes.
    static func mac(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0xF)]]) }.joined(separator: "-")
    }

    private static func ntop(_ family: Int32, _ address: UnsafeRawBufferPointer) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address.baseAddress, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address of a `sockaddr_ll` (packet(7)): `sll_halen` at byte 11, `sll_addr` (8 bytes) from byte 12.
    private static func linkLayerAddress(_ raw: UnsafeRawPointer) -> [UInt8] {
        let length = min(Int(raw.load(fromByteOffset: 11, as: UInt8.self)), 8)
        return (0..<length).map { raw.load(fromByteOffset: 12 + $0, as: UInt8.self) }
    }
}
