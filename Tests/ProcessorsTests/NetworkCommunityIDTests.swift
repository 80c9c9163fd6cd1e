// community_id: every option, the protocol and port coercions libbeat applies, missing and wrong-typed
// inputs (silently skipped), IPv4 and IPv6. Expected hashes are the published vectors of libbeat's processor
// tests and of its flowhash golden files (elastic/beats libbeat/common/flowhash/testdata/golden), which
// come from the Community ID reference implementation.

import Config
import Events
import Testing

@testable import Processors

@Suite struct CommunityIDTests {
    /// libbeat's processor test flow: 128.232.110.120:34855 → 66.35.250.204:80 over TCP.
    static let tcpFlow: KeyValuePairs<String, FieldValue> = [
        "source.ip": .string("128.232.110.120"), "source.port": .int(34855),
        "destination.ip": .string("66.35.250.204"), "destination.port": .int(80),
        "network.transport": .string("TCP"),
    ]
    static let tcpID = "1:LQU9qZlK+B5F3KDmev6m5PMibrg="

    func id(_ fields: KeyValuePairs<String, FieldValue>, _ options: KeyValuePairs<String, Any?>? = nil) throws
        -> FieldValue?
    {
        let (out, outcome) = run(try build("community_id", options), event(fields))
        #expect(outcome == .keep)
        return out?.value(at: "network.community_id")
    }

    func flow(_ changes: [(String, FieldValue?)]) -> Event {
        var e = event(CommunityIDTests.tcpFlow)
        for (path, value) in changes {
            if let value { e.put(path, value) } else { e.delete(path) }
        }
        return e
    }

    func id(of e: Event, _ options: KeyValuePairs<String, Any?>? = nil) throws -> FieldValue? {
        var e = e
        #expect(try build("community_id", options).process(&e) == .keep)
        return e.value(at: "network.community_id")
    }

    @Test func tcpFlowWithDefaults() throws {
        #expect(try id(CommunityIDTests.tcpFlow) == .string(CommunityIDTests.tcpID))
    }

    @Test func seedChangesTheHash() throws {
        #expect(try id(of: flow([]), ["seed": 123]) == .string("1:hTSGlFQnR58UCk+NfKRZzA32dPg="))
        #expect(try id(of: flow([]), ["seed": 0]) == .string(CommunityIDTests.tcpID))
    }

    @Test func bothDirectionsHashAlike() throws {
        let reversed = event([
            "source.ip": .string("66.35.250.204"), "source.port": .int(80),
            "destination.ip": .string("128.232.110.120"), "destination.port": .int(34855),
            "network.transport": .string("tcp"),
        ])
        #expect(try id(of: reversed) == .string(CommunityIDTests.tcpID))
    }

    @Test(arguments: [
        // IPv6 TCP, from the ipv6 golden file.
        (
            "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25, "tcp",
            "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="
        ),
        // SCTP, from the sctp golden file.
        ("192.168.170.8", 7, "192.168.170.56", 7, "sctp", "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="),
    ])
    func goldenFlows(src: String, sport: Int, dst: String, dport: Int, transport: String, expected: String) throws {
        let fields: KeyValuePairs<String, FieldValue> = [
            "source.ip": .string(src), "source.port": .int(Int64(sport)), "destination.ip": .string(dst),
            "destination.port": .int(Int64(dport)), "network.transport": .string(transport),
        ]
        #expect(try id(fields) == .string(expected))
    }

    @Test(arguments: [
        // ICMP echo and its reply share a hash (icmp golden file).
        ("192.168.0.89", "192.168.0.1", "icmp", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="),
        ("192.168.0.1", "192.168.0.89", "icmp", 0, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="),
        // ICMPv6 echo under both transport spellings (icmp6 golden file).
        ("3ffe:507::1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", "ipv6-icmp", 128, 0, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="),
        ("3ffe:501:0:1001::2", "3ffe:507::1:200:86ff:fe05:80da", "icmpv6", 129, 0, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="),
        // A one-way ICMPv6 type (destination unreachable) keeps its code.
        (
            "3ffe:501:410::2c0:dfff:fe47:33e", "3ffe:507::1:200:86ff:fe05:80da", "ICMPv6", 1, 4,
            "1:hLZd0XGWojozrvxqE0dWB1iM6R0="
        ),
        // Router solicitation to a multicast group.
        ("fe80::200:86ff:fe05:80da", "ff02::2", "ipv6-icmp", 133, 0, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0="),
        // libbeat's processor test: type 3 code 3 over the TCP flow's addresses.
        ("128.232.110.120", "66.35.250.204", "icmp", 3, 3, "1:KF3iG9XD24nhlSy4r1TcYIr5mfE="),
    ])
    func icmpTypeAndCode(src: String, dst: String, transport: String, type: Int, code: Int, expected: String) throws {
        let fields: KeyValuePairs<String, FieldValue> = [
            "source.ip": .string(src), "destination.ip": .string(dst), "network.transport": .string(transport),
            "icmp.type": .int(Int64(type)), "icmp.code": .int(Int64(code)),
        ]
        #expect(try id(fields) == .string(expected))
    }

    @Test func icmpWithoutUsableTypeAndCodeHashesZeros() throws {
        let noTypeCode = "1:PAE85ZfR4SbNXl5URZwWYyDehwU="
        #expect(try id(of: flow([("network.transport", .string("icmp"))])) == .string(noTypeCode))
        // Only the type, or a type that does not fit a byte, counts as no type and code at all.
        #expect(
            try id(of: flow([("network.transport", .string("icmp")), ("icmp.type", .int(3))])) == .string(noTypeCode))
        let wide = flow([("network.transport", .string("icmp")), ("icmp.type", .int(259)), ("icmp.code", .int(3))])
        #expect(try id(of: wide) == .string(noTypeCode))
    }

    @Test func protocolByNameNumberOrNumericString() throws {
        let igmp = "1:D3t8Q1aFA6Ev0A/AO4i9PnU3AeI="
        for transport: FieldValue in [
            .string("igmp"), .string("IGMP"), .int(2), .uint(2), .string("2"), .string("0x2"),
        ] {
            let e = flow([("source.port", nil), ("destination.port", nil), ("network.transport", transport)])
            #expect(try id(of: e) == .string(igmp), "transport \(transport)")
        }
    }

    @Test func ianaNumberWinsOverTransport() throws {
        #expect(
            try id(of: flow([("network.transport", nil), ("network.iana_number", .int(6))]))
                == .string(CommunityIDTests.tcpID))
        #expect(
            try id(of: flow([("network.transport", .string("udp")), ("network.iana_number", .string("6"))]))
                == .string(CommunityIDTests.tcpID))
        // An unusable IANA number does not fall back to the transport name.
        #expect(try id(of: flow([("network.iana_number", .string("xyz"))])) == nil)
        #expect(try id(of: flow([("network.iana_number", .int(262))])) == nil)
    }

    @Test func portsAsNumbersOrGoSyntaxStrings() throws {
        #expect(try id(of: flow([("source.port", .string("34855"))])) == .string(CommunityIDTests.tcpID))
        #expect(try id(of: flow([("source.port", .string("0x8827"))])) == .string(CommunityIDTests.tcpID))
        #expect(try id(of: flow([("source.port", .string("34_855"))])) == .string(CommunityIDTests.tcpID))
        #expect(try id(of: flow([("source.port", .uint(34855))])) == .string(CommunityIDTests.tcpID))
        // Port 0 is accepted, as in current libbeat.
        #expect(try id(of: flow([("source.port", .int(0))])) != nil)
    }

    @Test(
        arguments: [
            ("source.ip", nil), ("destination.ip", nil), ("network.transport", nil), ("source.port", nil),
            ("destination.port", nil),
            ("source.ip", .int(2_162_716_280)), ("destination.ip", .string("308.111.1.2.3")),
            ("source.ip", .strings(["128.232.110.120"])), ("network.transport", .string("xyz")),
            ("source.port", .int(65536)), ("source.port", .int(-1)), ("destination.port", .double(80)),
            ("destination.port", .string("80a")), ("destination.port", .string("+80")), ("source.port", .bool(true)),
            ("source.port", .null), ("destination.port", .string("_80")),
        ] as [(String, FieldValue?)])
    func missingOrUnusableInputLeavesTheEventAlone(path: String, value: FieldValue?) throws {
        let e = flow([(path, value)])
        var out = e
        #expect(try build("community_id").process(&out) == .keep)
        #expect(out == e)
    }

    @Test func existingTargetIsKept() throws {
        #expect(try id(of: flow([("network.community_id", .string("kept"))])) == .string("kept"))
    }

    @Test func ipv4MappedAddressesHashAsIPv4() throws {
        #expect(try id(of: flow([("source.ip", .string("::ffff:128.232.110.120"))])) == .string(CommunityIDTests.tcpID))
    }

    @Test func customTarget() throws {
        var e = flow([])
        _ = try build("community_id", ["target": "flow.id"]).process(&e)
        #expect(e.value(at: "flow.id") == .string(CommunityIDTests.tcpID))
        #expect(e.value(at: "network.community_id") == nil)
    }

    @Test func configurationErrors() {
        #expect(buildError("community_id", ["seed": 65536])?.contains("seed: must be between 0 and 65535") == true)
        #expect(buildError("community_id", ["seed": -1])?.contains("seed") == true)
        #expect(buildError("community_id", ["seed": "abc"])?.contains("expected an integer") == true)
        #expect(
            buildError("community_id", ["fields": ["src_ip": "a"]])?.contains("fields.src_ip: unknown option") == true)
        #expect(buildError("community_id", ["fields": "source.ip"])?.contains("expected a map") == true)
        #expect(buildError("community_id", ["target": ""])?.contains("must not be empty") == true)
        #expect(buildError("community_id", ["salt": 1])?.contains("unknown option") == true)
        #expect(buildError("community_id", nil) == nil)
    }

    /// The Beats documentation's example with every field renamed, on a non-ECS event.
    @Test func docsExampleWithRenamedFields() throws {
        let p = try build(
            "community_id",
            [
                "fields": [
                    "source_ip": "my_source_ip", "source_port": "my_source_port", "destination_ip": "my_dest_ip",
                    "destination_port": "my_dest_port", "iana_number": "my_iana_number", "transport": "my_transport",
                    "icmp_type": "my_icmp_type", "icmp_code": "my_icmp_code",
                ],
                "target": "network.community_id",
            ])
        let tcp = event([
            "my_source_ip": .string("128.232.110.120"), "my_source_port": .int(34855),
            "my_dest_ip": .string("66.35.250.204"), "my_dest_port": .int(80), "my_transport": .string("tcp"),
        ])
        #expect(run(p, tcp).event?.value(at: "network.community_id") == .string(CommunityIDTests.tcpID))
        let icmp = event([
            "my_source_ip": .string("192.168.0.89"), "my_dest_ip": .string("192.168.0.1"),
            "my_iana_number": .int(1), "my_icmp_type": .int(8), "my_icmp_code": .int(0),
        ])
        #expect(run(p, icmp).event?.value(at: "network.community_id") == .string("1:X0snYXpgwiv9TZtqg64sgzUn6Dk="))
        // The ECS fields are no longer read.
        #expect(run(p, event(CommunityIDTests.tcpFlow)).event?.value(at: "network.community_id") == nil)
    }
}
