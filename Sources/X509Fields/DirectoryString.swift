// Decoding of name attribute values (RFC 5280 section 4.1.2.4, DirectoryString and the ASN.1 string types
// X.680 section 41) into text, as Go's crypto/x509 `parseASN1String` does, but leniently.
//
// Go accepts T61String (read as Latin-1, like BoringSSL), PrintableString (its set plus `*` and `&`, which
// real certificates carry), UTF8String, BMPString (UTF-16BE, a trailing NUL pair stripped), IA5String and
// NumericString, and rejects the whole certificate for anything else or for bytes invalid for the type.
// Here an invalid value is decoded anyway (Latin-1 for 8-bit types, U+FFFD for broken UTF-8/16/32) and
// flagged; UniversalString (UTF-32BE), VisibleString and GraphicString are decoded and flagged as types Go
// does not support; any other value is not a string.

import SwiftASN1

/// Text decoding of ASN.1 string values.
enum DirectoryString {
    /// A decoded value, and what was odd about it.
    struct Decoded: Equatable {
        /// The text; nil when the value is not a string type.
        var text: String?
        /// The oddity, if any.
        var anomaly: X509Anomaly?
    }

    /// Decodes a primitive string node; constructed nodes and non-string tags are not strings.
    static func decode(_ node: ASN1Node) -> Decoded {
        guard case .primitive(let bytes) = node.content else {
            return Decoded(text: nil, anomaly: .nameNonStringValue)
        }
        switch node.identifier {
        case .utf8String:
            return utf8(bytes)
        case .printableString:
            let valid = bytes.allSatisfy { isGoPrintable($0, allowAsteriskAndAmpersand: true) }
            return Decoded(text: latin1(bytes), anomaly: valid ? nil : .nameInvalidString)
        case .ia5String:
            return Decoded(text: latin1(bytes), anomaly: bytes.allSatisfy { $0 < 0x80 } ? nil : .nameInvalidString)
        case .numericString:
            let valid = bytes.allSatisfy {
                $0 == UInt8(ascii: " ") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
            return Decoded(text: latin1(bytes), anomaly: valid ? nil : .nameInvalidString)
        case .teletexString:
            return Decoded(text: latin1(bytes), anomaly: nil)
        case .bmpString:
            return bmp(bytes)
        case .universalString:
            return universal(bytes)
        case .visibleString, .graphicString:
            return Decoded(text: latin1(bytes), anomaly: .nameUnsupportedStringType)
        default:
            return Decoded(text: nil, anomaly: .nameNonStringValue)
        }
    }

    /// Go's PrintableString set (X.680 section 41.4), optionally with the `*` and `&` its parser tolerates.
    static func isGoPrintable(_ byte: UInt8, allowAsteriskAndAmpersand: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "'")...UInt8(ascii: ")"),
            UInt8(ascii: "+")...UInt8(ascii: "/"), UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "="),
            UInt8(ascii: "?"):
            true
        case UInt8(ascii: "*"), UInt8(ascii: "&"):
            allowAsteriskAndAmpersand
        default:
            false
        }
    }

    private static func utf8(_ bytes: ArraySlice<UInt8>) -> Decoded {
        if let text = String(validating: bytes, as: UTF8.self) {
            return Decoded(text: text, anomaly: nil)
        }
        return Decoded(text: String(decoding: bytes, as: UTF8.self), anomaly: .nameInvalidString)
    }

    /// Each byte as the code point of the same value (ISO 8859-1); ASCII is unchanged.
    private static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return text
    }

    private static func bmp(_ bytes: ArraySlice<UInt8>) -> Decoded {
        var content = bytes
        let oddLength = content.count % 2 != 0
        if oddLength { content = content.dropLast() }
        if content.count >= 2, content.suffix(2).allSatisfy({ $0 == 0 }) { content = content.dropLast(2) }
        var units: [UInt16] = []
        units.reserveCapacity(content.count / 2)
        var index = content.startIndex
        while index < content.endIndex {
            units.append(UInt16(content[index]) << 8 | UInt16(content[index + 1]))
            index += 2
        }
        var invalid = oddLength
        var text = ""
        _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF32.self, stoppingOnError: false) { unit in
            let scalar = Unicode.Scalar(unit) ?? "\u{FFFD}"
            if scalar == "\u{FFFD}" { invalid = true }
            text.unicodeScalars.append(scalar)
        }
        return Decoded(text: text, anomaly: invalid ? .nameInvalidString : nil)
    }

    private static func universal(_ bytes: ArraySlice<UInt8>) -> Decoded {
        var text = ""
        var invalid = bytes.count % 4 != 0
        var index = bytes.startIndex
        while bytes.endIndex - index >= 4 {
            let value = bytes[index..<index + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if let scalar = Unicode.Scalar(value) {
                text.unicodeScalars.append(scalar)
            } else {
                invalid = true
                text.unicodeScalars.append("\u{FFFD}")
            }
            index += 4
        }
        return Decoded(text: text, anomaly: invalid ? .nameInvalidString : .nameUnsupportedStringType)
    }
}
