// Certificate (TLS 1.2 and TLS 1.3 with entry extensions), its limits, CertificateStatus,
// CompressedCertificate, CertificateRequest and CertificateVerify. The "DER" here is synthetic: the wire
// layer copies certificates without decoding them.

import TLSWire
import Testing
import WireKit

@Suite struct CertificateTests {
    static let leaf = wire("30 05 02 01 01 05 00")  // SEQUENCE { INTEGER 1, NULL }: a stand-in for DER
    static let issuer = wire("30 03 02 01 02")  // SEQUENCE { INTEGER 2 }

    func certificate(_ body: [UInt8], tls13: Bool = false) throws -> Certificate {
        try parse(body) { b throws(WireError) in try Certificate.parse(body: b, isTLS13: tls13) }
    }

    @Test func tls12ChainIsCopiedLeafFirst() throws {
        let body = vec24(
            vec24(Self.leaf)  // certificate 1: the leaf
                + vec24(Self.issuer)  // certificate 2: its issuer
        )
        let c = try certificate(body)
        #expect(c.requestContext == nil)
        #expect(c.entries.map(\.der) == [Self.leaf, Self.issuer])
        #expect(c.entries.allSatisfy { !$0.isOmitted && $0.extensions.isEmpty })
        #expect(c.totalCount == 2 && c.anomalies.isEmpty)
    }

    @Test func tls13EntriesCarryTheirOwnExtensions() throws {
        let ocsp = wire("30 03 0a 01 00")  // OCSPResponse { responseStatus successful }
        let body =
            vec8([])  // certificate_request_context: empty (server certificate)
            + vec24(
                vec24(Self.leaf)  // entry 1: cert_data
                    + vec16(
                        ext(0x0005, wire("01") + vec24(ocsp))  // status_request: stapled OCSP
                            + ext(0x0012, vec16(vec16(repeated(7, 47))))  // signed_certificate_timestamp: 1 SCT
                    )
                    + vec24(Self.issuer)  // entry 2: cert_data
                    + vec16([])  // no extensions
            )
        let c = try certificate(body, tls13: true)
        #expect(c.requestContext == [])
        try #require(c.entries.map(\.der) == [Self.leaf, Self.issuer])
        let first = c.entries[0].extensions
        #expect(first.types == [.statusRequest, .signedCertificateTimestamp])
        #expect(
            first[.statusRequest]?.value
                == .certificateStatus(
                    CertificateStatus(statusType: .ocsp, responseLength: 5, ocspResponseStatus: .successful)))
        #expect(first[.signedCertificateTimestamp]?.value == .signedCertificateTimestamps(count: 1))
        #expect(c.entries[1].extensions.isEmpty)
        #expect(c.anomalies.isEmpty)
    }

    @Test func sixteenCertificatesAreKeptAndASeventeenthIsCountedOnly() throws {
        func chain(_ count: Int) -> [UInt8] { vec24((0..<count).flatMap { _ in vec24(Self.issuer) }) }
        let full = try certificate(chain(16))
        #expect(full.entries.count == 16 && full.totalCount == 16 && full.anomalies.isEmpty)
        let long = try certificate(chain(17))
        #expect(long.entries.count == 16 && long.totalCount == 17)
        #expect(long.anomalies == [.certificateChainTooLong])
    }

    @Test func aCertificateOf64KiBIsCopiedAndOneByteMoreIsNot() throws {
        let limit = TLSLimits.maxCertificateLength
        let atLimit = try certificate(vec24(vec24(repeated(0x30, limit))))
        #expect(atLimit.entries.first?.der.count == limit && atLimit.anomalies.isEmpty)
        let over = try certificate(vec24(vec24(repeated(0x30, limit + 1)) + vec24(Self.issuer)))
        #expect(over.entries.first?.isOmitted == true)
        #expect(over.entries.first?.declaredLength == limit + 1)
        #expect(over.entries.last?.der == Self.issuer)  // the chain after it is intact
        #expect(over.anomalies == [.certificateTooLarge])
    }

    @Test func anEmptyEntryIsReported() throws {
        let c = try certificate(vec24(vec24([]) + vec24(Self.issuer)))
        #expect(c.entries.count == 2 && c.anomalies == [.certificateEmptyEntry])
    }

    @Test func aChainCutShortStillYieldsTheLeaf() throws {
        let full = vec24(vec24(Self.leaf) + vec24(Self.issuer))
        let c = try certificate(Array(full.dropLast(2)))
        #expect(c.entries.map(\.der) == [Self.leaf])
        #expect(c.anomalies == [.handshakeTruncated])
    }

    @Test(arguments: [
        (wire("30 82 01 00 0a 01 00"), OCSPResponseStatus.successful),  // two-byte long-form length
        (wire("30 03 0a 01 03"), OCSPResponseStatus(3)),  // tryLater
    ])
    func certificateStatusReadsTheOCSPResponseStatus(_ row: ([UInt8], OCSPResponseStatus)) throws {
        let status = try parse(wire("01") + vec24(row.0)) { b throws(WireError) in
            try CertificateStatus.parse(body: b)
        }
        #expect(status.statusType == .ocsp && status.responseLength == row.0.count)
        #expect(status.ocspResponseStatus == row.1)
    }

    @Test func certificateStatusWithNonOCSPBytesHasNoStatus() throws {
        let status = try parse(wire("01") + vec24(wire("04 02 00 00"))) { b throws(WireError) in
            try CertificateStatus.parse(body: b)
        }
        #expect(status.ocspResponseStatus == nil && status.responseLength == 4)
    }

    @Test func compressedCertificateKeepsAlgorithmAndLengths() throws {
        let body = wire("0002") + wire("000400") + vec24(repeated(9, 50))  // brotli, 1024 bytes when inflated
        guard case .compressedCertificate(let c) = try message(handshake(25, body)) else {
            Issue.record("not a CompressedCertificate")
            return
        }
        #expect(c.algorithm == .brotli && c.uncompressedLength == 1024 && c.compressedLength == 50)
    }

    @Test func tls12CertificateRequest() throws {
        let body =
            vec8(wire("01 40"))  // certificate_types: rsa_sign, ecdsa_sign
            + vec16(wire("0401 0403"))  // supported_signature_algorithms
            + vec16(vec16(Self.leaf) + vec16(Self.issuer))  // certificate_authorities: two DNs
        let r = try parse(body) { b throws(WireError) in try CertificateRequest.parse(body: b, version: .tls12) }
        #expect(r.certificateTypes == [.rsaSign, .ecdsaSign])
        #expect(r.signatureAlgorithms == [.rsaPKCS1SHA256, .ecdsaSecp256r1SHA256])
        #expect(r.certificateAuthorityCount == 2 && r.requestContext == nil && r.anomalies.isEmpty)
    }

    @Test func tls11CertificateRequestHasNoSignatureAlgorithms() throws {
        let body = vec8(wire("01")) + vec16(vec16(Self.leaf))
        let r = try parse(body) { b throws(WireError) in try CertificateRequest.parse(body: b, version: .tls11) }
        #expect(r.certificateTypes == [.rsaSign] && r.signatureAlgorithms.isEmpty)
        #expect(r.certificateAuthorityCount == 1 && r.anomalies.isEmpty)
    }

    @Test func tls13CertificateRequestIsAContextAndExtensions() throws {
        let body =
            vec8(wire("abcd"))  // certificate_request_context (post-handshake authentication)
            + vec16(
                ext(0x000d, vec16(wire("0804 0807")))  // signature_algorithms
                    + ext(0x002f, vec16(vec16(Self.leaf)))  // certificate_authorities: one DN
                    + ext(0x0005, wire("01 0000 0000"))  // status_request
            )
        let r = try parse(body) { b throws(WireError) in try CertificateRequest.parse(body: b, version: .tls13) }
        #expect(r.requestContext == wire("abcd"))
        #expect(r.signatureAlgorithms == [.rsaPSSRSAESHA256, .ed25519])
        #expect(r.extensions[.certificateAuthorities]?.value == .certificateAuthorities(count: 1))
        #expect(
            r.extensions[.statusRequest]?.value
                == .statusRequest(
                    StatusRequest(statusType: .ocsp, responderIDListLength: 0, requestExtensionsLength: 0)))
        #expect(r.anomalies.isEmpty)
    }

    @Test func certificateVerifyWithAndWithoutAScheme() throws {
        let signed = wire("0804") + vec16(repeated(5, 256))
        let v13 = try parse(signed) { b throws(WireError) in try CertificateVerify.parse(body: b, version: .tls13) }
        #expect(v13.signatureScheme == .rsaPSSRSAESHA256 && v13.signatureLength == 256)
        let unknownVersion = try parse(signed) { b throws(WireError) in
            try CertificateVerify.parse(body: b, version: nil)
        }
        #expect(unknownVersion.signatureScheme == .rsaPSSRSAESHA256)
        let v10 = try parse(vec16(repeated(5, 128))) { b throws(WireError) in
            try CertificateVerify.parse(body: b, version: .tls10)
        }
        #expect(v10.signatureScheme == nil && v10.signatureLength == 128)
    }
}
