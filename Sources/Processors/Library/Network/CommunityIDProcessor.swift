// `community_id` (reference/libbeat.md §4.5): the Community ID v1 flow hash of an event's addresses, ports
// and IP protocol, written to `network.community_id`. The hash itself is the FlowHash target's `CommunityID`,
// the one wirebeat's flows use; this file only gathers its inputs from the event the way libbeat's processor
// does: addresses from IP strings, the protocol from `network.iana_number` or else `network.transport` (a
// name or a number), ports for TCP, UDP and SCTP, ICMP type and code for ICMP and ICMPv6 (zero when absent).
// Whenever an input is missing or unusable the event is left as it is, silently, as in Beats; an event that
// already has the target is left alone too.
//
// Deliberate difference: libbeat truncates an ICMP type or code, or a protocol number, above 255 to its low
// byte (`uint8(v)`), so a protocol number of 262 hashes as TCP; here such values count as unusable.

import Events
import FlowHash
import NetModel

/// The event fields `community_id` reads, each one overridable under `fields`.
struct CommunityIDFields: Sendable, Equatable {
    var sourceIP = "source.ip"
    var sourcePort = "source.port"
    var destinationIP = "destination.ip"
    var destinationPort = "destination.port"
    var ianaNumber = "network.iana_number"
    var transport = "network.transport"
    var icmpType = "icmp.type"
    var icmpCode = "icmp.code"

    /// The option names under `fields`.
    static let options = [
        "source_ip", "source_port", "destination_ip", "destination_port", "iana_number", "transport", "icmp_type",
        "icmp_code",
    ]

    /// Sets the field read for `option` (one of `options`).
    mutating func set(_ option: String, _ path: String) {
        switch option {
        case "source_ip": sourceIP = path
        case "source_port": sourcePort = path
        case "destination_ip": destinationIP = path
        case "destination_port": destinationPort = path
        case "iana_number": ianaNumber = path
        case "transport": transport = path
        case "icmp_type": icmpType = path
        case "icmp_code": icmpCode = path
        default: break
        }
    }
}

/// `community_id`: adds the Community ID of the event's flow.
struct CommunityIDProcessor: Processor {
    let fields: CommunityIDFields
    let target: EventPath
    let hasher: CommunityID
    var name: String { "community_id" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        guard !event.has(target), let id = communityID(of: event) else { return .keep }
        event.put(target, .string(id))
        return .keep
    }

    /// The hash of the event's flow, or nil when an input is missing or unusable.
    func communityID(of event: Event) -> String? {
        guard let source = event.value(at: fields.sourceIP).flatMap(NetworkValues.address),
            let destination = event.value(at: fields.destinationIP).flatMap(NetworkValues.address)
        else { return nil }
        // The IANA number wins when the field exists at all, even when it is unusable (as in Beats).
        guard let protocolValue = event.value(at: fields.ianaNumber) ?? event.value(at: fields.transport),
            let ipProtocol = CommunityIDProcessor.protocolNumber(protocolValue)
        else { return nil }

        var sourcePort: UInt16 = 0
        var destinationPort: UInt16 = 0
        switch ipProtocol {
        case IPProtocolNumber.tcp, IPProtocolNumber.udp, IPProtocolNumber.sctp:
            guard let s = port(at: fields.sourcePort, in: event), let d = port(at: fields.destinationPort, in: event)
            else { return nil }
            (sourcePort, destinationPort) = (s, d)
        case IPProtocolNumber.icmp, IPProtocolNumber.icmpv6:
            // CommunityID takes the ICMP type and code in the port slots; both or neither, as in Beats.
            if let type = byte(at: fields.icmpType, in: event), let code = byte(at: fields.icmpCode, in: event) {
                (sourcePort, destinationPort) = (UInt16(type), UInt16(code))
            }
        default:
            break
        }
        return hasher.hash(
            src: source, srcPort: sourcePort, dst: destination, dstPort: destinationPort, ipProtocol: ipProtocol)
    }

    private func port(at path: String, in event: Event) -> UInt16? {
        guard let n = event.value(at: path).flatMap(NetworkValues.unsigned), n <= UInt64(UInt16.max) else { return nil }
        return UInt16(n)
    }

    private func byte(at path: String, in event: Event) -> UInt8? {
        guard let n = event.value(at: path).flatMap(NetworkValues.unsigned), n <= UInt64(UInt8.max) else { return nil }
        return UInt8(n)
    }

    /// Transport names libbeat knows, matched exactly or in lower case.
    static let transports: [String: UInt8] = [
        "icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "ipv6-icmp": 58, "icmpv6": 58, "eigrp": 88,
        "ospf": 89, "pim": 103, "sctp": 132,
    ]

    /// A protocol number from a transport name (`tcp`, `ICMPv6`, `ipv6-icmp`, ...) or a number (`6`, "6").
    static func protocolNumber(_ value: FieldValue) -> UInt8? {
        if case .string(let text) = value, let number = transports[text] ?? transports[text.lowercased()] {
            return number
        }
        guard let n = NetworkValues.unsigned(value), n <= UInt64(UInt8.max) else { return nil }
        return UInt8(n)
    }
}
