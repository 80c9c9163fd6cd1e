// Code-point names against the names Packetbeat prints (algos.go, alerts.go, extensions.go, parse.go) and
// the IANA registries, including the formatting of unknown and GREASE values.

import Foundation
import TLSWire
import Testing
import WireKit

/// One printed name: which registry, which value, what Packetbeat prints.
struct PrintedName: Sendable, CustomStringConvertible {
    enum Registry: Sendable { case cipher, signature, group, pointFormat, compression, alert, alertLevel, extensionKey }
    let registry: Registry
    let value: UInt16
    let printed: String

    init(_ registry: Registry, _ value: UInt16, _ printed: String) {
        self.registry = registry
        self.value = value
        self.printed = printed
    }

    /// What wirebeat prints where Packetbeat prints `printed`.
    var actual: String {
        switch registry {
        case .cipher: CipherSuite(value).description
        case .signature: SignatureScheme(value).packetbeatDescription
        case .group: NamedGroup(value).packetbeatDescription
        case .pointFormat: ECPointFormat(UInt8(value)).description
        case .compression: CompressionMethod(UInt8(value)).description
        case .alert: AlertDescription(UInt8(value)).description
        case .alertLevel: AlertLevel(UInt8(value)).description
        case .extensionKey: ExtensionType(value).packetbeatKey
        }
    }

    var description: String { "\(registry) \(value) → \(printed)" }
}

let packetbeatPrintedNames: [PrintedName] = [
    PrintedName(.cipher, 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    PrintedName(.cipher, 0x1301, "TLS_AES_128_GCM_SHA256"),
    PrintedName(.cipher, 0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    PrintedName(.cipher, 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    PrintedName(.cipher, 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    PrintedName(.cipher, 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
    PrintedName(.cipher, 0x5600, "TLS_FALLBACK_SCSV"),
    PrintedName(.cipher, 0x0081, "TLS_GOSTR341001_WITH_28147_CNT_IMIT"),
    PrintedName(.cipher, 0x001c, "SSL_FORTEZZA_KEA_WITH_NULL_SHA"),
    PrintedName(.cipher, 0x0047, "TLS_ECDH_ECDSA_WITH_NULL_SHA"),
    PrintedName(.cipher, 0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8"),
    PrintedName(.cipher, 0xfefe, "SSL_RSA_FIPS_WITH_DES_CBC_SHA"),
    PrintedName(.cipher, 0xff85, "(unknown:0xff85)"),
    PrintedName(.cipher, 0x0a0a, "(unknown:0x0a0a)"),
    PrintedName(.cipher, 0x0100, "(unknown:0x0100)"),
    PrintedName(.signature, 0x0401, "rsa_pkcs1_sha256"),
    PrintedName(.signature, 0x0403, "ecdsa_secp256r1_sha256"),
    PrintedName(.signature, 0x0804, "rsa_pss_sha256"),
    PrintedName(.signature, 0x0806, "rsa_pss_sha512"),
    PrintedName(.signature, 0x0807, "ed25519"),
    PrintedName(.signature, 0x0201, "rsa_pkcs1_sha1"),
    PrintedName(.signature, 0x0203, "ecdsa_sha1"),
    PrintedName(.signature, 0x0301, "(unknown:0x0301)"),
    PrintedName(.signature, 0x0809, "(unknown:0x0809)"),
    PrintedName(.signature, 0xefef, "(unknown:0xefef)"),
    PrintedName(.group, 29, "x25519"),
    PrintedName(.group, 23, "secp256r1"),
    PrintedName(.group, 256, "ffdhe2048"),
    PrintedName(.group, 65281, "arbitrary_explicit_prime_curves"),
    PrintedName(.group, 0x11ec, "(unknown:0x11ec)"),
    PrintedName(.pointFormat, 0, "uncompressed"),
    PrintedName(.pointFormat, 1, "ansiX962_compressed_prime"),
    PrintedName(.pointFormat, 2, "ansiX962_compressed_char2"),
    PrintedName(.pointFormat, 3, "(unknown:0x03)"),
    PrintedName(.compression, 0, "NULL"),
    PrintedName(.compression, 1, "DEFLATE"),
    PrintedName(.compression, 64, "LZS"),
    PrintedName(.compression, 0x10, "(unknown:0x10)"),
    PrintedName(.alert, 0, "close_notify"),
    PrintedName(.alert, 40, "handshake_failure"),
    PrintedName(.alert, 42, "bad_certificate"),
    PrintedName(.alert, 48, "unknown_ca"),
    PrintedName(.alert, 70, "protocol_version"),
    PrintedName(.alert, 21, "decryption_failed"),
    PrintedName(.alert, 41, "no_certificate_RESERVED"),
    PrintedName(.alert, 200, "(unknown:0xc8)"),
    PrintedName(.alertLevel, 1, "warning"),
    PrintedName(.alertLevel, 2, "fatal"),
    PrintedName(.alertLevel, 3, "(unknown:0x03)"),
    PrintedName(.extensionKey, 0, "server_name_indication"),
    PrintedName(.extensionKey, 10, "supported_groups"),
    PrintedName(.extensionKey, 11, "ec_points_formats"),
    PrintedName(.extensionKey, 13, "signature_algorithms"),
    PrintedName(.extensionKey, 16, "application_layer_protocol_negotiation"),
    PrintedName(.extensionKey, 43, "supported_versions"),
    PrintedName(.extensionKey, 35, "session_ticket"),
    PrintedName(.extensionKey, 5, "status_request"),
    PrintedName(.extensionKey, 0xff01, "renegotiation_info"),
    PrintedName(.extensionKey, 23, "23"),
    PrintedName(.extensionKey, 28, "28"),
    PrintedName(.extensionKey, 41, "41"),
    PrintedName(.extensionKey, 45, "45"),
    PrintedName(.extensionKey, 51, "51"),
]

@Suite struct CodePointTests {
    @Test(arguments: packetbeatPrintedNames)
    func printsWhatPacketbeatPrints(_ row: PrintedName) {
        #expect(row.actual == row.printed)
    }

    @Test func greaseIsTheSixteenRFC8701Values() {
        let grease = (0...0xffff).map(UInt16.init).filter { CipherSuite($0).isGREASE }
        let expected: [UInt16] = [
            0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a,
            0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa,
        ]
        #expect(grease == expected)
        #expect(ExtensionType(0x9a9a).isGREASE && NamedGroup(0x0a0a).isGREASE && ProtocolVersion(0xfafa).isGREASE)
        #expect(!CipherSuite(0x0a1a).isGREASE)
    }

    @Test func registryNamesBeyondPacketbeatsTables() {
        #expect(NamedGroup.x25519MLKEM768.description == "X25519MLKEM768")
        #expect(NamedGroup.x25519Kyber768Draft00.description == "X25519Kyber768Draft00")
        #expect(SignatureScheme(0x0809).description == "rsa_pss_pss_sha256")
        #expect(SignatureScheme(0x0804).ianaName == "rsa_pss_rsae_sha256")
        #expect(AlertDescription(21).ianaName == "decryption_failed_RESERVED")
        #expect(AlertDescription(120).description == "no_application_protocol")
        #expect(CipherSuite(0x1306).description == "TLS_AEGIS_256_SHA512")
        #expect(CipherSuite(0x00c6).description == "TLS_SM4_GCM_SM3")
    }

    @Test func extensionTypesHaveIANAAndPacketbeatNames() {
        #expect(ExtensionType.serverName.ianaName == "server_name")
        #expect(ExtensionType.serverName.packetbeatName == "server_name_indication")
        #expect(ExtensionType.ecPointFormats.ianaName == "ec_point_formats")
        #expect(ExtensionType.keyShare.packetbeatName == nil)
        #expect(ExtensionType(17513).ianaName == nil && ExtensionType(17513).name == "application_settings_old")
        #expect(ExtensionType(0x9a9a).description == "(unknown:0x9a9a)")
    }

    @Test(arguments: [
        (UInt16(0x0303), "TLS 1.2", "tls", "1.2", "3.3"),
        (0x0304, "TLS 1.3", "tls", "1.3", "3.4"),
        (0x0301, "TLS 1.0", "tls", "1.0", "3.1"),
        (0x0300, "SSL 3.0", "ssl", "3.0", "3.0"),
        (0x0002, "SSL 2.0", "ssl", "2.0", "0.2"),
        (0x7f1c, "(raw 127.28)", "unknown", "127.28", "127.28"),
    ])
    func versionTextsFollowPacketbeat(_ row: (UInt16, String, String, String, String)) {
        let version = ProtocolVersion(row.0)
        #expect(version.detailedText == row.1)
        #expect(version.description == row.1)
        #expect(version.protocolName == row.2)
        #expect(version.versionText == row.3)
        #expect(version.recordText == row.4)
    }

    @Test func tls13DraftsShareTheTLS13Grammar() {
        #expect(ProtocolVersion(0x7f1c).isTLS13)
        #expect(ProtocolVersion(0x7f1c).name == "TLS 1.3 draft 28")
        #expect(ProtocolVersion.tls13.isTLS13 && !ProtocolVersion.tls12.isTLS13)
    }

    @Test(arguments: [
        (UInt16(0xc02f), KeyExchangeKind.ecdhe),
        (0xc018, .ecdhe),  // TLS_ECDH_anon_WITH_AES_128_CBC_SHA
        (0x009e, .dhe),
        (0x0034, .dhe),  // TLS_DH_anon_WITH_AES_128_CBC_SHA
        (0xc035, .ecdhePSK),
        (0x0090, .dhePSK),
        (0xc0aa, .dhePSK),  // TLS_PSK_DHE_WITH_AES_128_CCM_8
        (0x1301, .tls13),
        (0x002f, .other),
        (0xc00e, .other),  // static ECDH
        (0xff85, .other),
    ])
    func cipherSuitesImplyTheirKeyExchange(_ row: (UInt16, KeyExchangeKind)) {
        #expect(CipherSuite(row.0).keyExchange == row.1)
    }

    @Test func signallingValuesAreMarked() {
        #expect(CipherSuite.fallbackSCSV.isSignalingValue)
        #expect(CipherSuite.emptyRenegotiationInfoSCSV.isSignalingValue)
        #expect(!CipherSuite.aes128GCMSHA256.isSignalingValue)
    }
}

@Suite struct AnomalyVocabularyTests {
    @Test func namesAreUniqueDottedAndUnderTLS() {
        let names = TLSWireAnomaly.known.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("tls.") && $0.split(separator: ".").count == 3 })
    }

    @Test func everyNameIsDocumentedInTheTLSWireSection() throws {
        // The docs live beside the sources; resolve symlinks so the check also runs from a scratch package.
        let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        let docs = here.deletingLastPathComponent().appendingPathComponent("../../../../docs/ANOMALIES.md")
        let text = try String(contentsOf: docs.standardizedFileURL, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## TLS wire").last)
        for anomaly in TLSWireAnomaly.known {
            #expect(section.contains("| `\(anomaly.name)` |"), "\(anomaly.name) is not in docs/ANOMALIES.md")
        }
    }

    @Test func aThrownErrorWithoutATLSNameMapsToTheCallersFallback() {
        let bare = WireError.truncated(at: 3, needed: 2)
        #expect(TLSWireAnomaly(bare, otherwise: .handshakeTruncated) == .handshakeTruncated)
    }
}
