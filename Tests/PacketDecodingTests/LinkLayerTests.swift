// Link layers: Ethernet II, 802.3 LLC/SNAP, 802.1Q and QinQ, Linux SLL and SLL2, raw IP, DLT_NULL in both byte
// orders, DLT_LOOP, and link types the decoder does not know.

import NetModel
import PacketDecoding
import Testing

/// A small UDP/IPv4 datagram: 192.0.2.1:41111 -> 192.0.2.2:42222, "hi".
private let udp4: [UInt8] = Build.ipv4(17, Build.udp(41111, 42222, ascii("hi")))
/// A small UDP/IPv6 datagram: [2001:db8::1]:43333 -> [2001:db8::2]:44444, "hi".
private let udp6: [UInt8] = Build.ipv6(17, Build.udp(43333, 44444, ascii("hi")))

@Suite struct LinkLayerTests {
    @Test func ethernetIIFramesGiveBothMACsAndTheIPv4Packet() throws {
        let frame: [UInt8] = [
            0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,  // destination MAC 02:00:00:00:00:0b
            0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,  // source MAC      02:00:00:00:00:0a
            0x08, 0x00,  //                         ethertype IPv4
            0x45, 0x00, 0x00, 0x1e,  //             version 4, IHL 5, TOS 0, total length 30
            0x00, 0x01, 0x00, 0x00,  //             id 1, no flags, offset 0
            0x40, 0x11, 0x00, 0x00,  //             TTL 64, protocol 17 (UDP), checksum (unchecked)
            0xc0, 0x00, 0x02, 0x01,  //             source 192.0.2.1
            0xc0, 0x00, 0x02, 0x02,  //             destination 192.0.2.2
            0xa0, 0x97, 0xa4, 0xee,  //             UDP 41111 -> 42222
            0x00, 0x0a, 0x00, 0x00,  //             UDP length 10, checksum 0
            0x68, 0x69,  //                         "hi"
        ]
        var h = Harness(.ethernet)
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(d.packet.hasSourceMAC && d.packet.hasDestinationMAC)
        #expect(d.packet.srcMAC == MACAddress(0x0200_0000_000a))
        #expect(d.packet.dstMAC == MACAddress(0x0200_0000_000b))
        #expect(d.packet.network == .ipv4)
        #expect(d.packet.src == .t("192.0.2.1"))
        #expect(d.packet.dst == .t("192.0.2.2"))
        #expect(d.packet.ttl == 64)
        #expect(d.packet.transport == .udp)
        #expect(d.packet.srcPort == 41111 && d.packet.dstPort == 42222)
        #expect(d.payload == ascii("hi"))
        #expect(d.packet.accountedBytes == frame.count && d.packet.accountedFrames == 1)
    }

    @Test func ethernetPaddingAfterTheIPDatagramIsNotPayload() {
        // 14 + 30 bytes padded to the 60-byte Ethernet minimum with zeros.
        let frame = Build.ethernet(0x0800, udp4) + [UInt8](repeating: 0, count: 16)
        var h = Harness(.ethernet)
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(d.payload == ascii("hi"))
        #expect(!d.packet.truncated)
    }

    @Test func arpIsANonIPFrame() {
        let arp: [UInt8] = [0, 1, 8, 0, 6, 4, 0, 1] + Build.macA + Build.v4A + [0, 0, 0, 0, 0, 0] + Build.v4B
        var h = Harness(.ethernet)
        let d = h.feed(Build.ethernet(0x0806, arp, dst: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
        #expect(d.status == .decoded)
        #expect(d.packet.network == .none)
        #expect(d.packet.hasSourceMAC)
        #expect(h.decoder.counters.nonIP == 1)
    }

    @Test func ieee8023WithLLCSNAPCarriesIPv4() {
        let snap: [UInt8] = [
            0xaa, 0xaa, 0x03,  // DSAP SNAP, SSAP SNAP, control UI
            0x00, 0x00, 0x00,  // OUI 00-00-00 (RFC 1042: the protocol id is an ethertype)
            0x08, 0x00,  //       ethertype IPv4
        ]
        let body = snap + udp4
        var h = Harness(.ethernet)
        let d = h.feed(Build.ethernet(UInt16(body.count), body))
        #expect(d.status == .decoded)
        #expect(d.packet.network == .ipv4)
        #expect(d.packet.srcPort == 41111)
    }

    @Test func ieee8023WithPlainLLCIsNonIP() {
        let stp: [UInt8] = [0x42, 0x42, 0x03] + [UInt8](repeating: 0, count: 35)  // STP BPDU
        var h = Harness(.ethernet)
        let d = h.feed(Build.ethernet(UInt16(stp.count), stp))
        #expect(d.status == .decoded)
        #expect(d.packet.network == .none)
    }

    @Test func singleVLANTagIsRecorded() {
        let frame = Build.ethernet(0x8100, [0x20, 0x64] + be16(0x0800) + udp4)  // PCP 1, VLAN 100
        var h = Harness(.ethernet)
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(d.packet.vlans == VLANTags(count: 1, outer: 100, inner: 0))
        #expect(d.packet.srcPort == 41111)
    }

    @Test(arguments: [UInt16(0x88a8), 0x9100, 0x8100])
    func qinqRecordsOuterAndInnerTags(outerType: UInt16) {
        let frame: [UInt8] = Build.ethernet(
            outerType,
            [0x00, 0xc8] + be16(0x8100)  // outer VLAN 200, then an 802.1Q tag
                + [0x01, 0x2c] + be16(0x86dd)  // inner VLAN 300, then IPv6
                + udp6)
        var h = Harness(.ethernet)
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(d.packet.vlans == VLANTags(count: 2, outer: 200, inner: 300))
        #expect(d.packet.network == .ipv6)
        #expect(d.packet.dstPort == 44444)
    }

    @Test func linuxSLLv1GivesTheSourceMACOnly() {
        let frame: [UInt8] =
            [
                0x00, 0x04,  //                         packet type: sent by us
                0x00, 0x01,  //                         ARPHRD_ETHER
                0x00, 0x06,  //                         link-layer address length 6
                0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,  // address 02:00:00:00:00:0a
                0x00, 0x00,  //                         address padding to 8 bytes
                0x08, 0x00,  //                         protocol IPv4
            ] + udp4
        var h = Harness(.linuxSLL)
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(d.packet.hasSourceMAC && !d.packet.hasDestinationMAC)
        #expect(d.packet.srcMAC == MACAddress(0x0200_0000_000a))
        #expect(d.packet.src == .t("192.0.2.1"))
    }

    @Test func linuxSLLWithoutASixByteAddressHasNoMAC() {
        // A tunnel device: ARPHRD_NONE (0xfffe), address length 0.
        let frame: [UInt8] = [0, 0, 0xff, 0xfe, 0, 0] + [UInt8](repeating: 0, count: 8) + be16(0x86dd) + udp6
        var h = Harness(.linuxSLL)
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(!d.packet.hasSourceMAC)
        #expect(d.packet.network == .ipv6)
    }

    @Test func linuxSLL2GivesTheSourceMACOnly() {
        let frame: [UInt8] =
            [
                0x86, 0xdd,  //                         protocol IPv6
                0x00, 0x00,  //                         reserved
                0x00, 0x00, 0x00, 0x02,  //             interface index 2
                0x00, 0x01,  //                         ARPHRD_ETHER
                0x00,  //                               packet type: to us
                0x06,  //                               address length 6
                0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,  // address 02:00:00:00:00:0b
                0x00, 0x00,  //                         padding
            ] + udp6
        var h = Harness(.linuxSLL2)
        let d = h.feed(frame)
        #expect(d.status == .decoded)
        #expect(d.packet.hasSourceMAC && !d.packet.hasDestinationMAC)
        #expect(d.packet.srcMAC == MACAddress(0x0200_0000_000b))
        #expect(d.packet.srcPort == 43333)
    }

    @Test func linuxSLLNetlinkFramesAreNonIP() {
        // ARPHRD_NETLINK (824): the protocol field is a netlink family, even when it reads 0x0800.
        let frame: [UInt8] = [0, 4] + be16(824) + [0, 0] + [UInt8](repeating: 0, count: 8) + be16(0x0800) + udp4
        var h = Harness(.linuxSLL)
        #expect(h.feed(frame).packet.network == .none)
    }

    @Test(arguments: [LinkType.raw, .rawAlt, .linktypeRaw])
    func rawIPTellsVersionsApartByTheFirstNibble(link: LinkType) {
        var h = Harness(link)
        let v4 = h.feed(udp4)
        #expect(v4.status == .decoded && v4.packet.network == .ipv4)
        let v6 = h.feed(udp6)
        #expect(v6.status == .decoded && v6.packet.network == .ipv6)
        #expect(!v6.packet.hasSourceMAC)
        #expect(h.feed([0x50] + udp4.dropFirst()).status == .malformed(.ipBadVersion))
    }

    @Test func linktypeIPv4AndIPv6AcceptOnlyTheirVersion() {
        var h4 = Harness(.ipv4)
        #expect(h4.feed(udp4).packet.network == .ipv4)
        #expect(h4.feed(udp6).status == .malformed(.ipBadVersion))
        var h6 = Harness(.ipv6)
        #expect(h6.feed(udp6).packet.network == .ipv6)
        #expect(h6.feed(udp4).status == .malformed(.ipBadVersion))
    }

    @Test func ethertypeIPv4WithAnIPv6HeaderIsMalformed() {
        var h = Harness(.ethernet)
        #expect(h.feed(Build.ethernet(0x0800, udp6)).status == .malformed(.ipBadVersion))
    }

    @Test(arguments: [(UInt32(2), NetworkLayer.ipv4), (24, .ipv6), (28, .ipv6), (30, .ipv6), (7, .none)])
    func bsdNullInEitherByteOrder(family: UInt32, network: NetworkLayer) {
        let ip = network == .ipv6 ? udp6 : udp4
        let little: [UInt8] = [UInt8(family), 0, 0, 0]  // written by a little-endian host
        let big: [UInt8] = be32(family)  //                  written by a big-endian host
        var h = Harness(.null)
        #expect(h.feed(little + ip).packet.network == network)
        #expect(h.feed(big + ip).packet.network == network)
        #expect(h.decoder.counters.malformed == 0)
    }

    @Test func bsdLoopReadsTheFamilyInNetworkOrder() {
        var h = Harness(.loop)
        #expect(h.feed(be32(2) + udp4).packet.network == .ipv4)
        #expect(h.feed(be32(24) + udp6).packet.network == .ipv6)
        // Little-endian 2 read in network order is 0x02000000: not a family DLT_LOOP knows.
        #expect(h.feed([2, 0, 0, 0] + udp4).packet.network == .none)
    }

    @Test func unknownLinkTypesAreCountedNotDecoded() {
        var h = Harness(LinkType(rawValue: 127))  // 802.11 radiotap
        let d = h.feed(Build.ethernet(0x0800, udp4))
        #expect(d.status == .unsupportedLinkType)
        #expect(h.decoder.counters.unsupportedLinkType == 1)
        #expect(h.decoder.counters.frames == 1)
    }

    @Test func vlanStacksAreBoundedByTheLimit() {
        func stacked(_ n: Int) -> [UInt8] {
            var body: [UInt8] = []
            for i in 0..<n { body += be16(UInt16(i + 1)) + be16(i == n - 1 ? 0x0800 : 0x8100) }
            return Build.ethernet(0x8100, body + udp4)
        }
        var h = Harness(.ethernet, limits: DecoderLimits(maxVLANTags: 3))
        let atLimit = h.feed(stacked(3))
        #expect(atLimit.status == .decoded)
        #expect(atLimit.packet.vlans == VLANTags(count: 2, outer: 1, inner: 2))
        #expect(h.feed(stacked(4)).status == .malformed(.vlanTooManyTags))
        #expect(h.decoder.counters.anomalies[.vlanTooManyTags] == 1)
    }
}
