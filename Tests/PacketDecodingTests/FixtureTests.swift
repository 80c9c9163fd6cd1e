// Real and crafted capture files (Fixtures/README.md gives their provenance). Expected values were read
// from `tshark -r` on the same files when they were made.

import NetModel
import PacketDecoding
import Testing

private func statuses(_ ds: [Decoded]) -> [DecodeStatus] { ds.map(\.status) }

@Suite struct RealCaptureTests {
    @Test func ethernetPingWithARP() throws {
        let ds = try Fixture.decodeAll("eth-ping.pcap")
        try #require(ds.count == 6)
        #expect(statuses(ds) == Array(repeating: .decoded, count: 6))
        #expect(ds[0].packet.network == .none && ds[1].packet.network == .none)  // ARP request and reply
        let request = ds[2].packet
        #expect(request.srcMAC == MACAddress(0x0200_0000_000a) && request.dstMAC == MACAddress(0x0200_0000_000b))
        #expect(request.src == .t("10.99.0.1") && request.dst == .t("10.99.0.2"))
        #expect(request.transport == .icmpv4 && request.icmpType == 8 && request.icmpID == 23661)
        #expect(request.ttl == 64)
        #expect(ds[2].payload.count == 56)
        #expect(ds[3].packet.icmpType == 0 && ds[3].packet.icmpID == 23661)
    }

    @Test func ethernetIPv4PingOf3000BytesReassemblesFromThreeFragments() throws {
        let ds = try Fixture.decodeAll("eth-ping-frag.pcap")
        try #require(ds.count == 6)
        #expect(statuses(ds) == [.fragmentHeld, .fragmentHeld, .decoded, .fragmentHeld, .fragmentHeld, .decoded])
        for (i, type) in [(2, UInt8(8)), (5, 0)] {
            let p = ds[i].packet
            #expect(p.reassembled && p.transport == .icmpv4)
            #expect(p.icmpType == type && p.icmpID == 23713)
            #expect(p.accountedFrames == 3 && p.accountedBytes == 1514 + 1514 + 82)
            #expect(ds[i].payload.count == 3000)
        }
    }

    @Test func ethernetIPv6PingOf3000BytesReassemblesFromThreeFragments() throws {
        let ds = try Fixture.decodeAll("eth-ping6-frag.pcap")
        try #require(ds.count == 6)
        #expect(statuses(ds) == [.fragmentHeld, .fragmentHeld, .decoded, .fragmentHeld, .fragmentHeld, .decoded])
        let p = ds[2].packet
        #expect(p.src == .t("fd00:99::1") && p.dst == .t("fd00:99::2"))
        #expect(p.reassembled && p.transport == .icmpv6 && p.ipProtocol == 58)
        #expect(p.icmpType == 128 && p.icmpID == 0x5ca5)
        #expect(p.accountedFrames == 3 && p.accountedBytes == 1510 + 1510 + 174)
        #expect(ds[2].payload.count == 3000)
        #expect(ds[5].packet.icmpType == 129)
    }

    @Test func vlanTaggedPing() throws {
        let ds = try Fixture.decodeAll("vlan-ping.pcap")
        try #require(ds.count == 1)
        #expect(ds[0].status == .decoded)
        #expect(ds[0].packet.vlans == VLANTags(count: 1, outer: 100, inner: 0))
        #expect(ds[0].packet.icmpID == 0x0100)
        #expect(ds[0].packet.src == .t("10.99.100.1"))
    }

    @Test func qinqTaggedUDP() throws {
        let ds = try Fixture.decodeAll("qinq-udp.pcap")
        try #require(ds.count == 1)
        #expect(ds[0].packet.vlans == VLANTags(count: 2, outer: 200, inner: 300))
        #expect(ds[0].packet.srcPort == 7000 && ds[0].packet.dstPort == 7001)
        #expect(ds[0].payload == ascii("qinq-200-300"))
    }

    @Test func linuxCookedV1FromTheAnyDevice() throws {
        let (link, _) = try Fixture.read("sll-ping.pcap")
        #expect(link == .linuxSLL)
        let ds = try Fixture.decodeAll("sll-ping.pcap")
        try #require(ds.count == 2)
        #expect(ds[0].packet.hasSourceMAC && !ds[0].packet.hasDestinationMAC)
        #expect(ds[0].packet.srcMAC == MACAddress(0x0200_0000_000a))
        #expect(ds[0].packet.icmpType == 8 && ds[0].packet.icmpID == 23960)
        #expect(ds[1].packet.srcMAC == MACAddress(0x0200_0000_000b) && ds[1].packet.icmpType == 0)
    }

    @Test func linuxCookedV2FromTheAnyDevice() throws {
        let (link, _) = try Fixture.read("sll2-ping.pcap")
        #expect(link == .linuxSLL2)
        let ds = try Fixture.decodeAll("sll2-ping.pcap")
        try #require(ds.count == 4)
        #expect(ds.map(\.packet.transport) == [.icmpv4, .icmpv4, .icmpv6, .icmpv6])
        #expect(ds[0].packet.icmpID == 24018 && ds[2].packet.icmpID == 0x5dd3)
        #expect(ds[3].packet.srcMAC == MACAddress(0x0200_0000_000b) && !ds[3].packet.hasDestinationMAC)
    }

    @Test(arguments: ["eth-tcp-udp.pcap", "eth-tcp-udp.pcapng"])
    func tcpAndUDPOverBothIPVersions(file: String) throws {
        let ds = try Fixture.decodeAll(file)
        try #require(ds.count == 24)
        #expect(ds.allSatisfy { $0.status == .decoded })
        let syn = ds[0].packet
        #expect(syn.srcPort == 58972 && syn.dstPort == 8080)
        #expect(syn.tcp.flags == .syn && syn.tcp.seq == 4_285_171_689 && syn.tcp.window == 64240)
        #expect(syn.tcp.headerLength == 40 && syn.tcp.mss == 1460 && syn.tcp.windowScale == 10)
        #expect(syn.tcp.sackPermitted && syn.tcp.tsVal == 4_281_355_586 && syn.tcp.tsEcr == 0)
        #expect(ds[1].packet.tcp.flags == [.syn, .ack] && ds[1].packet.tcp.ack == 4_285_171_690)
        #expect(ds[3].packet.tcp.flags == [.psh, .ack])
        #expect(ds[3].payload.count == 224 && ds[3].payload.starts(with: ascii("GET /wirebeat")))
        #expect(ds[10].packet.transport == .udp && ds[10].packet.dstPort == 9999)
        #expect(ds[10].payload == ascii("wirebeat-udp"))
        #expect(ds[11].payload == ascii("echo:wirebeat-udp"))
        #expect(ds[12].packet.network == .ipv6 && ds[12].packet.tcp.mss == 1440)
        #expect(ds[23].packet.src == .t("fd00:99::2") && ds[23].payload == ascii("echo:wirebeat-udp"))
    }

    @Test func snaplen80CutsIPv4PayloadsAndIPv6Headers() throws {
        let ds = try Fixture.decodeAll("eth-tcp-snap80.pcap")
        try #require(ds.count == 20)
        for i in [3, 5] {
            #expect(ds[i].status == .decoded)
            #expect(ds[i].packet.truncated)
            #expect(ds[i].payload.count == 80 - 66)
            #expect(ds[i].packet.wireLength > ds[i].packet.capturedLength)
        }
        #expect(ds[3].payload.starts(with: ascii("GET /wireb")))
        // IPv6 + 32..40 bytes of TCP header do not fit in 80 bytes.
        #expect(ds[10...].allSatisfy { $0.status == .truncated })
        #expect(ds[..<10].allSatisfy { $0.status == .decoded })
    }
}

@Suite struct CraftedCaptureTests {
    @Test func rawLinkType101() throws {
        let ds = try Fixture.decodeAll("raw.pcap")
        try #require(ds.count == 2)
        #expect(ds[0].packet.network == .ipv4 && ds[0].packet.srcPort == 41111 && ds[0].payload == ascii("raw-v4"))
        #expect(ds[1].packet.network == .ipv6 && ds[1].packet.dstPort == 44444 && ds[1].payload == ascii("raw-v6"))
    }

    @Test func linktypeIPv4AndIPv6() throws {
        let v4 = try Fixture.decodeAll("linktype-ipv4.pcap")
        #expect(v4.first?.packet.transport == .icmpv4 && v4.first?.packet.icmpID == 0x1234)
        let v6 = try Fixture.decodeAll("linktype-ipv6.pcap")
        #expect(v6.first?.packet.transport == .icmpv6 && v6.first?.packet.icmpID == 0x4321)
    }

    @Test func bsdNullBothByteOrdersAndLoop() throws {
        let le = try Fixture.decodeAll("null-le.pcap")
        #expect(le.map(\.packet.network) == [.ipv4, .ipv6, .none])
        let be = try Fixture.decodeAll("null-be.pcap")
        #expect(be.map(\.packet.network) == [.ipv4, .ipv6])
        #expect(be[1].payload == ascii("raw-v6"))
        let loop = try Fixture.decodeAll("loop.pcap")
        #expect(loop.map(\.packet.network) == [.ipv4, .ipv6])
        let syn = loop[0].packet.tcp
        #expect(syn.mss == 1460 && syn.windowScale == 7 && syn.sackPermitted && syn.tsVal == 1)
    }

    @Test func ipv6ExtensionHeaderChains() throws {
        let ds = try Fixture.decodeAll("ipv6-ext.pcap")
        try #require(ds.count == 10)
        #expect(ds.allSatisfy { $0.status == .decoded })
        #expect(ds.map(\.packet.transport) == [.udp, .tcp, .udp, .none, .none, .udp, .udp, .other, .none, .udp])
        #expect(ds.map(\.packet.ipProtocol) == [17, 6, 17, 59, 59, 17, 17, 50, 59, 17])
        #expect(
            ds.map(\.payload).enumerated().filter { [0, 2, 5, 6, 9].contains($0.offset) }.map(\.element)
                == ["hbh", "ah", "shim6", "experimental", "atomic"].map(ascii))
    }

    @Test func ipv4FragmentsReorderedDuplicatedAndOverlapping() throws {
        let ds = try Fixture.decodeAll("ipv4-frag.pcap")
        try #require(ds.count == 6)
        #expect(statuses(ds) == [.fragmentHeld, .fragmentHeld, .fragmentHeld, .decoded, .fragmentHeld, .decoded])
        #expect(ds[3].packet.accountedFrames == 4)
        #expect(ds[3].payload == Array((0..<2048).map { UInt8($0 & 0xff) }))
        #expect(ds[5].packet.anomaly == .fragmentOverlap)
        #expect(ds[5].payload == [UInt8](repeating: 0x41, count: 32))
    }

    @Test func ipv6FragmentsReorderedAndOverlapping() throws {
        let ds = try Fixture.decodeAll("ipv6-frag.pcap")
        try #require(ds.count == 4)
        #expect(statuses(ds) == [.fragmentHeld, .decoded, .fragmentHeld, .malformed(.fragmentOverlap)])
        #expect(ds[1].payload == Array((0..<1500).map { UInt8($0 & 0xff) }))
    }

    @Test func llcSnapAndSpanningTree() throws {
        let ds = try Fixture.decodeAll("llc-snap.pcap")
        try #require(ds.count == 2)
        #expect(ds[0].packet.network == .ipv4 && ds[0].payload == ascii("raw-v4"))
        #expect(ds[1].status == .decoded && ds[1].packet.network == .none)
    }
}
