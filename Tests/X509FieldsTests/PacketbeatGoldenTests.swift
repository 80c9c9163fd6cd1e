// Packetbeat's own output as the oracle: the certificate chain of elastic/beats
// packetbeat/tests/system/golden/tls_all_options-expected.json (www.example.org, 2018), whose detailed
// fields, hashes and PEM strings are copied here verbatim from that file.

import Testing
import X509Fields

@Suite("Packetbeat golden event (tls_all_options)")
struct PacketbeatGoldenTests {
    @Test func leafDetailedFieldsMatchTheGoldenEvent() throws {
        let leaf = try Fixture.fields("golden-www-example-org")
        #expect(leaf.versionNumber == 3)
        #expect(leaf.serialDecimal == "21020869104500376438182461249190639870")
        #expect(leaf.signatureAlgorithm == "SHA256-RSA")
        #expect(leaf.publicKeyAlgorithm == "RSA")
        #expect(leaf.publicKeySize == 2048)
        #expect(leaf.notBefore?.description == "2018-11-28T00:00:00.000Z")
        #expect(leaf.notAfter?.description == "2020-12-02T12:00:00.000Z")
        #expect(leaf.subject.commonName == "www.example.org")
        #expect(leaf.subject.country == "US")
        #expect(leaf.subject.locality == "Los Angeles")
        #expect(leaf.subject.organization == "Internet Corporation for Assigned Names and Numbers")
        #expect(leaf.subject.organizationalUnit == "Technology")
        #expect(leaf.subject.stateOrProvince == "California")
        #expect(leaf.issuer.commonName == "DigiCert SHA2 Secure Server CA")
        #expect(leaf.issuer.country == "US")
        #expect(leaf.issuer.organization == "DigiCert Inc")
        #expect(leaf.issuer.organizationalUnit == nil)
        #expect(leaf.anomalies.isEmpty)
    }

    @Test func leafAlternativeNamesMatchTheGoldenEvent() throws {
        let leaf = try Fixture.fields("golden-www-example-org")
        #expect(
            leaf.packetbeatAlternativeNames == [
                "www.example.org", "example.com", "example.edu", "example.net", "example.org", "www.example.com",
                "www.example.edu", "www.example.net",
            ])
    }

    @Test func subjectAndIssuerStringsMatchTheGoldenEvent() throws {
        let leaf = try Fixture.fields("golden-www-example-org")
        #expect(
            leaf.subject.distinguishedName
                == "CN=www.example.org,OU=Technology,O=Internet Corporation for Assigned Names and Numbers,"
                + "L=Los Angeles,ST=California,C=US")
        #expect(leaf.issuer.distinguishedName == "CN=DigiCert SHA2 Secure Server CA,O=DigiCert Inc,C=US")
    }

    @Test func hashesMatchTheGoldenEvent() throws {
        let leaf = try Fixture.fields("golden-www-example-org")
        #expect(leaf.fingerprints.md5 == "3510C21C66BD62010FC547D3CD3F0CE6")
        #expect(leaf.fingerprints.sha1 == "7BB698386970363D2919CC5772846984FFD4A889")
        #expect(leaf.fingerprints.sha256 == "9250711C54DE546F4370E0C3D3A3EC45BC96092A25A4A71A1AFA396AF7047EB8")
    }

    @Test func chainCertificatesMatchTheGoldenEvent() throws {
        let intermediate = try Fixture.fields("golden-digicert-sha2-secure-server-ca")
        #expect(intermediate.serialDecimal == "2646203786665923649276728595390119057")
        #expect(intermediate.signatureAlgorithm == "SHA256-RSA")
        #expect(intermediate.notBefore?.description == "2013-03-08T12:00:00.000Z")
        #expect(intermediate.notAfter?.description == "2023-03-08T12:00:00.000Z")
        #expect(intermediate.issuer.organizationalUnit == "www.digicert.com")
        #expect(intermediate.issuer.commonName == "DigiCert Global Root CA")
        #expect(intermediate.packetbeatAlternativeNames.isEmpty)

        let root = try Fixture.fields("golden-digicert-global-root-ca")
        #expect(root.serialDecimal == "10944719598952040374951832963794454346")
        #expect(root.signatureAlgorithm == "SHA1-RSA")
        #expect(root.publicKeySize == 2048)
        #expect(root.notBefore?.description == "2006-11-10T00:00:00.000Z")
        #expect(root.notAfter?.description == "2031-11-10T00:00:00.000Z")
        #expect(root.subject == root.issuer)
    }

    @Test func pemStringsMatchTheGoldenCertificateChain() throws {
        let golden = try Fixture.text("golden-chain.pem")
        let names = [
            "golden-www-example-org", "golden-digicert-sha2-secure-server-ca", "golden-digicert-global-root-ca",
        ]
        let pems = try names.map { X509Parser.pem(der: try Fixture.der($0)) }
        #expect(pems.joined() == golden)
    }
}
