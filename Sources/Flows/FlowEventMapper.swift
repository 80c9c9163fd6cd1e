// Mapping a flow record to a Packetbeat flow event (reference/packetbeat-config-and-flows.md "Flow events").
//
// Packetbeat keys and formats: `type: flow`, `event.{kind,category,type,action,dataset,start,end,duration}`,
// `flow.{id,final,vlan}`, `source`/`destination` `{ip,port,mac,bytes,packets}` (MACs lower case with colons;
// destination counters only once the destination has sent something), `network.{type,transport,bytes,
// packets,community_id}`. Our additions, documented in docs/FIELDS.md: `flow.end_reason` on final reports,
// `flow.ttfb` (nanoseconds from the first packet to the first payload from the destination), `related.ip`.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Events
import FlowHash
import NetModel

/// Builds flow events from flow records.
public struct FlowEventMapper: Sendable {
    let communityID: CommunityID

    // Constant values shared by every event (copying them costs a retain, building them an allocation). The
    // lists are in `FlowEventCache`, one set per worker.
    static let kind = FieldValue.string("event")
    static let action = FieldValue.string("network_flow")
    static let dataset = FieldValue.string("flow")
    static let flowType = FieldValue.string("flow")
    static let ipv4 = FieldValue.string("ipv4")
    static let ipv6 = FieldValue.string("ipv6")

    /// True: every value `event(for:)` writes is a concrete value, never `.null`, so the pipeline need not look
    /// for nulls to remove (Tests/FlowsTests checks events of every shape for it).
    public static let eventsHoldNoNulls = true

    /// A mapper using Community ID `seed` (0 is what Packetbeat and Zeek use).
    public init(communityIDSeed: UInt16 = 0) {
        communityID = CommunityID(seed: communityIDSeed)
    }

    /// The Packetbeat flow event for `report`; `cache` holds what a worker's events repeat (one per thread).
    public func event(for report: FlowReport, cache: FlowEventCache = FlowEventCache()) -> Event {
        let r = report.record, time = report.time, final = report.final, reason = report.reason
        let src = r.sourceEndpoint, dst = r.destinationEndpoint
        let proto = r.key.ipProtocol
        let hasPorts = proto == IPProtocolNumber.tcp || proto == IPProtocolNumber.udp
        let isICMP = proto == IPProtocolNumber.icmp || proto == IPProtocolNumber.icmpv6
        // Recomputed per report rather than cached in the record, which stays free of references.
        let community = communityID.hash(
            src: src.ip, srcPort: isICMP ? UInt16(r.icmpType) : src.port,
            dst: dst.ip, dstPort: isICMP ? UInt16(r.icmpCode) : dst.port, ipProtocol: proto)

        let event = Fields(distinct: [
            .init(key: "kind", value: FlowEventMapper.kind),
            .init(key: "category", value: cache.category),
            .init(key: "type", value: final ? cache.typeEnd : cache.typeConnection),
            .init(key: "action", value: FlowEventMapper.action),
            .init(key: "dataset", value: FlowEventMapper.dataset),
            .init(key: "start", value: .timestamp(r.created)),
            .init(key: "end", value: .timestamp(r.lastSeen)),
            .init(key: "duration", value: .int((r.lastSeen - r.created).nanoseconds)),
        ])

        var flow = Fields(capacity: 5)
        flow.append("id", .string(PacketbeatFlowID.make(r)))
        flow.append("final", .bool(final))
        switch r.key.vlans.count {
        case 0: break
        case 1: flow.append("vlan", .uint(UInt64(r.key.vlans.outer)))
        default: flow.append("vlan", .array([.uint(UInt64(r.key.vlans.outer)), .uint(UInt64(r.key.vlans.inner))]))
        }
        if final, let reason { flow.append("end_reason", .string(reason.rawValue)) }
        if r.firstResponsePayload != .zero { flow.append("ttfb", .int((r.firstResponsePayload - r.created).nanoseconds)) }

        let srcIP = src.ip.description, dstIP = dst.ip.description
        var source: Fields
        if hasPorts && r.hasMACs {
            // The usual shape, made as one literal (`Fields(distinct:)`).
            source = Fields(distinct: [
                .init(key: "ip", value: .string(srcIP)),
                .init(key: "port", value: .uint(UInt64(src.port))),
                .init(key: "mac", value: .string(cache.text(of: r.sourceMAC))),
                .init(key: "bytes", value: .uint(r.bytes.source)),
                .init(key: "packets", value: .uint(r.packets.source)),
            ])
        } else {
            source = Fields(capacity: 4)
            source.append("ip", .string(srcIP))
            if hasPorts { source.append("port", .uint(UInt64(src.port))) }
            if r.hasMACs { source.append("mac", .string(cache.text(of: r.sourceMAC))) }
            source.append("bytes", .uint(r.bytes.source))
            source.append("packets", .uint(r.packets.source))
        }

        var destination = Fields(capacity: 6)
        destination.append("ip", .string(dstIP))
        if hasPorts { destination.append("port", .uint(UInt64(dst.port))) }
        if r.hasMACs { destination.append("mac", .string(cache.text(of: r.destinationMAC))) }
        if r.packets.destination > 0 {
            destination.append("bytes", .uint(r.bytes.destination))
            destination.append("packets", .uint(r.packets.destination))
        }

        var network = Fields(capacity: 7)
        network.append("type", src.ip.isV4 ? FlowEventMapper.ipv4 : FlowEventMapper.ipv6)
        network.append("transport", .string(IPProtocolNumber.transportName(proto)))
        network.append("community_id", .string(community))
        network.append("bytes", .uint(report.networkBytes))
        network.append("packets", .uint(report.networkPackets))

        // Room beyond what is built here for what the pipeline adds (agent, host, ...) and what processors
        // commonly add (network.direction, tags, observer, a converted port): growing an array reallocates it.
        var fields = Fields(capacity: 14)
        fields.append("type", FlowEventMapper.flowType)
        // Each object moves into the event: a copy would be a retain now and a release at the end of this scope,
        // both atomic, for each of the five.
        fields.append("event", .object(consume event))
        fields.append("flow", .object(consume flow))
        fields.append("source", .object(consume source))
        fields.append("destination", .object(consume destination))
        fields.append("network", .object(consume network))
        let ips: FieldValue = srcIP == dstIP ? .array([.string(srcIP)]) : .array([.string(srcIP), .string(dstIP)])
        fields.append("related", .object(Fields(distinct: [.init(key: "ip", value: ips)])))
        return Event(timestamp: time, fields: fields)
    }
}

/// What the flow events one thread builds repeat, formatted once: the text of the MAC addresses seen last. A
/// host's flows nearly all name the same few (its own, its gateway's), and formatting one makes a 17-byte string
/// in its own allocation. Not thread-safe: one per publish worker.
public final class FlowEventCache {
    /// Addresses kept, replaced in turn.
    static let macSlots = 8
    // The constant lists of every flow event, made per worker: each event retains them when built and releases
    // them when freed, and lists shared by all workers had cores contending for their reference counts.
    let category = FieldValue.strings(["network"])
    let typeConnection = FieldValue.strings(["connection"])
    let typeEnd = FieldValue.strings(["connection", "end"])
    private var macs: [(value: UInt64, text: String)] = []
    private var nextSlot = 0

    public init() { macs.reserveCapacity(Self.macSlots) }

    /// `mac`'s text (`MACAddress.description`).
    func text(of mac: MACAddress) -> String {
        for i in macs.indices where macs[i].value == mac.value { return macs[i].text }
        let text = mac.description
        if macs.count < Self.macSlots {
            macs.append((mac.value, text))
        } else {
            macs[nextSlot] = (mac.value, text)
            nextSlot = (nextSlot + 1) % Self.macSlots
        }
        return text
    }
}

/// Packetbeat's `flow.id`: unpadded standard base64 of a 17-byte header (flags, offsets, counts) followed by
/// the identifying bytes of each layer (MACs, VLAN ids, addresses, ICMP id, ports), with each address pair
/// written in the order fixed by the first layer whose two values differ. Reproducing it keeps flow ids
/// stable across a fleet that mixes Packetbeat and wirebeat during a migration.
enum PacketbeatFlowID {
    // Flag bits and layout as Packetbeat's flow id serialisation defines them.
    static let ethFlow: UInt16 = 1 << 0, outerVLANFlow: UInt16 = 1 << 1, vlanFlow: UInt16 = 1 << 2
    static let ipv4Flow: UInt16 = 1 << 4, ipv6Flow: UInt16 = 1 << 6
    static let icmpv4Flow: UInt16 = 1 << 7, icmpv6Flow: UInt16 = 1 << 8, udpFlow: UInt16 = 1 << 9, tcpFlow: UInt16 = 1 << 10
    static let unset: UInt8 = 0xff

    /// The most bytes an id takes: the header, two MACs, two VLAN ids, two IPv6 addresses, two ports.
    static let maxLength = 17 + 12 + 4 + 32 + 4

    static func make(_ r: FlowRecord) -> String {
        // Built on the stack (one of these goes into every flow event).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLength) { out in
            // Header: flags (2, little-endian), 12 layer offsets, 3 counts; then the identifying bytes.
            let base = 17
            out.initialize(repeating: unset)
            var count = base
            var flags: UInt16 = 0
            var forward: Bool? = nil  // nil until a layer's two values differ

            func append(_ bytes: UnsafeRawBufferPointer) {
                UnsafeMutableRawPointer(out.baseAddress! + count).copyMemory(
                    from: bytes.baseAddress!, byteCount: bytes.count)
                count += bytes.count
            }
            func pair(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) {
                if forward == nil {
                    let order = memcmp(a.baseAddress!, b.baseAddress!, a.count)
                    if order != 0 { forward = order < 0 }
                }
                if forward == false {
                    append(b)
                    append(a)
                } else {
                    append(a)
                    append(b)
                }
            }
            func offset(_ i: Int) { out[2 + i] = UInt8(count - base) }
            func appendLittleEndian(_ value: UInt16) {
                out[count] = UInt8(value & 0xff)
                out[count + 1] = UInt8(value >> 8)
                count += 2
            }

            let src = r.sourceEndpoint, dst = r.destinationEndpoint
            var cntEth: UInt8 = 0, cntVLAN: UInt8 = 0
            if r.hasMACs {
                offset(0)
                var a = r.sourceMAC.value.bigEndian, b = r.destinationMAC.value.bigEndian
                withUnsafeBytes(of: &a) { pa in withUnsafeBytes(of: &b) { pb in
                    pair(UnsafeRawBufferPointer(rebasing: pa[2..<8]), UnsafeRawBufferPointer(rebasing: pb[2..<8]))
                } }
                flags |= ethFlow
                cntEth = 1
            }
            let vlans = r.key.vlans
            if vlans.count >= 1 {
                offset(2)
                appendLittleEndian(vlans.outer)
                flags |= vlanFlow
                cntVLAN = 1
                if vlans.count >= 2 {
                    out[2 + 1] = out[2 + 2]
                    offset(2)
                    appendLittleEndian(vlans.inner)
                    flags |= outerVLANFlow
                    cntVLAN = 2
                }
            }
            offset(src.ip.isV4 ? 4 : 6)
            var sa = (src.ip.high.bigEndian, src.ip.low.bigEndian), da = (dst.ip.high.bigEndian, dst.ip.low.bigEndian)
            let range = src.ip.isV4 ? 12..<16 : 0..<16
            withUnsafeBytes(of: &sa) { pa in withUnsafeBytes(of: &da) { pb in
                pair(UnsafeRawBufferPointer(rebasing: pa[range]), UnsafeRawBufferPointer(rebasing: pb[range]))
            } }
            flags |= src.ip.isV4 ? ipv4Flow : ipv6Flow
            switch r.key.ipProtocol {
            case IPProtocolNumber.icmp, IPProtocolNumber.icmpv6:
                let v4 = r.key.ipProtocol == IPProtocolNumber.icmp
                offset(v4 ? 7 : 8)
                appendLittleEndian(r.key.icmpID)
                flags |= v4 ? icmpv4Flow : icmpv6Flow
            case IPProtocolNumber.udp, IPProtocolNumber.tcp:
                let udp = r.key.ipProtocol == IPProtocolNumber.udp
                offset(udp ? 9 : 10)
                var sp = src.port.littleEndian, dp = dst.port.littleEndian
                withUnsafeBytes(of: &sp) { pa in withUnsafeBytes(of: &dp) { pb in pair(pa, pb) } }
                flags |= udp ? udpFlow : tcpFlow
            default:
                break
            }
            out[0] = UInt8(flags & 0xff)
            out[1] = UInt8(flags >> 8)
            out[14] = cntEth
            out[15] = cntVLAN
            out[16] = 1
            return Base64.encode(UnsafeRawBufferPointer(start: out.baseAddress, count: count), padding: false)
        }
    }
}
