// Name attribute values of every ASN.1 string type, decoded as Go decodes them (and leniently where Go
// would reject the certificate), in certificates written by TestCertificate.

import Testing
import X509Fields

@Suite("Attribute string types")
struct DirectoryStringTests {
    /// The subject's single attribute value as read, and the anomalies.
    private func read(_ value: [UInt8]) throws -> (String?, [X509Anomaly]) {
        var certificate = TestCertificate()
        certificate.subject = TestDER.name([("2.5.4.10", value)])
        let fields = try X509Parser.parse(der: certificate.der)
        return (fields.subject.attributes.first?.value, fields.anomalies.filter { $0 != .strictParseFailed })
    }

    @Test func printableStringsMayCarryAsteriskAndAmpersandAsGoAllows() throws {
        let (value, anomalies) = try read(TestDER.tlv(0x13, Array("*.a&b".utf8)))
        #expect(value == "*.a&b")
        #expect(anomalies.isEmpty)
    }

    @Test func aPrintableStringWithOtherCharactersIsInvalidButRead() throws {
        let (value, anomalies) = try read(TestDER.tlv(0x13, Array("a@b".utf8)))
        #expect(value == "a@b")
        #expect(anomalies == [.nameInvalidString])
    }

    @Test func invalidUTF8IsReplacedAndNamed() throws {
        let (value, anomalies) = try read(TestDER.tlv(0x0C, [0x61, 0xFF, 0x62]))
        #expect(value == "a\u{FFFD}b")
        #expect(anomalies == [.nameInvalidString])
    }

    @Test func aBMPStringDropsItsNULTerminator() throws {
        let (value, anomalies) = try read(TestDER.tlv(0x1E, [0x00, 0x41, 0x00, 0xE9, 0x00, 0x00]))
        #expect(value == "Aé")
        #expect(anomalies.isEmpty)
    }

    @Test func aBMPStringSurrogatePairDecodes() throws {
        let (value, _) = try read(TestDER.tlv(0x1E, [0xD8, 0x3D, 0xDE, 0x00]))
        #expect(value == "😀")
    }

    @Test func aT61StringIsLatin1() throws {
        let (value, anomalies) = try read(TestDER.tlv(0x14, [0x4D, 0xFC, 0x6C]))
        #expect(value == "Mül")
        #expect(anomalies.isEmpty)
    }

    @Test func numericAndIA5StringsAreChecked() throws {
        #expect(try read(TestDER.tlv(0x12, Array("12 34".utf8))).1.isEmpty)
        #expect(try read(TestDER.tlv(0x12, Array("12a".utf8))).1 == [.nameInvalidString])
        #expect(try read(TestDER.tlv(0x16, [0x61, 0x80])).1 == [.nameInvalidString])
    }

    @Test func universalAndVisibleStringsAreReadButNotGoTypes() throws {
        let (universal, universalAnomalies) = try read(TestDER.tlv(0x1C, [0, 0, 0, 0x55, 0, 0x01, 0xF6, 0x00]))
        #expect(universal == "U😀")
        #expect(universalAnomalies == [.nameUnsupportedStringType])
        let (visible, visibleAnomalies) = try read(TestDER.tlv(0x1A, Array("vis".utf8)))
        #expect(visible == "vis")
        #expect(visibleAnomalies == [.nameUnsupportedStringType])
    }

    @Test func aNonStringValueKeepsItsDERInTheDistinguishedName() throws {
        var certificate = TestCertificate()
        certificate.subject = TestDER.name([("2.5.4.3", TestDER.utf8("x")), ("2.5.4.10", TestDER.integer([7]))])
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.subject.distinguishedName == "CN=x,O=#020107")
        #expect(fields.subject.organization == nil)
        #expect(fields.anomalies.contains(.nameNonStringValue))
    }
}
