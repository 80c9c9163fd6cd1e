// Key and signature algorithms named as Go's crypto/x509 (and so Packetbeat) names them. Expected values
// are OpenSSL's (Fixtures/oracle/*.txt: "Public Key Algorithm", "Public-Key: (N bit)", "ASN1 OID",
// "Signature Algorithm") translated to Go's vocabulary by hand: rsaEncryption → RSA, id-ecPublicKey →
// ECDSA, dsaEncryption → DSA, sha256WithRSAEncryption → SHA256-RSA, ecdsa-with-SHA384 → ECDSA-SHA384,
// rsassaPss with SHA-256/MGF1-SHA-256/salt 32 → SHA256-RSAPSS, dsa_with_SHA256 → DSA-SHA256.

import Testing
import X509Fields

struct KeyExpectation: Sendable, CustomTestStringConvertible {
    var fixture: String
    var algorithm: String
    var size: Int?
    var curve: String?
    var signature: String
    var testDescription: String { fixture }
}

@Suite("Key and signature algorithms")
struct AlgorithmTests {
    static let expectations: [KeyExpectation] = [
        .init(fixture: "rsa2048-san", algorithm: "RSA", size: 2048, curve: nil, signature: "SHA256-RSA"),
        .init(fixture: "rsa4096-sha512", algorithm: "RSA", size: 4096, curve: nil, signature: "SHA512-RSA"),
        .init(fixture: "rsa-sha1", algorithm: "RSA", size: 2048, curve: nil, signature: "SHA1-RSA"),
        .init(fixture: "rsa-sha384", algorithm: "RSA", size: 2048, curve: nil, signature: "SHA384-RSA"),
        .init(fixture: "rsa-md5", algorithm: "RSA", size: 2048, curve: nil, signature: "MD5-RSA"),
        .init(fixture: "rsa-pss-sha256", algorithm: "RSA", size: 2048, curve: nil, signature: "SHA256-RSAPSS"),
        .init(fixture: "ecdsa-p256", algorithm: "ECDSA", size: 256, curve: "nistp256", signature: "ECDSA-SHA256"),
        .init(fixture: "ecdsa-p384", algorithm: "ECDSA", size: 384, curve: "nistp384", signature: "ECDSA-SHA384"),
        .init(fixture: "ecdsa-p521", algorithm: "ECDSA", size: 521, curve: "nistp521", signature: "ECDSA-SHA512"),
        .init(fixture: "ecdsa-secp256k1", algorithm: "ECDSA", size: 256, curve: "secp256k1", signature: "ECDSA-SHA256"),
        .init(
            fixture: "ecdsa-brainpoolp256r1", algorithm: "ECDSA", size: 256, curve: "brainpoolP256r1",
            signature: "ECDSA-SHA256"),
        .init(fixture: "ed25519", algorithm: "Ed25519", size: nil, curve: nil, signature: "Ed25519"),
        .init(fixture: "dsa2048", algorithm: "DSA", size: 2048, curve: nil, signature: "DSA-SHA256"),
        .init(fixture: "x25519-key", algorithm: "X25519", size: nil, curve: nil, signature: "SHA256-RSA"),
        .init(fixture: "real-adnxs-com", algorithm: "ECDSA", size: 256, curve: "nistp256", signature: "ECDSA-SHA256"),
        .init(
            fixture: "real-geotrust-ecc-ca-2018", algorithm: "ECDSA", size: 256, curve: "nistp256",
            signature: "SHA256-RSA"),
        .init(fixture: "real-usertrust-rsa-ca", algorithm: "RSA", size: 4096, curve: nil, signature: "SHA384-RSA"),
    ]

    @Test(arguments: expectations)
    func keyAndSignatureAreNamedAsGoNamesThem(_ expected: KeyExpectation) throws {
        let fields = try Fixture.fields(expected.fixture)
        #expect(fields.publicKeyAlgorithm == expected.algorithm)
        #expect(fields.publicKeySize == expected.size)
        #expect(fields.publicKeyCurve == expected.curve)
        #expect(fields.signatureAlgorithm == expected.signature)
    }

    @Test func rsaKeysReportTheirPublicExponent() throws {
        #expect(try Fixture.fields("rsa2048-san").publicKeyExponent == 65537)
        #expect(try Fixture.fields("ecdsa-p256").publicKeyExponent == nil)
    }

    @Test func edwardsKeysHaveNoSizeAsInPacketbeat() throws {
        #expect(try Fixture.fields("ed25519").publicKeySize == nil)
        #expect(try Fixture.fields("ed448").publicKeySize == nil)
    }

    @Test func algorithmsGoDoesNotNameAreReportedByOID() throws {
        let ed448 = try Fixture.fields("ed448")
        #expect(ed448.publicKeyAlgorithm == "Ed448")
        #expect(ed448.signatureAlgorithm == "1.3.101.113")
        #expect(ed448.signatureAlgorithmOID == "1.3.101.113")
    }

    @Test func pssWithASaltOtherThanTheHashLengthIsNotOneOfGosBuckets() throws {
        let fields = try Fixture.fields("rsa-pss-salt20")
        #expect(fields.signatureAlgorithm == "1.2.840.113549.1.1.10")
        #expect(fields.publicKeyAlgorithm == "RSA")
    }

    @Test func anRSAPSSKeyIsNamedAfterRFC4055() throws {
        let fields = try Fixture.fields("rsapss-key")
        #expect(fields.publicKeyAlgorithm == "RSASSA-PSS")
        #expect(fields.publicKeyAlgorithmOID == "1.2.840.113549.1.1.10")
        #expect(fields.publicKeySize == 2048)
        // OpenSSL's default salt for an RSA-PSS key is the maximum (0xDE here), outside Go's buckets.
        #expect(fields.signatureAlgorithm == "1.2.840.113549.1.1.10")
    }

    @Test func algorithmOIDsAreReportedInDottedForm() throws {
        let fields = try Fixture.fields("ecdsa-p384")
        #expect(fields.publicKeyAlgorithmOID == "1.2.840.10045.2.1")
        #expect(fields.signatureAlgorithmOID == "1.2.840.10045.4.3.3")
    }
}
