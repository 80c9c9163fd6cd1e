// Whole handshake messages from our own OpenSSL connections (OwnCaptures), TLS 1.2 and the TLS 1.3 messages
// that are normally encrypted: what each one decodes to.

import TLSWire
import Testing
import WireKit

@Suite struct OwnCaptureTests {
    @Test func tls12ServerHelloFromATLS13ServerCarriesTheDowngradeSentinel() throws {
        guard case .serverHello(let h) = try message(OwnCaptures.tls12ServerHelloWithDowngradeSentinel) else {
            Issue.record("not a ServerHello")
            return
        }
        #expect(h.random.downgradeSentinel == .tls12)
        #expect(h.selectedVersion == .tls12 && h.cipherSuite == .ecdheECDSAWithAES128GCMSHA256)
        #expect(h.extensions.types == [.renegotiationInfo, .ecPointFormats, .sessionTicket, .extendedMasterSecret])
        #expect(h.anomalies.isEmpty)
    }

    @Test func tls12CertificateRequestKeepsUnnamedTLS12Pairs() throws {
        guard
            case .certificateRequest(let r) = try message(
                OwnCaptures.tls12CertificateRequest, context: HandshakeContext(version: .tls12))
        else {
            Issue.record("not a CertificateRequest")
            return
        }
        #expect(r.certificateTypes == [.rsaSign, ClientCertificateType(2), .ecdsaSign])
        #expect(r.certificateTypes.map(\.description) == ["rsa_sign", "dss_sign", "ecdsa_sign"])
        #expect(r.signatureAlgorithms.count == 20)
        #expect(
            r.signatureAlgorithms.suffix(6).map(\.packetbeatDescription) == [
                "(unknown:0x0303)", "(unknown:0x0301)", "(unknown:0x0302)", "(unknown:0x0402)", "(unknown:0x0502)",
                "(unknown:0x0602)",
            ])
        #expect(r.certificateAuthorityCount == 0 && r.anomalies.isEmpty)
    }

    @Test func tls12CertificateVerifyAndFinished() throws {
        let verify = try message(OwnCaptures.tls12CertificateVerify, context: HandshakeContext(version: .tls12))
        #expect(
            verify == .certificateVerify(CertificateVerify(signatureScheme: .ecdsaSecp256r1SHA256, signatureLength: 71))
        )
        #expect(try message(OwnCaptures.tls12Finished) == .finished(Finished(verifyDataLength: 12)))
    }

    @Test func tls13EncryptedExtensionsMayBeEmpty() throws {
        guard case .encryptedExtensions(let e) = try message(OwnCaptures.tls13EncryptedExtensions) else {
            Issue.record("not EncryptedExtensions")
            return
        }
        #expect(e.extensions.isEmpty && e.anomalies.isEmpty)
    }

    @Test func tls13CertificateWithAStapledOCSPResponse() throws {
        let context = HandshakeContext(version: .tls13, keyExchange: .tls13)
        guard case .certificate(let c) = try message(OwnCaptures.tls13CertificateWithOCSP, context: context) else {
            Issue.record("not a Certificate")
            return
        }
        #expect(c.requestContext == [])
        try #require(c.entries.count == 2)
        #expect(c.entries.map(\.der.count) == [305, 400])
        #expect(c.entries[0].der.prefix(2) == [0x30, 0x82])  // a DER SEQUENCE with a two-byte length
        #expect(
            c.entries[0].extensions[.statusRequest]?.value
                == .certificateStatus(
                    CertificateStatus(statusType: .ocsp, responseLength: 699, ocspResponseStatus: .successful)))
        #expect(c.entries[1].extensions.isEmpty)
        #expect(c.totalCount == 2 && c.anomalies.isEmpty)
    }

    @Test func tls13CertificateVerifyFinishedAndTicket() throws {
        let context = HandshakeContext(version: .tls13, keyExchange: .tls13)
        let verify = try message(OwnCaptures.tls13CertificateVerify, context: context)
        #expect(
            verify == .certificateVerify(CertificateVerify(signatureScheme: .ecdsaSecp256r1SHA256, signatureLength: 70))
        )
        #expect(try message(OwnCaptures.tls13Finished, context: context) == .finished(Finished(verifyDataLength: 48)))
        guard case .newSessionTicket(let t) = try message(OwnCaptures.tls13NewSessionTicket, context: context) else {
            Issue.record("not a NewSessionTicket")
            return
        }
        #expect(t.lifetime == 7200 && t.ageAdd == 0xd9dd_8eec && t.nonce == repeated(0, 8))
        #expect(t.ticketLength == 208 && t.extensions.isEmpty && t.maxEarlyDataSize == nil && t.anomalies.isEmpty)
    }

    @Test func tls13CertificateRequestNamesItsCA() throws {
        guard
            case .certificateRequest(let r) = try message(
                OwnCaptures.tls13CertificateRequest, context: HandshakeContext(version: .tls13))
        else {
            Issue.record("not a CertificateRequest")
            return
        }
        #expect(r.requestContext == [])
        #expect(r.signatureAlgorithms.count == 16 && r.signatureAlgorithms.first == .ecdsaSecp256r1SHA256)
        #expect(r.extensions[.certificateAuthorities]?.value == .certificateAuthorities(count: 1))
        #expect(r.anomalies.isEmpty)
    }
}
