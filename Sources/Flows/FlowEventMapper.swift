// Mapping a flow record to a Packetbeat flow event (reference/packetbeat-config-and-flows.md "Flow events").
//
// Packetbeat keys and formats: `type: flow`, `event.{kind,category,type,action,dataset,start,end,duration}`,
// `flow.{id,final,vlan}`, `source`/`destination` `{ip,port,mac,bytes,packets}` (MACs lower case with colons;
// destination counters only once the destination has sent something), `network.{type,transport,bytes,
// packets,community_id}`. Our additions, documented in docs/FIELDS.md: `flow.end_reason` on final reports,
// `flow.ttfb` (nanoseconds from the first packet to the first payload from the destination), `related.ip`.

import Events
import FlowHash
import NetModel

/// Builds flow events from flow records.
public struct FlowEventMapper: Sendable {
    let communityID: CommunityID

    /// A mapper using Community ID `seed` (0 is what Packetbeat and Zeek use).
    public init(communityIDSeed: UInt16 = 0) {
        communityID = CommunityID(seed: communityIDSeed)
    }

    func event(for r: inout FlowRecord, at time: Timestamp, final: Bool, reason: FlowEndReason?) -> Event {
        let src = r.sourceEndpoint, dst = r.destinationEndpoint
        let proto = r.key.ipProtocol
        let hasPorts = proto == IPProtocolNumber.tcp || proto == IPProtocolNumber.udp
        if r.flowID == nil { r.flowID = PacketbeatFlowID.make(r) }
        if r.communityID == nil {
            let isICMP = proto == IPProtocolNumber.icmp || proto == IPProtocolNumber.icmpv6
            r.communityID = communityID.hash(
                src: src.ip, srcPort: isICMP ? UInt16(r.icmpType) : src.port,
                dst: dst.ip, dstPort: isICMP ? UInt16(r.icmpCode) : dst.port, ipProtocol: proto)
        }

        var event = Fields()
        event["kind"] = .string("event")
        event["category"] = .strings(["network"])
        event["type"] = .strings(final ? ["connection", "end"] : ["connection"])
        event["action"] = .string("network_flow")
        event["dataset"] = .string("flow")
        event["start"] = .timestamp(r.created)
        event["end"] = .timestamp(r.lastSeen)
        event["duration"] = .int((r.lastSeen - r.created).nanoseconds)

        var flow = Fields()
        flow["id"] = .string(r.flowID ?? "")
        flow["final"] = .bool(final)
        switch r.key.vlans.count {
        case 0: break
        case 1: flow["vlan"] = .uint(UInt64(r.key.vlans.outer))
        default: flow["vlan"] = .array([.uint(UInt64(r.key.vlans.outer)), .uint(UInt64(r.key.vlans.inner))])
        }
        if final, let reason { flow["end_reason"] = .string(reason.rawValue) }
        if let response = r.firstResponsePayload { flow["ttfb"] = .int((response - r.created).nanoseconds) }

        var source = Fields()
        source["ip"] = .string(src.ip.description)
        if hasPorts { source["port"] = .uint(UInt64(src.port)) }
        if r.hasMACs { source["mac"] = .string(r.sourceMAC.description) }
        source["bytes"] = .uint(r.bytes.source)
        source["packets"] = .uint(r.packets.source)

        var destination = Fields()
        destination["ip"] = .string(dst.ip.description)
        if hasPorts { destination["port"] = .uint(UInt64(dst.port)) }
        if r.hasMACs { destination["mac"] = .string(r.destinationMAC.description) }
        if r.packets.destination > 0 {
            destination["bytes"] = .uint(r.bytes.destination)
            destination["packets"] = .uint(r.packets.destination)
        }

        var network = Fields()
        network["type"] = .string(src.ip.isV4 ? "ipv4" : "ipv6")
        network["transport"] = .string(IPProtocolNumber.transportName(proto))
        network["community_id"] = .string(r.communityID ?? "")
        network["bytes"] = .uint(r.bytes.source &+ r.bytes.destination)
        network["packets"] = .uint(r.packets.source &+ r.packets.destination)

        var fields = Fields()
        fields["type"] = .string("flow")
        fields["event"] = .object(event)
        fields["flow"] = .object(flow)
        fields["source"] = .object(source)
        fields["destination"] = .object(destination)
        fields["network"] = .object(network)
        let ips = src.ip == dst.ip ? [src.ip.description] : [src.ip.description, dst.ip.description]
        fields["related"] = .object(["ip": .strings(ips)])
        return Event(timestamp: time, fields: fields)
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

    static func make(_ r: FlowRecord) -> String {
        var flags: UInt16 = 0
        // Offsets: eth, outer vlan, vlan, outer ipv4, ipv4, outer ipv6, ipv6, icmpv4, icmpv6, udp, tcp, conn id.
        var offsets = [UInt8](repeating: unset, count: 12)
        var body: [UInt8] = []
        var forward: Bool? = nil  // nil until a layer's two values differ

        func pair(_ a: [UInt8], _ b: [UInt8]) {
            if forward == nil, a != b { forward = a.lexicographicallyPrecedes(b) }
            if forward == false { body += b + a } else { body += a + b }
        }
        let src = r.sourceEndpoint, dst = r.destinationEndpoint
        var cntEth: UInt8 = 0, cntVLAN: UInt8 = 0
        if r.hasMACs {
            offsets[0] = UInt8(body.count)
            pair(macBytes(r.sourceMAC), macBytes(r.destinationMAC))
            flags |= ethFlow
            cntEth = 1
        }
        let vlans = r.key.vlans
        if vlans.count >= 1 {
            offsets[2] = UInt8(body.count)
            body += [UInt8(vlans.outer & 0xff), UInt8(vlans.outer >> 8)]
            flags |= vlanFlow
            cntVLAN = 1
            if vlans.count >= 2 {
                offsets[1] = offsets[2]
                offsets[2] = UInt8(body.count)
                body += [UInt8(vlans.inner & 0xff), UInt8(vlans.inner >> 8)]
                flags |= outerVLANFlow
                cntVLAN = 2
            }
        }
        offsets[src.ip.isV4 ? 4 : 6] = UInt8(body.count)
        pair(src.ip.bytes, dst.ip.bytes)
        flags |= src.ip.isV4 ? ipv4Flow : ipv6Flow
        switch r.key.ipProtocol {
        case IPProtocolNumber.icmp, IPProtocolNumber.icmpv6:
            let v4 = r.key.ipProtocol == IPProtocolNumber.icmp
            offsets[v4 ? 7 : 8] = UInt8(body.count)
            body += [UInt8(r.key.icmpID & 0xff), UInt8(r.key.icmpID >> 8)]
            flags |= v4 ? icmpv4Flow : icmpv6Flow
        case IPProtocolNumber.udp, IPProtocolNumber.tcp:
            let udp = r.key.ipProtocol == IPProtocolNumber.udp
            offsets[udp ? 9 : 10] = UInt8(body.count)
            pair([UInt8(src.port & 0xff), UInt8(src.port >> 8)], [UInt8(dst.port & 0xff), UInt8(dst.port >> 8)])
            flags |= udp ? udpFlow : tcpFlow
        default:
            break
        }
        let header: [UInt8] = [UInt8(flags & 0xff), UInt8(flags >> 8)] + offsets + [cntEth, cntVLAN, 1]
        return Base64.encode(header + body, padding: false)
    }

    static func macBytes(_ m: MACAddress) -> [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: m.value >> UInt64(40 - 8 * $0)) }
    }
}
