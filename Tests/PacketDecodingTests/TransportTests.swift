// TCP (header, flags, options), UDP (length field against the bytes) and ICMP/ICMPv6 (echo identifiers).

import NetModel
import PacketDecoding
import Testing

private func tcp4(_ segment: [UInt8]) -> (Decoded, Harness) {
    var h = Harness()
    let d = h.feed(Build.ethernet(0x0800, Build.ipv4(6, segment)))
    return (d, h)
}

@Suite struct TCPTests {
    @Test func headerFieldsAndAllNineFlags() {
        let segment: [UInt8] = [
            0x9c, 0x40, 0x00, 0x50,  // ports 40000 -> 80
            0x00, 0x00, 0x03, 0xe8,  // sequence 1000
            0x00, 0x00, 0x07, 0xd0,  // acknowledgment 2000
            0x51, 0xff,  //             data offset 5, NS + CWR ECE URG ACK PSH RST SYN FIN
            0x10, 0x00,  //             window 4096
            0x00, 0x00, 0x00, 0x00,  // checksum, urgent pointer
            0x64, 0x61, 0x74, 0x61,  // "data"
        ]
        let (d, _) = tcp4(segment)
        #expect(d.status == .decoded)
        #expect(d.packet.transport == .tcp)
        #expect(d.packet.srcPort == 40000 && d.packet.dstPort == 80)
        #expect(d.packet.tcp.seq == 1000 && d.packet.tcp.ack == 2000)
        #expect(d.packet.tcp.flags == [.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr, .ns])
        #expect(d.packet.tcp.window == 4096)
        #expect(d.packet.tcp.headerLength == 20)
        #expect(d.packet.tcp.mss == 0 && d.packet.tcp.windowScale == -1)
        #expect(d.payload == ascii("data"))
    }

    @Test func synOptionsMSSWindowScaleSACKPermittedTimestamps() {
        let options: [UInt8] = [
            0x02, 0x04, 0x05, 0xb4,  //             MSS 1460
            0x04, 0x02,  //                         SACK permitted
            0x08, 0x0a, 0x00, 0x00, 0x30, 0x39,  // timestamps: TSval 12345
            0x00, 0x00, 0x00, 0x07,  //             TSecr 7
            0x01,  //                               NOP
            0x03, 0x03, 0x07,  //                   window scale 7
        ]
        let (d, h) = tcp4(Build.tcp(40000, 80, flags: 0x002, options: options))
        #expect(d.status == .decoded)
        #expect(d.packet.tcp.headerLength == 40)
        #expect(d.packet.tcp.mss == 1460)
        #expect(d.packet.tcp.sackPermitted)
        #expect(d.packet.tcp.hasTimestamps && d.packet.tcp.tsVal == 12345 && d.packet.tcp.tsEcr == 7)
        #expect(d.packet.tcp.windowScale == 7)
        #expect(d.packet.anomaly == nil)
        #expect(h.decoder.counters.anomalies.total == 0)
    }

    @Test func windowScaleAbove14ReadsAs14() {
        let (d, _) = tcp4(Build.tcp(1, 2, flags: 0x002, options: [3, 3, 20, 0]))
        #expect(d.packet.tcp.windowScale == 14)
    }

    @Test func endOfOptionListStopsTheWalk() {
        let (d, _) = tcp4(Build.tcp(1, 2, options: [0, 2, 4, 5, 0xb4, 0, 0, 0]))  // EOL, then junk
        #expect(d.status == .decoded)
        #expect(d.packet.tcp.mss == 0)
        #expect(d.packet.anomaly == nil)
    }

    @Test(arguments: [
        [UInt8]([2, 0, 0, 0]),  //          option length 0
        [2, 1, 0, 0],  //                   option length 1
        [1, 1, 1, 2],  //                   kind without its length byte at the end
        [8, 10, 0, 0],  //                  timestamps running past the header
        [2, 3, 5, 0],  //                   MSS with length 3
        [5, 6, 0, 0, 0, 0, 0, 0],  //       SACK block of 4 bytes
    ])
    func malformedOptionsAreANoteAndTheSegmentStillDecodes(options: [UInt8]) {
        let (d, h) = tcp4(Build.tcp(1, 2, options: options, ascii("payload")))
        #expect(d.status == .decoded)
        #expect(d.packet.anomaly == .tcpBadOption)
        #expect(d.payload == ascii("payload"))
        #expect(h.decoder.counters.anomalies[.tcpBadOption] == 1)
        #expect(h.decoder.counters.malformed == 0)
    }

    @Test func dataOffsetBelowFiveIsMalformed() {
        let (d, h) = tcp4(Build.tcp(1, 2, dataOffset: 4, ascii("xxxx")))
        #expect(d.status == .malformed(.tcpBadDataOffset))
        #expect(h.decoder.counters.anomalies[.tcpBadDataOffset] == 1)
    }

    @Test func dataOffsetBeyondTheSegmentIsMalformed() {
        let (d, _) = tcp4(Build.tcp(1, 2, dataOffset: 15, ascii("short")))  // 60-byte header, 25-byte segment
        #expect(d.status == .malformed(.tcpBadDataOffset))
    }

    @Test func segmentShorterThanTheFixedHeaderIsMalformed() {
        let (d, _) = tcp4(Array(Build.tcp(1, 2).prefix(12)))
        #expect(d.status == .malformed(.tcpShortHeader))
    }
}

@Suite struct UDPTests {
    private func udp(_ segment: [UInt8], v6: Bool = false) -> Decoded {
        var h = Harness()
        let ip = v6 ? Build.ipv6(17, segment) : Build.ipv4(17, segment)
        return h.feed(Build.ethernet(v6 ? 0x86dd : 0x0800, ip))
    }

    @Test func lengthFieldBelowTheHeaderIsMalformed() {
        #expect(udp(Build.udp(1, 2, ascii("abc"), length: 7)).status == .malformed(.udpBadLength))
    }

    @Test func lengthFieldBeyondTheIPPayloadIsMalformed() {
        #expect(udp(Build.udp(1, 2, ascii("abc"), length: 12)).status == .malformed(.udpBadLength))
    }

    @Test func lengthFieldShorterThanTheIPPayloadTrimsTheData() {
        let d = udp(Build.udp(1, 2, ascii("abcdef"), length: 11))
        #expect(d.status == .decoded)
        #expect(d.payload == ascii("abc"))
    }

    @Test func zeroLengthIsAJumbogramOnlyInIPv6() {
        #expect(udp(Build.udp(1, 2, ascii("jumbo"), length: 0)).status == .malformed(.udpBadLength))
        let d = udp(Build.udp(1, 2, ascii("jumbo"), length: 0), v6: true)
        #expect(d.status == .decoded)
        #expect(d.payload == ascii("jumbo"))
    }

    @Test func fewerThanEightBytesIsMalformed() {
        #expect(udp([0, 1, 0, 2, 0]).status == .malformed(.udpShortHeader))
    }
}

@Suite struct ICMPTests {
    @Test(arguments: [(UInt8(8), UInt16(0x1234)), (0, 0x1234), (3, 0)])
    func icmpv4EchoCarriesTheIdentifier(type: UInt8, expectedID: UInt16) {
        var h = Harness()
        let d = h.feed(
            Build.ethernet(0x0800, Build.ipv4(1, Build.icmp(type: type, code: 0, id: 0x1234, seq: 9, ascii("ping")))))
        #expect(d.status == .decoded)
        #expect(d.packet.transport == .icmpv4)
        #expect(d.packet.icmpType == type && d.packet.icmpCode == 0)
        #expect(d.packet.icmpID == expectedID)
        #expect(d.payload == ascii("ping"))
    }

    @Test(arguments: [(UInt8(128), UInt16(0x4321)), (129, 0x4321), (135, 0)])
    func icmpv6EchoCarriesTheIdentifier(type: UInt8, expectedID: UInt16) {
        var h = Harness()
        let d = h.feed(Build.ethernet(0x86dd, Build.ipv6(58, Build.icmp(type: type, code: 0, id: 0x4321, seq: 1))))
        #expect(d.status == .decoded)
        #expect(d.packet.transport == .icmpv6)
        #expect(d.packet.icmpType == type)
        #expect(d.packet.icmpID == expectedID)
    }

    @Test func icmpShorterThanEightBytesIsMalformed() {
        var h = Harness()
        #expect(h.feed(Build.ethernet(0x0800, Build.ipv4(1, [8, 0, 0, 0]))).status == .malformed(.icmpShortHeader))
        #expect(h.feed(Build.ethernet(0x86dd, Build.ipv6(58, [128, 0, 0]))).status == .malformed(.icmpShortHeader))
        #expect(h.decoder.counters.anomalies[.icmpShortHeader] == 2)
    }
}
