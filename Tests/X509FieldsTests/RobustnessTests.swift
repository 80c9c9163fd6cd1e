// One odd part never loses the certificate (STYLE.md, rusticata/x509-parser's rule): broken extensions,
// non-DER encodings and algorithms swift-certificates rejects still yield every other field, with the
// problem named; input that is not a certificate throws a clear error; no input crashes the reader.

import Testing
import X509Fields

@Suite("Robustness")
struct RobustnessTests {
    /// Fixtures patched from rsa2048-san (patch_der.py); everything outside the patch must read as before.
    @Test(arguments: [
        ("ext-bad-critical", X509Anomaly.extensionMalformed),
        ("ext-not-sequence", .extensionMalformed),
        ("ext-dup-san", .extensionDuplicate),
        ("sig-mismatch", .signatureAlgorithmMismatch),
        ("ber-length", .notDER),
    ])
    func aBrokenPartLeavesTheRestOfTheCertificateIntact(_ name: String, _ anomaly: X509Anomaly) throws {
        let original = try Fixture.fields("rsa2048-san")
        let patched = try Fixture.fields(name)
        #expect(patched.anomalies.contains(anomaly))
        #expect(patched.subject == original.subject)
        #expect(patched.issuer == original.issuer)
        #expect(patched.serialDecimal == original.serialDecimal)
        #expect(patched.notBefore == original.notBefore)
        #expect(patched.notAfter == original.notAfter)
        #expect(patched.publicKeySize == original.publicKeySize)
        #expect(patched.signatureAlgorithm == original.signatureAlgorithm)
        #expect(patched.alternativeNames == original.alternativeNames)
    }

    @Test func anUnknownCriticalExtensionIsNamedAndTheNamesAreKept() throws {
        let fields = try Fixture.fields("unknown-critical-ext")
        #expect(fields.anomalies == [.extensionUnknownCritical])
        #expect(fields.packetbeatAlternativeNames == ["unknown-ext.example"])
    }

    @Test func anUnknownVersionIsReportedAsFound() throws {
        let fields = try Fixture.fields("version-5")
        #expect(fields.versionNumber == 6)
        #expect(fields.anomalies.contains(.versionUnknown))
    }

    @Test func aVersion1CertificateHasNoExtensions() throws {
        let fields = try Fixture.fields("v1")
        #expect(fields.versionNumber == 1)
        #expect(fields.alternativeNames.isEmpty)
        #expect(fields.anomalies.isEmpty)
    }

    @Test(arguments: [
        "dsa2048", "ed448", "x25519-key", "ecdsa-brainpoolp256r1", "ecdsa-secp256k1", "rsa-md5", "rsa-pss-sha256",
        "serial-negative",
    ])
    func certificatesTheStrictParserRejectsAreStillRead(_ name: String) throws {
        let fields = try Fixture.fields(name)
        #expect(fields.anomalies.contains(.strictParseFailed))
        #expect(fields.subject.commonName != nil)
        #expect(fields.serialDecimal != nil)
        #expect(fields.notBefore != nil && fields.notAfter != nil)
        #expect(fields.publicKeyAlgorithm != nil)
        #expect(fields.signatureAlgorithm != nil)
    }

    @Test(arguments: [
        "rsa2048-san", "ecdsa-p256", "ed25519", "golden-www-example-org", "real-edge-microsoft-com",
        "real-cloudflare-com", "bmp-subject", "t61-subject",
    ])
    func conformingCertificatesHaveNoAnomalies(_ name: String) throws {
        #expect(try Fixture.fields(name).anomalies.isEmpty)
    }

    @Test(arguments: [
        ("not-a-cert-csr", X509ParseError.Code.notCertificate),
        ("not-a-cert-key", .notCertificate),
        ("truncated", .notDER),
        ("trailing-bytes", .notDER),
    ])
    func inputThatIsNotACertificateThrowsAClearError(_ name: String, _ code: X509ParseError.Code) throws {
        let der = try Fixture.der(name)
        let error = #expect(throws: X509ParseError.self) { try X509Parser.parse(der: der) }
        #expect(error?.code == code)
        #expect(X509Parser.fields(der: der) == nil)
    }

    @Test func emptyInputIsReportedAsEmpty() {
        let error = #expect(throws: X509ParseError.self) { try X509Parser.parse(der: []) }
        #expect(error?.code == .empty)
    }

    @Test(
        arguments: [
            [0x05, 0x00],
            [0x30, 0x00],
            [0x30, 0x03, 0x02, 0x01, 0x01],
            [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
            [0x30, 0x80, 0x00, 0x00],
            Array("hello, world".utf8),
        ] as [[UInt8]])
    func smallNonCertificatesAreRejected(_ bytes: [UInt8]) {
        #expect(throws: X509ParseError.self) { try X509Parser.parse(der: bytes) }
    }

    @Test func deeplyNestedInputIsRejectedWithoutExhaustingTheStack() {
        var der: [UInt8] = [0x05, 0x00]
        for _ in 0..<200 {
            der =
                [0x30]
                + (der.count < 0x80 ? [UInt8(der.count)] : [0x82, UInt8(der.count >> 8), UInt8(der.count & 0xFF)]) + der
        }
        #expect(throws: X509ParseError.self) { try X509Parser.parse(der: der) }
    }

    @Test func everyTruncationOfARealCertificateIsRejectedWithoutCrashing() throws {
        let der = try Fixture.der("real-adnxs-com")
        for length in 0..<der.count {
            #expect(X509Parser.fields(der: Array(der[..<length])) == nil)
        }
    }

    @Test func flippingAnyByteOfARealCertificateNeverCrashes() throws {
        let der = try Fixture.der("real-adnxs-com")
        var read = 0
        for index in der.indices {
            var mutated = der
            mutated[index] ^= 0xFF
            if let fields = X509Parser.fields(der: mutated) {
                read += 1
                #expect(fields.derLength == der.count)
            }
        }
        // Most single-byte changes land in values (names, key, signature, extension contents), not in the
        // skeleton, and leave a readable certificate.
        #expect(read > der.count / 2)
    }

    @Test func anomalyNamesAreUniqueDottedX509Names() {
        let names = X509Anomaly.all.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("x509.") && $0.split(separator: ".").count == 3 })
    }
}
