// PEM and fingerprint text. The PEM layout is Go's encoding/pem (Packetbeat's certificate_chain strings);
// fingerprints are checked against OpenSSL (`-fingerprint -md5/-sha1/-sha256`, colons removed).

import Testing

@testable import X509Fields

@Suite("PEM and fingerprints")
struct EncodingTests {
    @Test func pemHasSixtyFourColumnLinesAndATrailingNewline() throws {
        let pem = X509Parser.pem(der: try Fixture.der("rsa2048-san"))
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        #expect(pem.hasSuffix("\n-----END CERTIFICATE-----\n"))
        let body = pem.split(separator: "\n").dropFirst().dropLast()
        #expect(body.dropLast().allSatisfy { $0.count == 64 })
        #expect((1...64).contains(body.last?.count ?? 0))
    }

    @Test func pemOfNothingIsJustTheFrame() {
        #expect(X509Parser.pem(der: []) == "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    }

    @Test func base64PadsAsRFC4648() {
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test func fingerprintsAreUpperCaseHexOfTheDER() throws {
        // openssl x509 -fingerprint on real-liveperson-net.der
        let der = try Fixture.der("real-liveperson-net")
        #expect(X509Parser.fingerprint(.md5, der: der) == "8F3B9CE862223370" + "49A8442E8D8E801D")
        #expect(X509Parser.fingerprint(.sha1, der: der) == "DD054E7CF7577AC289E4DA968EB9A5543E272609")
        #expect(
            X509Parser.fingerprint(.sha256, der: der)
                == "9B03C9EF5252433DB7939969E6DD7ADD082350F409626A96161D255E65980D60")
    }

    @Test func theFieldsCarryEveryFingerprintByAlgorithm() throws {
        let der = try Fixture.der("real-liveperson-net")
        let fields = try X509Parser.parse(der: der)
        for algorithm in FingerprintAlgorithm.allCases {
            #expect(fields.fingerprints[algorithm] == X509Parser.fingerprint(algorithm, der: der))
        }
        #expect(fields.derLength == der.count)
    }
}
