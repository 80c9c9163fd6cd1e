// The small public value types other stages use directly: network ranges (for network.direction) and
// format strings (for Kafka topics and keys).

import Config
import NetModel
import Testing

@Suite("Network ranges")
struct NetworkRangeTests {
    @Test(
        "membership of named ranges and CIDR blocks",
        arguments: [
            ("private", "10.1.2.3", true), ("private", "172.31.255.255", true), ("private", "172.32.0.1", false),
            ("private", "fd12::1", true), ("private", "fc00::1", false), ("loopback", "127.0.0.9", true),
            ("loopback", "::1", true), ("public", "8.8.8.8", true), ("public", "192.168.1.1", false),
            ("public", "169.254.1.1", false), ("multicast", "239.1.1.1", true), ("multicast", "ff05::2", true),
            ("link_local_unicast", "fe80::1", true), ("link_local_multicast", "224.0.0.251", true),
            ("interface_local_multicast", "ff01::1", true), ("unspecified", "0.0.0.0", true),
            ("unicast", "10.0.0.1", true), ("global_unicast", "224.0.0.1", false), ("10.0.0.0/8", "10.255.0.1", true),
            ("10.0.0.0/8", "11.0.0.1", false), ("2001:db8::/32", "2001:db8:ffff::1", true),
            ("2001:db8::/32", "2001:db9::1", false), ("192.0.2.7", "192.0.2.7", true), ("0.0.0.0/0", "1.2.3.4", true),
            ("10.0.0.0/8", "::ffff:10.0.0.1", false),
        ])
    func contains(range: String, address: String, expected: Bool) throws {
        let network = try #require(NetworkRange(range))
        let ip = try #require(IPAddress(address))
        #expect(network.contains(ip) == expected)
    }

    @Test("text that is not a range", arguments: ["privat", "10.0.0.0/33", "10.0.0/8", "::/129", "1.2.3.4/x", ""])
    func rejects(text: String) {
        #expect(NetworkRange(text) == nil)
    }
}

@Suite("Format strings")
struct FormatStringTests {
    @Test("malformed references are rejected at the key", arguments: ["%{[a.b}", "%{a}", "%{[]}", "%{[a..b]}", "%{[a]x}", "%{+}", "x%{"])
    func malformed(text: String) throws {
        let yaml = "output.kafka:\n  hosts: [\"k:9092\"]\n  topic: '\(text)'\n"
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(yaml: yaml, name: "t.yml") }
        #expect(error?.keyPath == "output.kafka.topic")
        #expect(error?.line == 3)
    }
}
