// Every certificate fixture against OpenSSL's reading of it (Fixtures/oracle/*.txt): serial, validity,
// fingerprints and key size must agree. OpenSSL's DN strings are not compared here: Go's differ by design
// (NameTests covers them).

import Testing
import X509Fields

@Suite("Agreement with the OpenSSL oracle")
struct OracleAgreementTests {
    /// Certificates OpenSSL reads that wirebeat rejects on purpose: trailing bytes after the certificate
    /// (OpenSSL reads the first element; Go and wirebeat refuse the input, see RobustnessTests).
    static let rejectedOnPurpose: Set<String> = ["trailing-bytes"]
    static let names = ((try? Fixture.oracleCertificateNames()) ?? []).filter { !rejectedOnPurpose.contains($0) }

    @Test func theOracleCoversEveryReadableFixture() {
        #expect(Self.names.count >= 45)
    }

    @Test(arguments: names)
    func serialHexMatchesOpenSSL(_ name: String) throws {
        #expect(try Fixture.fields(name).serialHex == Oracle(name).serialHex)
    }

    @Test(arguments: names)
    func validityMatchesOpenSSL(_ name: String) throws {
        let fields = try Fixture.fields(name)
        let oracle = try Oracle(name)
        #expect(fields.notBefore?.description == oracle.notBefore)
        #expect(fields.notAfter?.description == oracle.notAfter)
    }

    @Test(arguments: names)
    func fingerprintsMatchOpenSSL(_ name: String) throws {
        let fields = try Fixture.fields(name)
        let oracle = try Oracle(name)
        #expect(fields.fingerprints.md5 == oracle.fingerprints["md5"])
        #expect(fields.fingerprints.sha1 == oracle.fingerprints["sha1"])
        #expect(fields.fingerprints.sha256 == oracle.fingerprints["sha256"])
    }

    @Test(arguments: names)
    func keySizeMatchesOpenSSL(_ name: String) throws {
        #expect(try Fixture.fields(name).publicKeySize == Oracle(name).keyBits)
    }
}
