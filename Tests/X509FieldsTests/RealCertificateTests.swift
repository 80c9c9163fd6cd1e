// Public CA and server certificates captured in the shared pcap corpus (Fixtures/README.md). Expected
// values are OpenSSL's (Fixtures/oracle/real-*.txt): DNs in Go's form (the same text as OpenSSL's
// RFC 2253 output for these conventional names), serials converted from OpenSSL's hex with Python.

import Testing
import X509Fields

struct RealExpectation: Sendable, CustomTestStringConvertible {
    var fixture: String
    var subject: String
    var issuer: String
    var serial: String
    var names: [String]
    var testDescription: String { fixture }
}

@Suite("Certificates from the wild")
struct RealCertificateTests {
    static let expectations: [RealExpectation] = [
        .init(
            fixture: "real-edge-microsoft-com",
            subject: "CN=edge.microsoft.com,O=Microsoft Corporation,L=Redmond,ST=WA,C=US",
            issuer: "CN=Microsoft Azure TLS Issuing CA 05,O=Microsoft Corporation,C=US",
            serial: "1137402244360784418651199524597210761893038138", names: ["edge.microsoft.com"]),
        .init(
            fixture: "real-azure-tls-issuing-ca-05",
            subject: "CN=Microsoft Azure TLS Issuing CA 05,O=Microsoft Corporation,C=US",
            issuer: "CN=DigiCert Global Root G2,OU=www.digicert.com,O=DigiCert Inc,C=US",
            serial: "17923441888884453276882086283662137533", names: []),
        .init(
            fixture: "real-adnxs-com", subject: "CN=*.adnxs.com,O=Xandr Inc.,L=New York,ST=New York,C=US",
            issuer: "CN=GeoTrust ECC CA 2018,OU=www.digicert.com,O=DigiCert Inc,C=US",
            serial: "16486804430092507515588161548752355152", names: ["*.adnxs.com", "adnxs.com"]),
        .init(
            fixture: "real-geotrust-ecc-ca-2018",
            subject: "CN=GeoTrust ECC CA 2018,OU=www.digicert.com,O=DigiCert Inc,C=US",
            issuer: "CN=DigiCert Global Root CA,OU=www.digicert.com,O=DigiCert Inc,C=US",
            serial: "20084456394114493592413865692264783194", names: []),
        .init(
            fixture: "real-liveperson-net", subject: #"CN=*.liveperson.net,O=LivePerson\, Inc,ST=New York,C=US"#,
            issuer: "CN=Sectigo RSA Organization Validation Secure Server CA,O=Sectigo Limited,L=Salford,"
                + "ST=Greater Manchester,C=GB",
            serial: "166690141630885439531864974019430595004", names: ["*.liveperson.net", "liveperson.net"]),
        .init(
            fixture: "real-sectigo-rsa-ov-ca",
            subject: "CN=Sectigo RSA Organization Validation Secure Server CA,O=Sectigo Limited,L=Salford,"
                + "ST=Greater Manchester,C=GB",
            issuer: "CN=USERTrust RSA Certification Authority,O=The USERTRUST Network,L=Jersey City,ST=New Jersey,C=US",
            serial: "25906064879583303349170707072060521101", names: []),
        .init(
            fixture: "real-usertrust-rsa-ca",
            subject:
                "CN=USERTrust RSA Certification Authority,O=The USERTRUST Network,L=Jersey City,ST=New Jersey,C=US",
            issuer: "CN=AAA Certificate Services,O=Comodo CA Limited,L=Salford,ST=Greater Manchester,C=GB",
            serial: "76359301477803385872276235234032301461", names: []),
        .init(
            fixture: "real-cloudflare-com",
            subject: #"SERIALNUMBER=4710875,CN=cloudflare.com,O=Cloudflare\, Inc.,L=San Francisco,ST=California,C=US,"#
                + "1.3.6.1.4.1.311.60.2.1.2=#130844656c6177617265,1.3.6.1.4.1.311.60.2.1.3=#13025553,"
                + "2.5.4.15=#131450726976617465204f7267616e697a6174696f6e",
            issuer: "CN=DigiCert ECC Extended Validation Server CA,OU=www.digicert.com,O=DigiCert Inc,C=US",
            serial: "13836083707412516537413894398330316720", names: ["cloudflare.com", "www.cloudflare.com"]),
    ]

    @Test(arguments: expectations)
    func fieldsMatchOpenSSLInGoForm(_ expected: RealExpectation) throws {
        let fields = try Fixture.fields(expected.fixture)
        #expect(fields.subject.distinguishedName == expected.subject)
        #expect(fields.issuer.distinguishedName == expected.issuer)
        #expect(fields.serialDecimal == expected.serial)
        #expect(fields.packetbeatAlternativeNames == expected.names)
        #expect(fields.versionNumber == 3)
    }

    @Test(arguments: [
        ["real-edge-microsoft-com", "real-azure-tls-issuing-ca-05"],
        ["real-adnxs-com", "real-geotrust-ecc-ca-2018"],
        ["real-liveperson-net", "real-sectigo-rsa-ov-ca", "real-usertrust-rsa-ca"],
    ])
    func eachIssuerIsTheNextCertificatesSubject(_ chain: [String]) throws {
        let fields = try chain.map(Fixture.fields)
        for (certificate, issuer) in zip(fields, fields.dropFirst()) {
            #expect(certificate.issuer == issuer.subject)
        }
    }
}
