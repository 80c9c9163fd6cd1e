// JA4, the TLS client fingerprint, as FoxIO's specification states it (github.com/FoxIO-LLC/ja4,
// technical_details/JA4.md, BSD-3-Clause; read at 0e54bc8, June 2026). Only JA4 lives here: JA4S, JA4H, JA4X and
// the rest of JA4+ are under a different licence and deliberately not implemented.
//
//   JA4   = a_b_c   e.g. t13d1516h2_8daaf6152771_e5627efa2ab1
//   JA4_r = a_<sorted ciphers>_<sorted extensions>[_<signature algorithms>]
//
// a: transport (t, q, d) · version · d/i (SNI or not) · two-digit cipher count · two-digit extension count · ALPN.
// b: first 12 hex digits of SHA-256 over the ciphers as 4-digit lower-case hex, sorted, comma-joined.
// c: the same over the sorted extensions without SNI (0x0000) and ALPN (0x0010), then `_` and the signature
//    algorithms in wire order (no `_` when there are none).
// GREASE (RFC 8701) is ignored everywhere; an empty cipher list, or an empty sorted extension list, gives
// `000000000000` instead of a hash.
//
// Readings of the text, each tested:
// - Version: "the highest value" of supported_versions (RFC 8446 §4.2.1) without GREASE, else the legacy version;
//   an SSL 2.0 CLIENT-HELLO's version field is read the same way (0x0002 → s2, a v2-format TLS 1.0 hello → 10).
//   DTLS versions count downwards (RFC 9147 §5.3: 0xfefc is 1.3, 0xfeff is 1.0), so within 0xfe00-0xfeff "highest"
//   is taken as newest; for every other value it is the numeric maximum, and an unknown winner is "00".
// - SNI: d when the server_name extension is listed, as the spec says, or when the summary says it had a name.
// - ALPN: the first and last byte of the first protocol when both are ASCII letters or digits; otherwise the
//   first and last character of that protocol's lower-case hex. FoxIO's own Python and Rust tools still print
//   "99" for such values (their test data for tls-non-ascii-alpn.pcapng); the spec's hex rule is followed here.

import Crypto

/// The JA4 TLS client fingerprint.
public enum JA4 {
    /// The JA4 fingerprint of `c`, e.g. `t13d1516h2_8daaf6152771_e5627efa2ab1`.
    public static func fingerprint(_ c: ClientHelloSummary) -> String {
        let parts = Parts(c)
        var out = parts.prefix
        out.append(ASCII.underscore)
        appendTruncatedHash(of: parts.ciphers, isEmpty: parts.ciphers.isEmpty, to: &out)
        out.append(ASCII.underscore)
        appendTruncatedHash(of: parts.extensions, isEmpty: !parts.hasSortedExtensions, to: &out)
        return ASCII.string(out)
    }

    /// The raw, sorted and unhashed form (`ja4_r`), e.g.
    /// `t13d1516h2_002f,0035,…,cca9_0005,000a,…,ff01_0403,0804,…,0601`.
    public static func raw(_ c: ClientHelloSummary) -> String {
        let parts = Parts(c)
        var out = parts.prefix
        out.append(ASCII.underscore)
        out.append(contentsOf: parts.ciphers)
        out.append(ASCII.underscore)
        out.append(contentsOf: parts.extensions)
        return ASCII.string(out)
    }

    /// The twelve characters the spec writes in place of a hash of nothing.
    static let emptyHash: [UInt8] = Array(repeating: UInt8(ascii: "0"), count: truncatedHashLength)

    /// The spec truncates every SHA-256 to its first 12 hex digits.
    static let truncatedHashLength = 12

    /// The largest count section `a` can show in its two digits.
    static let maximumCount = 99

    private static func appendTruncatedHash(of text: [UInt8], isEmpty: Bool, to out: inout [UInt8]) {
        if isEmpty {
            out.append(contentsOf: emptyHash)
        } else {
            let hex = ASCII.hexString(SHA256.hash(data: text), limit: truncatedHashLength)
            out.append(contentsOf: hex.utf8)
        }
    }

    /// The three sections before hashing.
    struct Parts {
        /// Section `a`, ten characters.
        var prefix: [UInt8]
        /// The sorted cipher list.
        var ciphers: [UInt8]
        /// The sorted extension list, then `_` and the signature algorithms when there are any.
        var extensions: [UInt8]
        /// Whether the sorted extension list (without SNI and ALPN) has any entry.
        var hasSortedExtensions: Bool

        init(_ c: ClientHelloSummary) {
            let cipherSuites = c.cipherSuites.filter { !isGREASE($0) }
            let extensionTypes = c.extensionTypes.filter { !isGREASE($0) }

            prefix = []
            prefix.reserveCapacity(10)
            prefix.append(JA4.transportCode(c.transport))
            let version = JA4.versionCode(legacy: c.legacyVersion, supported: c.supportedVersions)
            prefix.append(version.0)
            prefix.append(version.1)
            let hasSNI = c.hasServerName || extensionTypes.contains(ExtensionType.serverName)
            prefix.append(UInt8(ascii: hasSNI ? "d" : "i"))
            JA4.appendCount(cipherSuites.count, to: &prefix)
            JA4.appendCount(extensionTypes.count, to: &prefix)
            let alpn = JA4.alpnCode(c.alpnProtocols)
            prefix.append(alpn.0)
            prefix.append(alpn.1)

            ciphers = []
            ciphers.reserveCapacity(5 * cipherSuites.count)
            ASCII.appendHexList(cipherSuites.sorted(), to: &ciphers)

            let sortedExtensions = extensionTypes.filter {
                $0 != ExtensionType.serverName && $0 != ExtensionType.alpn
            }.sorted()
            hasSortedExtensions = !sortedExtensions.isEmpty
            extensions = []
            extensions.reserveCapacity(5 * (sortedExtensions.count + c.signatureAlgorithms.count))
            ASCII.appendHexList(sortedExtensions, to: &extensions)
            let signatureAlgorithms = c.signatureAlgorithms.lazy.filter { !isGREASE($0) }
            if !signatureAlgorithms.isEmpty {
                extensions.append(ASCII.underscore)
                ASCII.appendHexList(signatureAlgorithms, to: &extensions)
            }
        }
    }

    /// The extension code points JA4 treats specially.
    enum ExtensionType {
        /// server_name, RFC 6066 §3.
        static let serverName: UInt16 = 0x0000
        /// application_layer_protocol_negotiation, RFC 7301 §3.1.
        static let alpn: UInt16 = 0x0010
    }

    static func transportCode(_ transport: ClientHelloSummary.Transport) -> UInt8 {
        switch transport {
        case .tcp: UInt8(ascii: "t")
        case .quic: UInt8(ascii: "q")
        case .dtls: UInt8(ascii: "d")
        }
    }

    /// The two version characters: the newest non-GREASE supported_versions entry, else the legacy version.
    static func versionCode(legacy: UInt16, supported: [UInt16]) -> (UInt8, UInt8) {
        let offered = supported.lazy.filter { !isGREASE($0) }
        let version = offered.max { recency($0) < recency($1) } ?? legacy
        let code: StaticString =
            switch version {
            case 0x0304: "13"
            case 0x0303: "12"
            case 0x0302: "11"
            case 0x0301: "10"
            case 0x0300: "s3"
            case 0x0002: "s2"
            case 0xFEFF: "d1"
            case 0xFEFD: "d2"
            case 0xFEFC: "d3"
            default: "00"
            }
        return code.withUTF8Buffer { ($0[0], $0[1]) }
    }

    /// An ordering key in which newer versions are larger: DTLS minor versions (0xfeXX) count downwards.
    private static func recency(_ version: UInt16) -> UInt16 {
        version >> 8 == 0xFE ? 0xFE00 | (0xFF - (version & 0xFF)) : version
    }

    private static func appendCount(_ count: Int, to out: inout [UInt8]) {
        let shown = min(count, maximumCount)
        out.append(UInt8(ascii: "0") + UInt8(shown / 10))
        out.append(UInt8(ascii: "0") + UInt8(shown % 10))
    }

    /// The two ALPN characters for the first protocol name.
    static func alpnCode(_ protocols: [[UInt8]]) -> (UInt8, UInt8) {
        guard let name = protocols.first, let first = name.first, let last = name.last else {
            return (UInt8(ascii: "0"), UInt8(ascii: "0"))
        }
        if isAlphanumeric(first) && isAlphanumeric(last) {
            return (first, last)
        }
        return (ASCII.hexDigits[Int(first >> 4)], ASCII.hexDigits[Int(last & 0x0F)])
    }

    /// `0-9`, `A-Z`, `a-z` only (the spec's 0x30-0x39, 0x41-0x5A, 0x61-0x7A).
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }
}
