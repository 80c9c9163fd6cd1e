// add_network_direction: the four directions for IPv4 and IPv6, named ranges and CIDR blocks, unusable
// addresses (left alone), the required options and bad network entries.

import Config
import Events
import Testing

@testable import Processors

@Suite struct AddNetworkDirectionTests {
    static var defaults: KeyValuePairs<String, Any?> {
        [
            "source": "source.ip", "destination": "destination.ip", "target": "network.direction",
            "internal_networks": ["private"],
        ]
    }

    func direction(_ src: FieldValue?, _ dst: FieldValue?, options: KeyValuePairs<String, Any?> = defaults) throws
        -> FieldValue?
    {
        var e = event()
        if let src { e.put("source.ip", src) }
        if let dst { e.put("destination.ip", dst) }
        let (out, outcome) = run(try build("add_network_direction", options), e)
        #expect(outcome == .keep)
        return out?.value(at: "network.direction")
    }

    @Test(arguments: [
        ("10.0.0.1", "8.8.8.8", "outbound"), ("8.8.8.8", "192.168.1.1", "inbound"),
        ("10.0.0.1", "172.16.0.1", "internal"), ("8.8.8.8", "1.1.1.1", "external"),
        // IPv6 private is fd00::/8 in libbeat (§4.3).
        ("fd00::1", "2001:db8::1", "outbound"), ("2001:4860::1", "fd12::1", "inbound"),
        ("fdff::1", "fd00::2", "internal"), ("fc00::1", "2001:db8::1", "external"),
        // An IPv4-mapped address is its IPv4 address, as Go's To4 makes it.
        ("::ffff:10.0.0.1", "8.8.8.8", "outbound"),
    ])
    func privateNetworks(src: String, dst: String, expected: String) throws {
        #expect(try direction(.string(src), .string(dst)) == .string(expected))
    }

    @Test func cidrBlocksAndNamedRangesTogether() throws {
        let options: KeyValuePairs<String, Any?> = [
            "source": "source.ip", "destination": "destination.ip", "target": "network.direction",
            "internal_networks": ["203.0.113.0/24", "2001:db8::/32", "loopback"],
        ]
        #expect(try direction(.string("203.0.113.9"), .string("198.51.100.1"), options: options) == .string("outbound"))
        #expect(
            try direction(.string("198.51.100.1"), .string("2001:db8:1::5"), options: options) == .string("inbound"))
        #expect(try direction(.string("127.0.0.1"), .string("::1"), options: options) == .string("internal"))
        #expect(try direction(.string("10.0.0.1"), .string("2001:db9::1"), options: options) == .string("external"))
    }

    @Test func aSingleNetworkNeedsNoList() throws {
        let options: KeyValuePairs<String, Any?> = [
            "source": "client.ip", "destination": "server.ip", "target": "dir", "internal_networks": "10.0.0.0/8",
        ]
        let e = event(["client.ip": .string("10.1.2.3"), "server.ip": .string("10.9.9.9")])
        #expect(run(try build("add_network_direction", options), e).event?.value(at: "dir") == .string("internal"))
    }

    @Test(
        arguments: [
            (nil, .string("8.8.8.8")), (.string("10.0.0.1"), nil), (.string(""), .string("8.8.8.8")),
            (.string("10.0.0.1"), .string("not-an-ip")), (.int(167_772_161), .string("8.8.8.8")),
            (.strings(["10.0.0.1"]), .string("8.8.8.8")), (.string("10.0.0.1/8"), .string("8.8.8.8")),
        ] as [(FieldValue?, FieldValue?)])
    func unusableAddressesLeaveTheEventAlone(src: FieldValue?, dst: FieldValue?) throws {
        #expect(try direction(src, dst) == nil)
    }

    @Test func overwritesAnExistingTarget() throws {
        var e = event([
            "source.ip": .string("8.8.8.8"), "destination.ip": .string("10.0.0.1"),
            "network.direction": .string("unknown"),
        ])
        #expect(try build("add_network_direction", AddNetworkDirectionTests.defaults).process(&e) == .keep)
        #expect(e.value(at: "network.direction") == .string("inbound"))
    }

    @Test func everyOptionIsRequired() {
        for missing in ["source", "destination", "target", "internal_networks"] {
            let entries = AddNetworkDirectionTests.defaults.filter { $0.key != missing }
                .map { ConfigMap.Entry(key: $0.key, value: cv($0.value)) }
            let entry = ProcessorEntry(
                name: "add_network_direction", config: .map(ConfigMap(entries)),
                location: SourceLocation(file: "test.yml", line: 1, column: 3), index: 0)
            do {
                _ = try ProcessorFactory.processor(entry, environment: ProcessorEnvironment())
                Issue.record("built without \(missing)")
            } catch {
                #expect(error.description.contains("requires \"\(missing)\""), "without \(missing): \(error)")
            }
        }
    }

    @Test func badNetworkEntriesFailAtLoad() {
        let message = buildError(
            "add_network_direction",
            ["source": "a", "destination": "b", "target": "c", "internal_networks": ["private", "10.0.0.0/33"]])
        #expect(message?.contains("internal_networks.1: invalid network \"10.0.0.0/33\"") == true)
        #expect(message?.contains("loopback") == true)
        let typo = buildError(
            "add_network_direction", ["source": "a", "destination": "b", "target": "c", "internal_networks": "privat"])
        #expect(typo?.contains("invalid network \"privat\"") == true)
        let extra = buildError(
            "add_network_direction",
            ["source": "a", "destination": "b", "target": "c", "internal_networks": "private", "ignore_missing": true])
        #expect(extra?.contains("unknown option") == true)
    }

    /// The Beats documentation example: ECS addresses, private networks internal.
    @Test func docsExample() throws {
        let p = try build(
            "add_network_direction",
            [
                "source": "source.ip", "destination": "destination.ip", "target": "network.direction",
                "internal_networks": ["private"],
            ])
        let e = event(["source.ip": .string("192.168.10.20"), "destination.ip": .string("93.184.216.34")])
        #expect(run(p, e).event?.value(at: "network.direction") == .string("outbound"))
    }
}
