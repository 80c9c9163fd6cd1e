// `packetbeat.interfaces`: what to capture from. Packetbeat 7/8 write one map; the list form captures
// from several devices at once. wirebeat captures through libpcap only, so `type: af_packet` is accepted
// with a warning and its options (buffer size, fanout group) apply to libpcap where they can.

import NetModel

/// One capture source.
public struct InterfaceSettings: Sendable, Equatable {
    /// How a device is named.
    public enum Device: Sendable, Equatable, CustomStringConvertible {
        /// A device name (`any`, `eth0`, `default_route`).
        case name(String)
        /// An index into the device list that `wirebeat devices` prints.
        case index(Int)

        /// The name, or the index as text.
        public var description: String {
            switch self {
            case .name(let name): return name
            case .index(let index): return String(index)
            }
        }
    }

    /// `type`: the capture mechanism the user asked for.
    public enum CaptureType: String, Sendable, Equatable {
        /// libpcap.
        case pcap
        /// Linux AF_PACKET in Packetbeat; wirebeat still captures through libpcap.
        case afPacket = "af_packet"
    }

    /// `device` (default `any`).
    public var device: Device = .name("any")
    /// `type` (default pcap).
    public var type: CaptureType = .pcap
    /// `snaplen`: bytes kept per packet (default 65535, 1...262144).
    public var snaplen = 65535
    /// `buffer_size_mb`: the kernel capture buffer in MiB (default 30).
    public var bufferSizeMB = 30
    /// `bpf_filter`: replaces the generated filter when not empty.
    public var bpfFilter = ""
    /// `with_vlans`: add VLAN variants to the generated filter.
    public var withVLANs = false
    /// `ignore_outgoing`: drop packets this host sent.
    public var ignoreOutgoing = false
    /// `internal_networks`: for `network.direction` (default [private]).
    public var internalNetworks: [NetworkRange] = [.named(.private)]
    /// `poll_default_route`: how often to re-resolve `default_route` devices (at least 1s); nil is off.
    public var pollDefaultRoute: TimeSpan?
    /// `file`: read this pcap/pcapng file instead of a device (the same as `-I`).
    public var file: String?
    /// `loop`: how many times to read `file` (default 1; 0 is forever).
    public var loop = 1
    /// `topspeed`: replay `file` without pacing (the same as `-t`).
    public var topSpeed = false
    /// `dumpfile`: also write captured packets to pcap files with this base name.
    public var dumpFile: String?
    /// `fanout_group`: accepted with af_packet only, as in Packetbeat.
    public var fanoutGroup: Int?
    /// `metrics_interval`: how often capture statistics are sampled; nil for the default.
    public var metricsInterval: TimeSpan?
    /// `promiscuous` (wirebeat's own, default true): open the device in promiscuous mode.
    public var promiscuous = true
    /// `auto_promisc_mode`: accepted for compatibility; `promiscuous` is what wirebeat applies.
    public var autoPromiscuousMode = false

    /// The defaults: `any` device, pcap, snaplen 65535.
    public init() {}
}

enum InterfaceDecoder {
    /// The largest snapshot length libpcap accepts (MAXIMUM_SNAPLEN).
    static let maxSnaplen = 262_144

    /// Decodes the map form or the list form; absent means one default interface.
    static func decodeAll(_ cursor: Cursor, context: inout DecodeContext) throws(ConfigError) -> [InterfaceSettings] {
        guard cursor.isSet else { return [InterfaceSettings()] }
        var out: [InterfaceSettings] = []
        if let node = cursor.node, node.listElements != nil {
            let elements = try cursor.list() ?? []
            guard !elements.isEmpty else { throw cursor.error("must list at least one interface") }
            for element in elements { out.append(try decode(element, context: &context)) }
        } else {
            out.append(try decode(cursor, context: &context))
        }
        // Packetbeat refuses two configurations for one device: they would capture every packet twice.
        var seen = Set<String>()
        for (index, interface) in out.enumerated() where interface.file == nil {
            let name = interface.device.description
            guard seen.insert(name).inserted else {
                let at = out.count > 1 ? cursor[String(index)] : cursor
                throw at["device"].isSet
                    ? at["device"].error("duplicated device configurations: \(name)")
                    : at.error("duplicated device configurations: \(name)")
            }
        }
        return out
    }

    static func decode(_ cursor: Cursor, context: inout DecodeContext) throws(ConfigError) -> InterfaceSettings {
        guard cursor.node?.mapEntries != nil else {
            throw cursor.error("expected a map of interface settings, got \(cursor.node?.shapeName ?? "nothing")")
        }
        var out = InterfaceSettings()
        let device = cursor["device"]
        if let text = try device.string(), !text.isEmpty {
            out.device = text.allSatisfy({ $0.isASCII && $0.isNumber }) ? .index(Int(text) ?? 0) : .name(text)
        }
        out.type =
            try cursor["type"].choice(["pcap": .pcap, "af_packet": .afPacket], caseInsensitive: true) ?? .pcap
        if out.type == .afPacket {
            context.warn(
                cursor["type"],
                "af_packet is not available in wirebeat; capturing through libpcap with the same device and filter")
        }
        out.snaplen = try cursor["snaplen"].int(default: 65535, in: 1...maxSnaplen)
        out.bufferSizeMB = try cursor["buffer_size_mb"].int(default: 30, in: 1...Int.max)
        out.bpfFilter = try cursor["bpf_filter"].string(default: "")
        out.withVLANs = try cursor["with_vlans"].bool(default: false)
        out.ignoreOutgoing = try cursor["ignore_outgoing"].bool(default: false)
        if let networks = try cursor["internal_networks"].list() {
            out.internalNetworks = []
            for element in networks {
                guard let text = try element.string() else { throw element.error("expected a network, got null") }
                guard let range = NetworkRange(text) else {
                    let names = NamedNetwork.allCases.map(\.rawValue).joined(separator: ", ")
                    throw element.error(
                        "invalid network \"\(text)\" (use a CIDR such as 10.0.0.0/8 or one of: \(names))")
                }
                out.internalNetworks.append(range)
            }
        }
        if let poll = try cursor["poll_default_route"].duration(), poll > .zero {
            // Packetbeat raises shorter periods to one second rather than failing.
            out.pollDefaultRoute = max(poll, .seconds(1))
        }
        out.file = try cursor["file"].nonEmptyString()
        out.loop = try cursor["loop"].int(default: 1, in: 0...Int.max)
        out.topSpeed = try cursor["topspeed"].bool(default: false)
        out.dumpFile = try cursor["dumpfile"].nonEmptyString()
        out.fanoutGroup = try cursor["fanout_group"].int(in: 0...65535)
        if out.fanoutGroup != nil && out.type != .afPacket {
            throw cursor["fanout_group"].keyError("fanout_group is only valid with af_packet type")
        }
        if let interval = try cursor["metrics_interval"].duration() {
            guard interval > .zero else { throw cursor["metrics_interval"].error("must be greater than 0") }
            out.metricsInterval = interval
        }
        out.promiscuous = try cursor["promiscuous"].bool(default: true)
        out.autoPromiscuousMode = try cursor["auto_promisc_mode"].bool(default: false)
        return out
    }
}
