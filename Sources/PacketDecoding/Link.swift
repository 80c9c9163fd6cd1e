// Link layers: from the start of a captured frame to the start of its IP header.
//
// Implements Ethernet II and IEEE 802.3 with 802.2 LLC/SNAP (RFC 1042 encapsulation of ethertypes),
// IEEE 802.1Q and 802.1ad tags (also the pre-standard 0x9100 outer tag) in any stack depth up to a limit,
// Linux cooked captures v1 and v2 (the libpcap LINKTYPE_LINUX_SLL/SLL2 layouts), raw IP (LINKTYPE_RAW,
// LINKTYPE_IPV4, LINKTYPE_IPV6) and BSD loopback (DLT_NULL in either byte order, DLT_LOOP in network order).

import NetModel
import WireKit

/// The link types, reduced to how their frames are parsed.
enum Framing {
    case ethernet
    case linuxSLL
    case linuxSLL2
    /// Bare IP of either version, told apart by the version nibble.
    case rawIP
    case rawIPv4
    case rawIPv6
    /// DLT_NULL: address family in the capturing host's byte order.
    case bsdNull
    /// DLT_LOOP: address family in network order.
    case bsdLoop
    case unsupported

    init(_ type: LinkType) {
        switch type {
        case .ethernet: self = .ethernet
        case .linuxSLL: self = .linuxSLL
        case .linuxSLL2: self = .linuxSLL2
        case .raw, .rawAlt, .linktypeRaw: self = .rawIP
        case .ipv4: self = .rawIPv4
        case .ipv6: self = .rawIPv6
        case .null: self = .bsdNull
        case .loop: self = .bsdLoop
        default: self = .unsupported
        }
    }
}

/// The IP version a link layer announced.
enum IPVersion {
    case v4
    case v6
    /// Raw IP links: whatever the version nibble says.
    case either
}

/// Where the link layer left off.
enum LinkOutcome {
    /// An IP header of `version` starts at `offset`.
    case network(offset: Int, version: IPVersion)
    /// A complete link header for something other than IP.
    case nonIP
    /// Decoding ends with this status.
    case stop(DecodeStatus)
}

/// Ethertypes and link constants the decoder branches on (IEEE registry, Linux `if_ether.h`/`if_arp.h`).
enum LinkConstant {
    static let ethertypeIPv4: UInt16 = 0x0800
    static let ethertypeIPv6: UInt16 = 0x86dd
    /// IEEE 802.1Q customer tag.
    static let ethertypeVLAN: UInt16 = 0x8100
    /// IEEE 802.1ad service tag (QinQ outer tag).
    static let ethertypeQinQ: UInt16 = 0x88a8
    /// The pre-802.1ad outer tag some switches still send.
    static let ethertypeQinQLegacy: UInt16 = 0x9100
    /// Type/length values up to this are 802.3 lengths; from 0x0600 on they are ethertypes.
    static let maxIEEE8023Length: UInt16 = 1500
    static let minEthertype: UInt16 = 0x0600
    /// LLC SAP announcing a SNAP header, and the Unnumbered Information control value it comes with.
    static let sapSNAP: UInt8 = 0xaa
    static let llcUI: UInt8 = 0x03
    /// SNAP OUIs under which the protocol id is an ethertype: RFC 1042 (0) and 802.1H bridge tunnel.
    static let ouiRFC1042: UInt32 = 0x000000
    static let ouiBridgeTunnel: UInt32 = 0x0000f8
    /// Linux cooked-capture protocol value for frames that start with an 802.2 LLC header (ETH_P_802_2).
    static let sllProtocolLLC: UInt16 = 0x0004
    /// ARPHRD_NETLINK: the protocol field holds a netlink family, never an ethertype.
    static let arphrdNetlink: UInt16 = 824
    /// BSD address families for IPv4 and IPv6 (NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30).
    static let afINET: UInt32 = 2
    static let afINET6BSD: UInt32 = 24
    static let afINET6FreeBSD: UInt32 = 28
    static let afINET6Darwin: UInt32 = 30
}

/// The link-layer part of the decoder: what it branches on, in a value small enough to pass around.
///
/// A separate type rather than non-mutating methods of `PacketDecoder`: called from the decoder's mutating
/// methods, those got a copy of the whole decoder (512 bytes) on every packet.
struct LinkDecoder {
    /// The link type reduced to what the decoder branches on.
    let framing: Framing
    /// `DecoderLimits.maxVLANTags`.
    let maxVLANTags: Int

    /// Decodes the link header of `frame`, filling MAC addresses and VLAN tags.
    func decode(_ frame: UnsafeRawBufferPointer, into packet: inout DecodedPacket) -> LinkOutcome {
        switch framing {
        case .ethernet:
            guard frame.count >= 14 else { return .stop(.truncated) }
            packet.dstMAC = MACAddress(bytes: frame, at: 0)
            packet.srcMAC = MACAddress(bytes: frame, at: 6)
            packet.hasDestinationMAC = true
            packet.hasSourceMAC = true
            return decodeEthertype(frame.loadBE16(at: 12), frame, at: 14, into: &packet)
        case .linuxSLL:
            // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
            guard frame.count >= 16 else { return .stop(.truncated) }
            if frame.loadBE16(at: 4) == 6 {
                packet.srcMAC = MACAddress(bytes: frame, at: 6)
                packet.hasSourceMAC = true
            }
            return decodeCookedProtocol(
                frame.loadBE16(at: 14), hardware: frame.loadBE16(at: 2), frame, at: 16, into: &packet)
        case .linuxSLL2:
            // protocol(2) reserved(2) interface index(4) ARPHRD(2) packet type(1) address length(1) address(8)
            guard frame.count >= 20 else { return .stop(.truncated) }
            if frame[11] == 6 {
                packet.srcMAC = MACAddress(bytes: frame, at: 12)
                packet.hasSourceMAC = true
            }
            return decodeCookedProtocol(
                frame.loadBE16(at: 0), hardware: frame.loadBE16(at: 8), frame, at: 20, into: &packet)
        case .rawIP:
            return .network(offset: 0, version: .either)
        case .rawIPv4:
            return .network(offset: 0, version: .v4)
        case .rawIPv6:
            return .network(offset: 0, version: .v6)
        case .bsdNull:
            guard frame.count >= 4 else { return .stop(.truncated) }
            // Written in the capturing host's order: a value with high bits set was written big-endian
            // (families are small numbers), so swap it.
            var family = UInt32(littleEndian: frame.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            if family > 0xffff { family = family.byteSwapped }
            return loopbackFamily(family)
        case .bsdLoop:
            guard frame.count >= 4 else { return .stop(.truncated) }
            return loopbackFamily(frame.loadBE32(at: 0))
        case .unsupported:
            return .stop(.unsupportedLinkType)
        }
    }

    private func loopbackFamily(_ family: UInt32) -> LinkOutcome {
        switch family {
        case LinkConstant.afINET: return .network(offset: 4, version: .v4)
        case LinkConstant.afINET6BSD, LinkConstant.afINET6FreeBSD, LinkConstant.afINET6Darwin:
            return .network(offset: 4, version: .v6)
        default: return .nonIP
        }
    }

    /// The protocol field of a Linux cooked header: an ethertype, except for a few Linux-private values.
    private func decodeCookedProtocol(
        _ proto: UInt16, hardware: UInt16, _ frame: UnsafeRawBufferPointer, at offset: Int,
        into packet: inout DecodedPacket
    ) -> LinkOutcome {
        if hardware == LinkConstant.arphrdNetlink { return .nonIP }
        // An LLC header follows: enter the ethertype walk as if an 802.3 length had announced it.
        if proto == LinkConstant.sllProtocolLLC { return decodeEthertype(0, frame, at: offset, into: &packet) }
        // Other values below 0x0600 are Linux ETH_P_ pseudo-protocols (802.3 raw, CAN, ...), never IP.
        if proto < LinkConstant.minEthertype { return .nonIP }
        return decodeEthertype(proto, frame, at: offset, into: &packet)
    }

    /// Follows an ethertype through VLAN tags and at most one 802.2 LLC/SNAP header to IP.
    ///
    /// One loop rather than recursion, so a frame of nested headers cannot deepen the stack; each pass
    /// consumes at least four bytes and the tag and LLC counts are bounded, so the loop ends.
    private func decodeEthertype(
        _ first: UInt16, _ frame: UnsafeRawBufferPointer, at start: Int, into packet: inout DecodedPacket
    ) -> LinkOutcome {
        var type = first
        var offset = start
        var tags = 0
        var sawLLC = false
        while true {
            switch type {
            case LinkConstant.ethertypeIPv4:
                return .network(offset: offset, version: .v4)
            case LinkConstant.ethertypeIPv6:
                return .network(offset: offset, version: .v6)
            case LinkConstant.ethertypeVLAN, LinkConstant.ethertypeQinQ, LinkConstant.ethertypeQinQLegacy:
                tags += 1
                if tags > maxVLANTags { return .stop(.malformed(.vlanTooManyTags)) }
                // TCI(2): priority(3) DEI(1) VLAN id(12), then the next type(2).
                guard frame.count >= offset + 4 else { return .stop(.truncated) }
                packet.vlans.push(frame.loadBE16(at: offset) & 0x0fff)
                type = frame.loadBE16(at: offset + 2)
                offset += 4
            default:
                // A type/length up to 1500 is an 802.3 length and an LLC header follows; SNAP inside SNAP
                // is not a thing, so a second one ends the walk.
                guard type <= LinkConstant.maxIEEE8023Length, !sawLLC else { return .nonIP }
                sawLLC = true
                // DSAP(1) SSAP(1) control(1), and for SNAP: OUI(3) protocol id(2).
                guard frame.count >= offset + 3 else { return .stop(.truncated) }
                guard frame[offset] == LinkConstant.sapSNAP, frame[offset + 1] & 0xfe == LinkConstant.sapSNAP,
                    frame[offset + 2] == LinkConstant.llcUI
                else { return .nonIP }
                guard frame.count >= offset + 8 else { return .stop(.truncated) }
                let oui = UInt32(frame[offset + 3]) << 16 | UInt32(frame[offset + 4]) << 8 | UInt32(frame[offset + 5])
                guard oui == LinkConstant.ouiRFC1042 || oui == LinkConstant.ouiBridgeTunnel else { return .nonIP }
                type = frame.loadBE16(at: offset + 6)
                offset += 8
            }
        }
    }
}
