// Each part of a certificate broken on its own, in certificates written by TestCertificate: the broken part
// is named, the others are read.

import Testing
import X509Fields

@Suite("Broken components")
struct ComponentTests {
    @Test func theTestCertificateReadsCleanly() throws {
        let fields = try X509Parser.parse(der: TestCertificate().der)
        #expect(fields.subject.commonName == "subject.test")
        #expect(fields.issuer.commonName == "issuer.test")
        #expect(fields.versionNumber == 3)
        #expect(fields.serialDecimal == "1")
        #expect(fields.notBefore?.description == "2025-01-01T00:00:00.000Z")
        #expect(fields.signatureAlgorithm == "ECDSA-SHA256")
        #expect(fields.publicKeyCurve == "nistp256")
        #expect(fields.anomalies.allSatisfy { $0 == .strictParseFailed })
    }

    @Test func aVersionThatIsNotAnIntegerIsMalformed() throws {
        var certificate = TestCertificate()
        certificate.version = TestDER.tlv(0xA0, TestDER.tlv(0x04, [0x02]))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.versionNumber == nil)
        #expect(fields.anomalies.contains(.versionMalformed))
        #expect(fields.subject.commonName == "subject.test")
    }

    @Test func anRDNThatIsNotASetIsSkipped() throws {
        var certificate = TestCertificate()
        certificate.issuer = TestDER.sequence(
            TestDER.sequence(TestDER.sequence(TestDER.oid("2.5.4.3"), TestDER.utf8("lost"))),
            TestDER.set(TestDER.sequence(TestDER.oid("2.5.4.10"), TestDER.utf8("Kept Org"))))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.issuer.distinguishedName == "O=Kept Org")
        #expect(fields.anomalies.contains(.nameMalformed))
        #expect(fields.subject.commonName == "subject.test")
    }

    @Test func aValidityWithOneTimeKeepsThatTime() throws {
        var certificate = TestCertificate()
        certificate.validity = TestDER.sequence(TestDER.utcTime("250101000000Z"))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.notBefore?.description == "2025-01-01T00:00:00.000Z")
        #expect(fields.notAfter == nil)
        #expect(fields.anomalies.contains(.validityMalformed))
    }

    @Test func aTimeOfTheWrongTypeIsMalformed() throws {
        var certificate = TestCertificate()
        certificate.validity = TestDER.sequence(TestDER.integer([1]), TestDER.generalizedTime("20500101000000Z"))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.notBefore == nil)
        #expect(fields.notAfter?.description == "2050-01-01T00:00:00.000Z")
        #expect(fields.anomalies.contains(.validityMalformed))
    }

    @Test func aGeneralizedTimeFractionBecomesMilliseconds() throws {
        var certificate = TestCertificate()
        certificate.validity = TestDER.sequence(
            TestDER.generalizedTime("20300601120000.123Z"), TestDER.generalizedTime("20300601120000.5Z"))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.notBefore?.description == "2030-06-01T12:00:00.123Z")
        #expect(fields.notAfter?.description == "2030-06-01T12:00:00.500Z")
        #expect(!fields.anomalies.contains(.validityNonStrictTime))
    }

    @Test func aUTCTimeWithAnOffsetIsMovedToUTC() throws {
        var certificate = TestCertificate()
        certificate.validity = TestDER.sequence(
            TestDER.utcTime("180101000000+0130"), TestDER.utcTime("260101000000Z"))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.notBefore?.description == "2017-12-31T22:30:00.000Z")
        #expect(fields.anomalies.contains(.validityNonStrictTime))
    }

    @Test func anUnreadableRSAKeyKeepsItsAlgorithm() throws {
        var certificate = TestCertificate()
        certificate.subjectPublicKeyInfo = TestDER.sequence(
            TestDER.sequence(TestDER.oid("1.2.840.113549.1.1.1"), TestDER.tlv(0x05, [])),
            TestDER.tlv(0x03, [0x00, 0xDE, 0xAD]))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.publicKeyAlgorithm == "RSA")
        #expect(fields.publicKeySize == nil)
        #expect(fields.anomalies.contains(.publicKeyMalformed))
    }

    @Test func anUnknownKeyAlgorithmIsReportedByOID() throws {
        var certificate = TestCertificate()
        certificate.subjectPublicKeyInfo = TestDER.sequence(
            TestDER.sequence(TestDER.oid("1.2.3.4.5")), TestDER.tlv(0x03, [0x00, 0x01]))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.publicKeyAlgorithm == "1.2.3.4.5")
        #expect(fields.publicKeySize == nil)
        #expect(!fields.anomalies.contains(.publicKeyMalformed))
    }

    @Test func extensionsThatAreNotASequenceAreMalformed() throws {
        var certificate = TestCertificate()
        certificate.extensions = TestDER.tlv(0xA3, TestDER.integer([1]))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.anomalies.contains(.extensionsMalformed))
        #expect(fields.subject.commonName == "subject.test")
    }

    @Test func anExtensionWithoutAValueIsSkippedAndTheSANStillRead() throws {
        var certificate = TestCertificate()
        let san = TestDER.sequence(
            TestDER.oid("2.5.29.17"),
            TestDER.tlv(0x04, TestDER.sequence(TestDER.tlv(0x82, Array("san.test".utf8)))))
        certificate.extensions = TestCertificate.extensions(TestDER.sequence(TestDER.oid("2.5.29.19")), san)
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.anomalies.contains(.extensionMalformed))
        #expect(fields.packetbeatAlternativeNames == ["san.test"])
    }

    @Test func anOuterSignatureThatIsNotABitStringIsMalformed() throws {
        var certificate = TestCertificate()
        certificate.signature = TestDER.integer([1])
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.anomalies.contains(.signatureMalformed))
        #expect(fields.signatureAlgorithm == "ECDSA-SHA256")
    }

    @Test func aSignatureAlgorithmWithoutAnOIDIsMalformed() throws {
        var certificate = TestCertificate()
        certificate.signatureAlgorithm = TestDER.sequence(TestDER.integer([1]))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.signatureAlgorithm == nil)
        #expect(fields.signatureAlgorithmOID == nil)
        #expect(fields.anomalies.contains(.signatureAlgorithmMalformed))
    }

    @Test func ed25519SignatureParametersMakeItUnknownToGo() throws {
        var certificate = TestCertificate()
        certificate.signatureAlgorithm = TestDER.sequence(TestDER.oid("1.3.101.112"), TestDER.tlv(0x05, []))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.signatureAlgorithm == "1.3.101.112")
    }

    @Test func aSerialOverTheLimitIsNotReported() throws {
        var certificate = TestCertificate()
        certificate.serial = TestDER.integer([0x01] + [UInt8](repeating: 0, count: X509Limits.maxSerialOctets))
        let fields = try X509Parser.parse(der: certificate.der)
        #expect(fields.serialDecimal == nil && fields.serialHex == nil)
        #expect(fields.anomalies.contains(.serialOverLimit))
    }

    @Test func aTBSCertificateWithoutAKeyIsNotACertificate() {
        var certificate = TestCertificate()
        certificate.subjectPublicKeyInfo = []
        let error = #expect(throws: X509ParseError.self) { try X509Parser.parse(der: certificate.der) }
        #expect(error?.code == .notCertificate)
    }
}
