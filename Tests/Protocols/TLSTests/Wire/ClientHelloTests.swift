// ClientHello (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2): a table-built hello, the limits of its
// fixed fields, and two real hellos (Firefox, and Chrome with GREASE).

import TLSWire
import Testing
import WireKit

@Suite struct ClientHelloTests {
    func hello(_ body: [UInt8]) throws -> ClientHello {
        try parse(body) { b throws(WireError) in try ClientHello.parse(body: b) }
    }

    @Test func readsEveryFieldOfATableBuiltHello() throws {
        let body =
            wire("0303")  // legacy_version: TLS 1.2
            + (0..<32).map(UInt8.init)  // random: 00 01 … 1f
            + vec8(repeated(0xaa, 32))  // session id: 32 bytes
            + vec16(wire("1301 c02f 00ff"))  // cipher_suites: TLS_AES_128_GCM_SHA256, ECDHE_RSA…GCM, SCSV
            + vec8(wire("01 00"))  // compression_methods: DEFLATE, NULL
            + vec16(
                ext(0x0000, vec16(wire("00") + vec16(ascii("example.org"))))  // server_name: example.org
                    + ext(0x0017)  // extended_master_secret
            )
        let h = try hello(body)
        #expect(h.legacyVersion == .tls12)
        #expect(h.random.bytes == (0..<32).map(UInt8.init))
        #expect(h.random.gmtUnixTime == 0x0001_0203)
        #expect(h.sessionID == repeated(0xaa, 32))
        #expect(
            h.cipherSuites == [
                .aes128GCMSHA256, .ecdheRSAWithAES128GCMSHA256, .emptyRenegotiationInfoSCSV,
            ])
        #expect(h.compressionMethods == [.deflate, .null])
        #expect(h.hasExtensionBlock)
        #expect(h.extensions.types == [.serverName, .extendedMasterSecret])
        #expect(h.extensions.serverNames == [ascii("example.org")])
        #expect(h.anomalies.isEmpty)
    }

    @Test func aHelloWithoutAnExtensionBlockIsValid() throws {
        let h = try hello(minimalClientHelloBody())
        #expect(!h.hasExtensionBlock && h.extensions.isEmpty && h.anomalies.isEmpty)
    }

    @Test func aSessionIDOfThirtyThreeBytesIsKeptAndReported() throws {
        func body(_ length: Int) -> [UInt8] {
            wire("0303") + repeated(0x11, 32) + vec8(repeated(0x5e, length)) + vec16(wire("c02f")) + vec8(wire("00"))
        }
        #expect(try hello(body(32)).anomalies.isEmpty)
        let long = try hello(body(33))
        #expect(long.sessionID.count == 33)
        #expect(long.anomalies == [.clientHelloBadSessionIDLength])
    }

    @Test func oddOrEmptyCipherSuiteListsAreReported() throws {
        let odd = wire("0303") + repeated(0x11, 32) + vec8([]) + vec16(wire("c02f 13")) + vec8(wire("00"))
        let h = try hello(odd)
        #expect(h.cipherSuites == [.ecdheRSAWithAES128GCMSHA256])
        #expect(h.anomalies == [.clientHelloBadCipherSuitesLength])
        let empty = wire("0303") + repeated(0x11, 32) + vec8([]) + vec16([]) + vec8(wire("00"))
        #expect(try hello(empty).anomalies == [.clientHelloBadCipherSuitesLength])
    }

    @Test func theLargestCipherSuiteListTheWireAllows() throws {
        // 2^16-2 bytes: TLSLimits.maxCipherSuites suites. One more cannot be encoded in the 16-bit length.
        let suites = (0..<TLSLimits.maxCipherSuites).flatMap { _ in wire("c02f") }
        let body = wire("0303") + repeated(0x11, 32) + vec8([]) + vec16(suites) + vec8(wire("00"))
        let h = try hello(body)
        #expect(h.cipherSuites.count == 32767)
        #expect(h.anomalies.isEmpty)
    }

    @Test func aHelloWithoutCompressionMethodsIsReported() throws {
        let body = wire("0303") + repeated(0x11, 32) + vec8([]) + vec16(wire("c02f")) + vec8([])
        #expect(try hello(body).anomalies == [.clientHelloNoCompressionMethods])
    }

    @Test func aHelloCutInsideItsFixedFieldsThrowsTruncated() {
        let body = minimalClientHelloBody()
        let error = failure(Array(body.prefix(20))) { b throws(WireError) in try ClientHello.parse(body: b) }
        #expect(error?.code == .truncated)
    }

    @Test func realFirefoxHello() throws {
        let record = RealCaptures.firefoxClientHelloRecord
        let header = try parse(record) { b throws(WireError) in try RecordHeader.parse(b) }
        #expect(header.version == .tls10 && header.totalLength == record.count)
        guard case .clientHello(let h) = try message(RealCaptures.messageInside(record)) else {
            Issue.record("not a ClientHello")
            return
        }
        #expect(h.anomalies.isEmpty)
        #expect(h.legacyVersion.recordText == "3.3")
        #expect(h.sessionID == wire("46f8617b580ac9358e2aa44e306d52466bcc989c87c8ca64309f5faf50ba7b4d"))
        #expect(h.cipherSuites.count == 17)
        #expect(h.cipherSuites.first == .aes128GCMSHA256 && h.cipherSuites.last == CipherSuite(0x0035))
        #expect(h.compressionMethods.map(\.description) == ["NULL"])
        #expect(h.extensions.types.map(\.rawValue) == [0, 23, 65281, 10, 11, 35, 16, 5, 34, 51, 43, 13, 45, 28, 21])
        #expect(h.extensions.serverNames == [ascii("contile.services.mozilla.com")])
        #expect(
            h.extensions.supportedGroups.map(\.description)
                == ["x25519", "secp256r1", "secp384r1", "secp521r1", "ffdhe2048", "ffdhe3072"])
        #expect(h.extensions.ecPointFormats == [.uncompressed])
        #expect(h.extensions.alpnProtocols == [ascii("h2"), ascii("http/1.1")])
        #expect(h.extensions.supportedVersions.map(\.description) == ["TLS 1.3", "TLS 1.2"])
        #expect(
            h.extensions.signatureAlgorithms.map(\.packetbeatDescription) == [
                "ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512", "rsa_pss_sha256",
                "rsa_pss_sha384", "rsa_pss_sha512", "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512",
                "ecdsa_sha1", "rsa_pkcs1_sha1",
            ])
        #expect(h.extensions.pskKeyExchangeModes == [.pskDHEKE])
        #expect(
            h.extensions[.keyShare]?.value
                == .keyShares([
                    KeyShareEntry(group: .x25519, keyExchangeLength: 32),
                    KeyShareEntry(group: .secp256r1, keyExchangeLength: 65),
                ]))
        #expect(h.extensions[.recordSizeLimit]?.value == .recordSizeLimit(0x4001))
        #expect(h.extensions[.padding]?.value == .padding(length: 122))
        #expect(h.extensions[.sessionTicket]?.value == .sessionTicket(length: 0))
        #expect(h.extensions[.renegotiationInfo]?.value == .renegotiationInfo(length: 0))
        #expect(
            h.extensions[.statusRequest]?.value
                == .statusRequest(
                    StatusRequest(statusType: .ocsp, responderIDListLength: 0, requestExtensionsLength: 0)))
        #expect(
            h.extensions[.delegatedCredential]?.value
                == .signatureSchemes([
                    SignatureScheme(0x0403), SignatureScheme(0x0503), SignatureScheme(0x0603), .ecdsaSHA1,
                ]))
    }

    @Test func realChromeHelloKeepsGREASEInWireOrder() throws {
        guard case .clientHello(let h) = try message(RealCaptures.messageInside(RealCaptures.chromeClientHelloRecord))
        else {
            Issue.record("not a ClientHello")
            return
        }
        #expect(h.anomalies.isEmpty)
        #expect(h.cipherSuites.first == CipherSuite(0xaaaa) && h.cipherSuites.first?.isGREASE == true)
        #expect(h.cipherSuites.count == 16)
        let types = h.extensions.types
        #expect(types.first == ExtensionType(0x9a9a) && types.first?.isGREASE == true)
        #expect(types.filter(\.isGREASE).map(\.rawValue) == [0x9a9a, 0x6a6a])
        #expect(types.count == 18)
        #expect(h.extensions[ExtensionType(0x9a9a)]?.value == .opaque)
        #expect(h.extensions[ExtensionType(17513)]?.value == .opaque)  // ALPS, not decoded
        #expect(h.extensions.keyShareGroups == [NamedGroup(0x0a0a), .x25519])
        #expect(h.extensions.supportedVersions == [ProtocolVersion(0x0a0a), .tls13, .tls12])
        #expect(h.extensions.supportedGroups == [NamedGroup(0x0a0a), .x25519, .secp256r1, .secp384r1])
        #expect(h.extensions[.compressCertificate]?.value == .compressionAlgorithms([.brotli]))
        #expect(h.extensions[.signedCertificateTimestamp]?.value == .empty)
        #expect(h.extensions.serverNames == [ascii("clientservices.googleapis.com")])
        #expect(h.extensions[.padding]?.value == .padding(length: 186))
    }
}
