// ServerHello (RFC 8446 section 4.1.3, RFC 5246 section 7.4.1.3): real TLS 1.2 and TLS 1.3 hellos,
// HelloRetryRequest detection by its random, and the downgrade sentinels.

import TLSWire
import Testing
import WireKit

@Suite struct ServerHelloTests {
    func hello(_ body: [UInt8]) throws -> ServerHello {
        try parse(body) { b throws(WireError) in try ServerHello.parse(body: b) }
    }

    static let hrrRandom = wire("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

    @Test func realTLS12Hello() throws {
        guard case .serverHello(let h) = try message(RealCaptures.messageInside(RealCaptures.tls12ServerHelloRecord))
        else {
            Issue.record("not a ServerHello")
            return
        }
        #expect(h.legacyVersion == .tls12 && h.selectedVersion == .tls12)
        #expect(h.random.bytes == wire("e0e01a62d6c5c4a06b91f27ce6996274f2c68db9f7c6c5f4fe155b51e1d46e4f"))
        #expect(h.sessionID.isEmpty)
        #expect(h.cipherSuite.description == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(h.cipherSuite.keyExchange == .ecdhe)
        #expect(h.compressionMethod == .null)
        #expect(h.extensions.types == [.sessionTicket, .renegotiationInfo])
        #expect(h.extensions[.sessionTicket]?.value == .sessionTicket(length: 0))
        #expect(!h.isHelloRetryRequest && h.random.downgradeSentinel == nil)
        #expect(h.anomalies.isEmpty)
    }

    @Test func realTLS13HelloSelectsItsVersionInSupportedVersions() throws {
        guard case .serverHello(let h) = try message(RealCaptures.messageInside(RealCaptures.tls13ServerHelloRecord))
        else {
            Issue.record("not a ServerHello")
            return
        }
        #expect(h.legacyVersion == .tls12)
        #expect(h.selectedVersion == .tls13 && h.selectedVersion.versionText == "1.3")
        #expect(h.sessionID.count == 32)  // the client's legacy session id, echoed (middlebox compatibility)
        #expect(h.cipherSuite == .aes128GCMSHA256)
        #expect(h.extensions[.keyShare]?.value == .keyShare(KeyShareEntry(group: .x25519, keyExchangeLength: 32)))
        #expect(h.extensions.keyShareGroups == [.x25519])
        #expect(!h.isHelloRetryRequest)
        #expect(h.anomalies.isEmpty)
    }

    @Test func aDraft14HelloHasNeitherSessionIDNorCompressionMethod() throws {
        // Chrome 55's TLS 1.3 draft-14 ServerHello: version 7f0e, random, suite cca9, then the extensions directly.
        let body =
            wire("7f0e") + repeated(0x69, 32) + wire("cca9")
            + vec16(ext(0x0028, wire("001d 0020") + repeated(0x4f, 32)))  // draft key_share: x25519, 32 bytes
        let h = try hello(body)
        #expect(h.legacyVersion.rawValue == 0x7f0e && h.selectedVersion.isTLS13)
        #expect(h.sessionID.isEmpty && h.compressionMethod == .null)
        #expect(h.cipherSuite.rawValue == 0xcca9)
        #expect(h.extensions.types.map(\.rawValue) == [0x0028])
        #expect(h.anomalies.isEmpty)
    }

    @Test func anEarlyDraftServerSending0304HasTheDraftLayoutToo() throws {
        // RFC 8446 servers send 0x0303 here; 0x0304 came only from draft servers, with the draft layout.
        let h = try hello(wire("0304") + repeated(0x52, 32) + wire("1301") + vec16(ext(0x0028, wire("0017 0001 04"))))
        #expect(h.selectedVersion == .tls13 && h.cipherSuite.rawValue == 0x1301 && h.sessionID.isEmpty)
        #expect(h.extensions.types.map(\.rawValue) == [0x0028] && h.anomalies.isEmpty)
    }

    @Test func fromDraft22OnTheHelloHasTheFinalLayout() throws {
        // Draft 22 brought back legacy_session_id_echo and legacy_compression_method: read as in RFC 8446.
        let body = wire("7f16") + repeated(0x22, 32) + wire("00") + wire("1301 00") + vec16(ext(0x002b, wire("7f16")))
        let h = try hello(body)
        #expect(h.cipherSuite.rawValue == 0x1301 && h.compressionMethod == .null)
        #expect(h.selectedVersion.rawValue == 0x7f16 && h.anomalies.isEmpty)
        // Read with the draft-14 layout, the same bytes would have taken the session id length for the suite.
        #expect(!ProtocolVersion(0x7f16).hasDraftServerHelloLayout && ProtocolVersion(0x7f15).hasDraftServerHelloLayout)
    }

    @Test func aHelloRetryRequestIsRecognisedByItsRandom() throws {
        let body = minimalServerHelloBody(
            random: Self.hrrRandom,  // SHA-256("HelloRetryRequest")
            extensions: ext(0x002b, wire("0304"))  // supported_versions: TLS 1.3
                + ext(0x0033, wire("0017"))  // key_share: selected_group secp256r1
                + ext(0x002c, vec16(repeated(0xc0, 20)))  // cookie: 20 bytes
        )
        let h = try hello(body)
        #expect(h.isHelloRetryRequest)
        #expect(h.random == .helloRetryRequest)
        #expect(h.selectedVersion == .tls13)
        #expect(h.extensions[.keyShare]?.value == .selectedGroup(.secp256r1))
        #expect(h.extensions.keyShareGroups == [.secp256r1])
        #expect(h.extensions[.cookie]?.value == .cookie(length: 20))
        #expect(h.anomalies.isEmpty)
    }

    @Test func aRandomOneBitAwayFromTheHRRConstantIsAServerHello() throws {
        var random = Self.hrrRandom
        random[31] ^= 1
        let h = try hello(minimalServerHelloBody(random: random, extensions: ext(0x0033, wire("0017 0001 04"))))
        #expect(!h.isHelloRetryRequest)
        #expect(h.extensions[.keyShare]?.value == .keyShare(KeyShareEntry(group: .secp256r1, keyExchangeLength: 1)))
    }

    @Test(arguments: [
        ("444f574e47524401", DowngradeSentinel.tls12),
        ("444f574e47524400", .tls11OrBelow),
    ])
    func downgradeSentinelsAreRead(_ row: (String, DowngradeSentinel)) throws {
        let random = repeated(0x33, 24) + wire(row.0)  // "DOWNGRD" + 01 or 00 in the last eight bytes
        let h = try hello(minimalServerHelloBody(random: random, extensions: []))
        #expect(h.random.downgradeSentinel == row.1)
    }

    @Test func aSessionIDOfThirtyThreeBytesIsReported() throws {
        let body = wire("0303") + repeated(0x22, 32) + vec8(repeated(1, 33)) + wire("c02f 00")
        let h = try hello(body)
        #expect(h.anomalies == [.serverHelloBadSessionIDLength])
        #expect(!h.hasExtensionBlock)
    }

    @Test func preSharedKeyInAServerHelloIsTheSelectedIdentity() throws {
        let h = try hello(minimalServerHelloBody(extensions: ext(0x0029, wire("0002"))))
        #expect(h.extensions[.preSharedKey]?.value == .selectedIdentity(2))
    }
}
