// ServerKeyExchange per key exchange, ClientKeyExchange, NewSessionTicket (TLS 1.2 and 1.3), Finished,
// KeyUpdate, EncryptedExtensions, the empty messages, and the handshake-message front door.

import TLSWire
import Testing
import WireKit

@Suite struct KeyExchangeAndSessionTests {
    func serverKeyExchange(_ body: [UInt8], _ kind: KeyExchangeKind, _ version: ProtocolVersion? = .tls12) throws
        -> ServerKeyExchange
    {
        try parse(body) { b throws(WireError) in
            try ServerKeyExchange.parse(body: b, keyExchange: kind, version: version)
        }
    }

    @Test func ownECDHEServerKeyExchange() throws {
        let context = HandshakeContext(version: .tls12, keyExchange: CipherSuite(0xc02b).keyExchange)
        guard case .serverKeyExchange(let ske) = try message(OwnCaptures.x25519ServerKeyExchange, context: context)
        else {
            Issue.record("not a ServerKeyExchange")
            return
        }
        #expect(ske.parameters == .ecdhe(curveType: .namedCurve, group: .x25519, publicKeyLength: 32))
        #expect(ske.group == .x25519)
        #expect(ske.signatureScheme == .ecdsaSecp256r1SHA256 && ske.signatureLength == 71)
        #expect(ske.anomalies.isEmpty)
    }

    @Test func namedCurveECDHEIsRecognisedWithoutKnowingTheSuite() throws {
        let body = Array(OwnCaptures.x25519ServerKeyExchange.dropFirst(4))
        let ske = try serverKeyExchange(body, .other, nil)
        #expect(ske.group == .x25519 && ske.signatureScheme == .ecdsaSecp256r1SHA256)
    }

    @Test func ownDHEServerKeyExchange() throws {
        let context = HandshakeContext(version: .tls12, keyExchange: CipherSuite.dheRSAWithAES128GCMSHA256.keyExchange)
        guard case .serverKeyExchange(let ske) = try message(OwnCaptures.dheServerKeyExchange, context: context) else {
            Issue.record("not a ServerKeyExchange")
            return
        }
        #expect(ske.parameters == .dhe(primeBits: 2048, generatorLength: 1, publicKeyLength: 256))
        #expect(ske.signatureScheme?.packetbeatDescription == "rsa_pss_sha256" && ske.signatureLength == 256)
        #expect(ske.anomalies.isEmpty)
    }

    @Test func otherShapesStayUndecodedWithoutTheSuite() throws {
        let rsaExport = vec16(repeated(0xc1, 64)) + vec16(wire("010001")) + vec16(repeated(2, 64))
        let ske = try serverKeyExchange(rsaExport, .other)
        #expect(ske.parameters == .undecoded && ske.signatureLength == nil && ske.anomalies.isEmpty)
    }

    @Test func dheParametersGiveThePrimeSizeInBits() throws {
        let body =
            vec16([0x00, 0x80] + repeated(0xff, 255))  // dh_p: a leading zero, then 2048 bits
            + vec16(wire("02"))  // dh_g: 2
            + vec16(repeated(0x5b, 256))  // dh_Ys
            + wire("0401") + vec16(repeated(0x51, 256))  // rsa_pkcs1_sha256 signature
        let ske = try serverKeyExchange(body, .dhe)
        #expect(ske.parameters == .dhe(primeBits: 2048, generatorLength: 1, publicKeyLength: 256))
        #expect(ske.signatureScheme == .rsaPKCS1SHA256 && ske.signatureLength == 256)
    }

    @Test func tls10SignaturesHaveNoScheme() throws {
        let body = wire("03 0017") + vec8(repeated(4, 65)) + vec16(repeated(0x51, 128))
        let ske = try serverKeyExchange(body, .ecdhe, .tls10)
        #expect(ske.signatureScheme == nil && ske.signatureLength == 128)
    }

    @Test func anonymousECDHHasNoSignature() throws {
        let ske = try serverKeyExchange(wire("03 001d") + vec8(repeated(4, 32)), .ecdhe)
        #expect(ske.group == .x25519 && ske.signatureLength == nil && ske.anomalies.isEmpty)
    }

    @Test func ecdhePSKStartsWithTheIdentityHint() throws {
        let body = vec16(ascii("hint")) + wire("03 001d") + vec8(repeated(4, 32))
        let ske = try serverKeyExchange(body, .ecdhePSK)
        #expect(ske.pskIdentityHintLength == 4 && ske.group == .x25519 && ske.signatureLength == nil)
    }

    @Test func explicitCurvesAreNotedWithoutAGroup() throws {
        let ske = try serverKeyExchange(wire("01") + repeated(0xee, 40), .ecdhe)
        #expect(ske.parameters == .ecdhe(curveType: ECCurveType(1), group: nil, publicKeyLength: 0))
    }

    @Test func bytesAfterTheSignatureAreReported() throws {
        let body = wire("03 001d") + vec8(repeated(4, 32)) + wire("0403") + vec16(repeated(1, 70)) + wire("00")
        #expect(try serverKeyExchange(body, .ecdhe).anomalies == [.handshakeBadLength])
    }

    @Test func ownClientKeyExchangeIsItsLength() throws {
        #expect(try message(OwnCaptures.ecdheClientKeyExchange) == .clientKeyExchange(ClientKeyExchange(length: 33)))
    }

    @Test func ownTLS12NewSessionTicket() throws {
        guard case .newSessionTicket(let t) = try message(OwnCaptures.tls12NewSessionTicket) else {
            Issue.record("not a NewSessionTicket")
            return
        }
        #expect(t.lifetime == 7200 && t.ticketLength == 176 && t.ageAdd == nil && t.nonce == nil)
        #expect(t.anomalies.isEmpty)
    }

    @Test func tls13NewSessionTicketWithEarlyData() throws {
        let body =
            wire("00001c20")  // ticket_lifetime: 7200 s
            + wire("0badcafe")  // ticket_age_add
            + vec8(wire("0000000000000001"))  // ticket_nonce
            + vec16(repeated(0x7c, 100))  // ticket
            + vec16(ext(0x002a, wire("00004000")))  // early_data: max_early_data_size 16384
        let context = HandshakeContext(version: .tls13, keyExchange: .tls13)
        guard case .newSessionTicket(let t) = try message(handshake(4, body), context: context) else {
            Issue.record("not a NewSessionTicket")
            return
        }
        #expect(t.lifetime == 7200 && t.ageAdd == 0x0bad_cafe && t.nonce == wire("0000000000000001"))
        #expect(t.ticketLength == 100 && t.maxEarlyDataSize == 16384 && t.anomalies.isEmpty)
    }

    @Test func encryptedExtensionsReadAsTheServerSendsThem() throws {
        let body = vec16(
            ext(0x0000)  // server_name acknowledgement
                + ext(0x0010, vec16(vec8(ascii("h2"))))  // ALPN: h2
                + ext(0x002a)  // early_data accepted
                + ext(0x001c, wire("4001"))  // record_size_limit
                + ext(0xfe0d, vec16(repeated(8, 60)))  // ECH retry configs
        )
        guard case .encryptedExtensions(let e) = try message(handshake(8, body)) else {
            Issue.record("not EncryptedExtensions")
            return
        }
        #expect(e.extensions[.serverName]?.value == .empty)
        #expect(e.extensions.alpnProtocols == [ascii("h2")])
        #expect(e.extensions[.earlyData]?.value == .empty)
        #expect(e.extensions[.encryptedClientHello]?.value == .opaque)
        #expect(e.anomalies.isEmpty)
    }

    @Test func finishedKeyUpdateAndEmptyMessages() throws {
        #expect(try message(handshake(20, repeated(1, 12))) == .finished(Finished(verifyDataLength: 12)))
        #expect(try message(handshake(20, [])).anomalies == [.handshakeBadLength])
        #expect(try message(handshake(24, wire("01"))) == .keyUpdate(KeyUpdate(request: .updateRequested)))
        let badUpdate = failure(handshake(24, wire("01 00"))) { b throws(WireError) in try HandshakeMessage.parse(b) }
        #expect(badUpdate.map { TLSWireAnomaly($0, otherwise: .handshakeTruncated) } == .handshakeBadLength)
        #expect(try message(handshake(14, [])) == .serverHelloDone(EmptyHandshakeMessage()))
        #expect(try message(handshake(14, wire("00"))).anomalies == [.handshakeBadLength])
        #expect(try message(handshake(0, [])).type == .helloRequest)
        #expect(try message(handshake(5, [])).type == .endOfEarlyData)
    }

    @Test func unknownTypesAreKeptByNumber() throws {
        let unknown = try message(handshake(99, repeated(0, 7)))
        #expect(unknown == .other(HandshakeType(99), length: 7))
        #expect(unknown.anomalies == [.handshakeUnknownType])
        #expect(try message(handshake(3, repeated(0, 3))).anomalies.isEmpty)  // hello_verify_request: named
    }

    @Test func theFrontDoorReadsOneMessageAndNoMore() throws {
        let two = handshake(14, []) + handshake(20, repeated(1, 12))
        #expect(try message(two) == .serverHelloDone(EmptyHandshakeMessage()))
        let short = Array(handshake(20, repeated(1, 12)).dropLast())
        #expect(failure(short) { b throws(WireError) in try HandshakeMessage.parse(b) }?.code == .truncated)
    }
}
