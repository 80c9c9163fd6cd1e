// Subject alternative names. Expected values are OpenSSL's (`-ext subjectAltName`, Fixtures/oracle/*.txt)
// in Go's text forms: `IP Address:2001:DB8:0:0:1:0:0:1` → `2001:db8::1:0:0:1`,
// `0:0:0:0:0:FFFF:C633:6407` → `198.51.100.7` (Go prints IPv4-mapped addresses as IPv4).

import Testing

@testable import X509Fields

@Suite("Subject alternative names")
struct AlternativeNameTests {
    @Test func everyNameIsKeptInCertificateOrder() throws {
        let names = try Fixture.fields("rsa2048-san").alternativeNames
        #expect(
            names == [
                AlternativeName(.emailAddress, "hostmaster@example.org"),
                AlternativeName(.dnsName, "www.example.org"),
                AlternativeName(.ipAddress, "192.0.2.10"),
                AlternativeName(.uri, "https://example.org/path"),
                AlternativeName(.dnsName, "example.org"),
                AlternativeName(.ipAddress, "2001:db8::1:0:0:1"),
                AlternativeName(.ipAddress, "198.51.100.7"),
                AlternativeName(.ipAddress, "2001:db8::"),
            ])
    }

    @Test func packetbeatOrderIsDNSThenEmailThenIPWithoutURIs() throws {
        let fields = try Fixture.fields("rsa2048-san")
        #expect(
            fields.packetbeatAlternativeNames == [
                "www.example.org", "example.org", "hostmaster@example.org", "192.0.2.10", "2001:db8::1:0:0:1",
                "198.51.100.7", "2001:db8::",
            ])
    }

    @Test func otherKindsOfNameAreKeptAsText() throws {
        // OpenSSL: othername: UPN::user@example.com, Registered ID:1.2.3.4.5,
        // DirName:/C=US/O=Directory Org/CN=dir.example, DNS:other-kinds.example
        let fields = try Fixture.fields("san-other-kinds")
        #expect(
            fields.alternativeNames == [
                AlternativeName(.otherName, "1.3.6.1.4.1.311.20.2.3=#0c1075736572406578616d706c652e636f6d"),
                AlternativeName(.registeredID, "1.2.3.4.5"),
                AlternativeName(.directoryName, "CN=dir.example,O=Directory Org,C=US"),
                AlternativeName(.dnsName, "other-kinds.example"),
            ])
        #expect(fields.packetbeatAlternativeNames == ["other-kinds.example"])
    }

    @Test func anUnreadableNameIsSkippedAndTheOthersKept() throws {
        // [2] good.example, [9] (no such choice), [2] with a non-IA5 byte, [7] of 5 octets, [2] also.example.
        let fields = try Fixture.fields("malformed-san")
        #expect(fields.packetbeatAlternativeNames == ["good.example", "also.example"])
        #expect(fields.anomalies.contains(.sanMalformed))
        #expect(fields.anomalies.contains(.sanBadIPLength))
        #expect(fields.subject.commonName == "malformed-san.example")
    }

    @Test func aSubjectAltNameThatIsNotASequenceYieldsNoNames() throws {
        let fields = try Fixture.fields("san-not-sequence")
        #expect(fields.alternativeNames.isEmpty)
        #expect(fields.anomalies == [.sanMalformed])
        #expect(fields.serialDecimal == "32")
    }

    @Test func ipv6UsesTheLongestRunOfZeroGroupsAndTheFirstOfEqualRuns() {
        func ip(_ groups: [UInt16]) -> String? {
            AlternativeNamesReader.ipText(groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }[...])
        }
        #expect(ip([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]) == "2001:db8::1:0:0:1")
        #expect(ip([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1]) == "2001:db8:0:1::1")
        #expect(ip([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]) == "2001:db8:0:1:1:1:1:1")
        #expect(ip([0, 0, 0, 0, 0, 0, 0, 0]) == "::")
        #expect(ip([0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
        #expect(ip([0xfe80, 0, 0, 0, 0, 0, 0, 0]) == "fe80::")
        #expect(ip([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]) == "1.2.3.4")
        #expect(ip([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]) == "::102:304")
    }

    @Test func ipv4IsDottedDecimalAndOtherLengthsAreRejected() {
        #expect(AlternativeNamesReader.ipText([192, 0, 2, 255]) == "192.0.2.255")
        #expect(AlternativeNamesReader.ipText([192, 0, 2]) == nil)
        #expect(AlternativeNamesReader.ipText([UInt8](repeating: 0, count: 8)[...]) == nil)
    }
}
