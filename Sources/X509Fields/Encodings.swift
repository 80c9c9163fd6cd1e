// Text encodings of a certificate's DER: PEM (RFC 7468 section 2, as Go's encoding/pem writes it),
// fingerprints (upper-case hex without colons, as Packetbeat's `tls.server.hash.*`), and the hex helpers
// the other files share.

import Crypto

/// A digest Packetbeat can publish as a certificate fingerprint (`fingerprints: [md5, sha1, sha256]`).
public enum FingerprintAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// MD5 (`tls.server.hash.md5`).
    case md5
    /// SHA-1 (`tls.server.hash.sha1`, Packetbeat's default).
    case sha1
    /// SHA-256 (`tls.server.hash.sha256`).
    case sha256
}

/// The three fingerprints of a certificate's DER, upper-case hex without colons.
public struct Fingerprints: Sendable, Hashable {
    /// MD5, 32 hex digits.
    public var md5: String
    /// SHA-1, 40 hex digits.
    public var sha1: String
    /// SHA-256, 64 hex digits.
    public var sha256: String

    /// Creates the fingerprints of `der`.
    public init(der: [UInt8]) {
        md5 = X509Parser.fingerprint(.md5, der: der)
        sha1 = X509Parser.fingerprint(.sha1, der: der)
        sha256 = X509Parser.fingerprint(.sha256, der: der)
    }

    /// The fingerprint for one algorithm.
    public subscript(algorithm: FingerprintAlgorithm) -> String {
        switch algorithm {
        case .md5: md5
        case .sha1: sha1
        case .sha256: sha256
        }
    }
}

extension X509Parser {
    /// The PEM form Packetbeat publishes in `tls.server.certificate_chain`:
    /// `-----BEGIN CERTIFICATE-----\n`, base64 in lines of 64 characters each ending in `\n`, then
    /// `-----END CERTIFICATE-----\n`.
    public static func pem(der: [UInt8]) -> String {
        let body = Base64.encode(der)
        var text = "-----BEGIN CERTIFICATE-----\n"
        text.reserveCapacity(body.count + body.count / 64 + 60)
        var start = body.startIndex
        while start < body.endIndex {
            let end = body.index(start, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            text += body[start..<end]
            text += "\n"
            start = end
        }
        return text + "-----END CERTIFICATE-----\n"
    }

    /// The digest of `der` as upper-case hex without colons (`3510C21C66BD62010FC547D3CD3F0CE6`).
    public static func fingerprint(_ algorithm: FingerprintAlgorithm, der: [UInt8]) -> String {
        switch algorithm {
        case .md5: Hex.upper(Insecure.MD5.hash(data: der))
        case .sha1: Hex.upper(Insecure.SHA1.hash(data: der))
        case .sha256: Hex.upper(SHA256.hash(data: der))
        }
    }
}

/// Hex text of bytes.
enum Hex {
    private static let upperDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerDigits = Array("0123456789abcdef".utf8)

    /// Upper-case, two digits per byte, no separators.
    static func upper(_ bytes: some Sequence<UInt8>) -> String { encode(bytes, upperDigits) }

    /// Lower-case, two digits per byte, no separators (Go's `hex.EncodeToString`).
    static func lower(_ bytes: some Sequence<UInt8>) -> String { encode(bytes, lowerDigits) }

    private static func encode(_ bytes: some Sequence<UInt8>, _ digits: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Standard base64 with padding (RFC 4648 section 4).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 0x3F)])
            out.append(alphabet[Int(group >> 12 & 0x3F)])
            out.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
