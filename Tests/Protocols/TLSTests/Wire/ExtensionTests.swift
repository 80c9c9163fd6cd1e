// Each extension's body, decoded in the message it belongs to (the one dispatch table), byte table by byte
// table.

import TLSWire
import Testing
import WireKit

@Suite struct ExtensionTests {
    /// The single extension of a ClientHello holding only `extension`.
    func inClientHello(_ extension: [UInt8]) throws -> (TLSExtension?, [TLSWireAnomaly]) {
        let h = try clientHelloExtensions(`extension`)
        return (h.extensions.entries.first, h.anomalies)
    }

    /// The single extension of a ServerHello holding only `extension`.
    func inServerHello(_ extension: [UInt8]) throws -> TLSExtension? {
        try parse(minimalServerHelloBody(extensions: `extension`)) { b throws(WireError) in
            try ServerHello.parse(body: b)
        }.extensions.entries.first
    }

    @Test func serverNameKeepsRawBytesEvenWhenNotUTF8() throws {
        let list = vec16(
            wire("00")  // name_type: host_name
                + vec16(wire("c3 28 2e 65 78"))  // host_name: invalid UTF-8, then ".ex"
        )
        let (e, anomalies) = try inClientHello(ext(0x0000, list))
        #expect(e?.value == .serverNames([ServerName(type: .hostName, name: wire("c3282e6578"))]))
        #expect(anomalies.isEmpty)
    }

    @Test func serverNamesAreKeptUpTo255BytesAndDroppedAt256() throws {
        let (kept, none) = try inClientHello(ext(0x0000, vec16(wire("00") + vec16(repeated(0x61, 255)))))
        #expect(kept?.value == .serverNames([ServerName(type: .hostName, name: repeated(0x61, 255))]))
        #expect(none.isEmpty)
        let (dropped, anomalies) = try inClientHello(ext(0x0000, vec16(wire("00") + vec16(repeated(0x61, 256)))))
        #expect(dropped?.value == .serverNames([]))
        #expect(anomalies == [.extensionServerNameTooLong])
    }

    @Test func eightServerNamesAreKeptAndANinthIsNot() throws {
        func names(_ count: Int) -> [UInt8] {
            ext(0x0000, vec16((0..<count).flatMap { i in wire("00") + vec16(ascii("h\(i)")) }))
        }
        let (eight, none) = try inClientHello(names(8))
        guard case .serverNames(let kept) = eight?.value else {
            Issue.record("no names")
            return
        }
        #expect(kept.count == 8 && none.isEmpty)
        let (nine, anomalies) = try inClientHello(names(9))
        guard case .serverNames(let capped) = nine?.value else {
            Issue.record("no names")
            return
        }
        #expect(capped.count == 8 && anomalies == [.extensionTooManyEntries])
    }

    @Test func anEmptyServerNameInAServerHelloIsTheAcknowledgement() throws {
        #expect(try inServerHello(ext(0x0000))?.value == .empty)
    }

    @Test func alpnKeepsNonASCIIProtocolIds() throws {
        let list = vec16(
            vec8(ascii("h2"))  // "h2"
                + vec8(wire("ff 00 e9"))  // three bytes that are not ASCII
        )
        let (e, _) = try inClientHello(ext(0x0010, list))
        #expect(e?.value == .protocolNames([ascii("h2"), wire("ff00e9")]))
    }

    @Test func thirtyTwoALPNIdsAreKeptAndAThirtyThirdIsNot() throws {
        func alpn(_ count: Int) -> [UInt8] { ext(0x0010, vec16((0..<count).flatMap { _ in vec8(ascii("x")) })) }
        let (all, none) = try inClientHello(alpn(32))
        guard case .protocolNames(let kept) = all?.value else {
            Issue.record("no ALPN")
            return
        }
        #expect(kept.count == 32 && none.isEmpty)
        let (capped, anomalies) = try inClientHello(alpn(33))
        guard case .protocolNames(let first) = capped?.value else {
            Issue.record("no ALPN")
            return
        }
        #expect(first.count == 32 && anomalies == [.extensionTooManyEntries])
    }

    @Test func anEmptyALPNIdIsMalformed() throws {
        let (e, anomalies) = try inClientHello(ext(0x0010, vec16(vec8([]))))
        #expect(e?.isMalformed == true && anomalies == [.extensionMalformed])
    }

    @Test func codePointListsKeep512EntriesAndReportTheRest() throws {
        func groups(_ count: Int) -> [UInt8] { ext(0x000a, vec16((0..<count).flatMap { _ in wire("001d") })) }
        let (all, none) = try inClientHello(groups(512))
        #expect(all?.value == .supportedGroups(Array(repeating: .x25519, count: 512)) && none.isEmpty)
        let (capped, anomalies) = try inClientHello(groups(513))
        #expect(capped?.value == .supportedGroups(Array(repeating: .x25519, count: 512)))
        #expect(anomalies == [.extensionTooManyEntries])
    }

    @Test func anOddLengthGroupListIsMalformed() throws {
        let (e, anomalies) = try inClientHello(ext(0x000a, vec16(wire("001d 00"))))
        #expect(e?.isMalformed == true && e?.type == .supportedGroups && anomalies == [.extensionMalformed])
    }

    @Test func signatureAlgorithmsAndTheirCertVariant() throws {
        let (sigs, _) = try inClientHello(ext(0x000d, vec16(wire("0403 0804 0201 efef"))))
        #expect(
            sigs?.value
                == .signatureSchemes([.ecdsaSecp256r1SHA256, .rsaPSSRSAESHA256, .rsaPKCS1SHA1, SignatureScheme(0xefef)])
        )
        let (cert, _) = try inClientHello(ext(0x0032, vec16(wire("0807"))))
        #expect(cert?.value == .signatureSchemes([.ed25519]))
    }

    @Test func supportedVersionsIsAListFromTheClientAndOneVersionFromTheServer() throws {
        let (client, _) = try inClientHello(ext(0x002b, vec8(wire("0304 0303"))))
        #expect(client?.value == .supportedVersions([.tls13, .tls12]))
        #expect(try inServerHello(ext(0x002b, wire("0304")))?.value == .selectedVersion(.tls13))
    }

    @Test func pskModesAndOfferedPSKs() throws {
        let (modes, _) = try inClientHello(ext(0x002d, vec8(wire("00 01"))))
        #expect(modes?.value == .pskKeyExchangeModes([.pskKE, .pskDHEKE]))
        let identities = vec16(ascii("ticket-1")) + wire("00000010") + vec16(ascii("ticket-2")) + wire("00000020")
        let binders = vec8(repeated(0xb1, 32)) + vec8(repeated(0xb2, 48))
        let (psk, anomalies) = try inClientHello(ext(0x0029, vec16(identities) + vec16(binders)))
        #expect(psk?.value == .offeredPSKs(identities: 2, binders: 2) && anomalies.isEmpty)
    }

    @Test func sessionTicketLengthTellsEmptyFromPresent() throws {
        #expect(try inClientHello(ext(0x0023)).0?.value == .sessionTicket(length: 0))
        #expect(try inClientHello(ext(0x0023, repeated(0x7e, 192))).0?.value == .sessionTicket(length: 192))
    }

    @Test func statusRequestFromTheClientAndItsAcknowledgement() throws {
        let (request, _) = try inClientHello(ext(0x0005, wire("01") + vec16(wire("0003 aabbcc")) + vec16(wire("0102"))))
        #expect(
            request?.value
                == .statusRequest(
                    StatusRequest(statusType: .ocsp, responderIDListLength: 5, requestExtensionsLength: 2)))
        #expect(try inServerHello(ext(0x0005))?.value == .empty)
        let (nonEmptyAck) = try inServerHello(ext(0x0005, wire("00")))
        #expect(nonEmptyAck?.isMalformed == true)
    }

    @Test func signedCertificateTimestampsAreCountedFromTheServer() throws {
        #expect(try inClientHello(ext(0x0012)).0?.value == .empty)
        let list = vec16(vec16(repeated(1, 40)) + vec16(repeated(2, 50)))
        #expect(try inServerHello(ext(0x0012, list))?.value == .signedCertificateTimestamps(count: 2))
    }

    @Test func smallFixedBodies() throws {
        #expect(try inClientHello(ext(0x000f, wire("01"))).0?.value == .heartbeat(.peerAllowedToSend))
        #expect(try inClientHello(ext(0xff01, vec8([]))).0?.value == .renegotiationInfo(length: 0))
        #expect(try inServerHello(ext(0xff01, vec8(repeated(9, 24))))?.value == .renegotiationInfo(length: 24))
        #expect(try inClientHello(ext(0x0017)).0?.value == .empty)
        #expect(try inClientHello(ext(0x0016)).0?.value == .empty)
        #expect(try inClientHello(ext(0x0001, wire("02"))).0?.value == .maxFragmentLength(2))
        #expect(
            try inClientHello(ext(0x001b, vec8(wire("0001 0003")))).0?.value == .compressionAlgorithms([.zlib, .zstd]))
        #expect(try inClientHello(ext(0x002a)).0?.value == .empty)  // early_data indication
    }

    @Test func extendedMasterSecretWithABodyIsMalformed() throws {
        let (e, anomalies) = try inClientHello(ext(0x0017, wire("00")))
        #expect(e?.isMalformed == true && anomalies == [.extensionMalformed])
    }

    @Test func recordSizeLimitIsAcceptedAt64AndReportedAt63() throws {
        let (ok, none) = try inClientHello(ext(0x001c, wire("0040")))
        #expect(ok?.value == .recordSizeLimit(64) && none.isEmpty)
        let (small, anomalies) = try inClientHello(ext(0x001c, wire("003f")))
        #expect(small?.value == .recordSizeLimit(63) && anomalies == [.extensionRecordSizeLimitTooSmall])
    }

    @Test func keyShareSharesFromTheClient() throws {
        let (e, _) = try inClientHello(
            ext(
                0x0033,
                vec16(
                    wire("11ec") + vec16(repeated(1, 1216))  // X25519MLKEM768: 1216-byte share
                        + wire("001d") + vec16(repeated(2, 32))  // x25519: 32-byte share
                )))
        #expect(
            e?.value
                == .keyShares([
                    KeyShareEntry(group: .x25519MLKEM768, keyExchangeLength: 1216),
                    KeyShareEntry(group: .x25519, keyExchangeLength: 32),
                ]))
    }

    @Test func encryptedClientHelloOuterAndInner() throws {
        let outer =
            wire("00")  // type: outer
            + wire("0001 0001")  // HPKE KDF HKDF-SHA256, AEAD AES-128-GCM
            + wire("2a")  // config_id 42
            + vec16(repeated(3, 32))  // enc
            + vec16(repeated(4, 200))  // payload
        #expect(
            try inClientHello(ext(0xfe0d, outer)).0?.value
                == .encryptedClientHello(.outer, configID: 42, payloadLength: 200))
        #expect(
            try inClientHello(ext(0xfe0d, wire("01"))).0?.value
                == .encryptedClientHello(.inner, configID: nil, payloadLength: 0))
    }

    @Test func paddingMustBeZeros() throws {
        let (zeros, none) = try inClientHello(ext(0x0015, repeated(0, 10)))
        #expect(zeros?.value == .padding(length: 10) && none.isEmpty)
        let (junk, anomalies) = try inClientHello(ext(0x0015, repeated(0, 9) + [1]))
        #expect(junk?.value == .padding(length: 10) && anomalies == [.extensionPaddingNotZero])
    }

    @Test func unknownAndGREASETypesAreKeptByNumberWithTheirLength() throws {
        let (unknown, _) = try inClientHello(ext(0x7777, repeated(5, 7)))
        #expect(unknown?.type.rawValue == 0x7777 && unknown?.length == 7 && unknown?.value == .opaque)
        let (grease, _) = try inClientHello(ext(0xdada, wire("00")))
        #expect(grease?.type.isGREASE == true && grease?.length == 1 && grease?.value == .opaque)
    }
}
