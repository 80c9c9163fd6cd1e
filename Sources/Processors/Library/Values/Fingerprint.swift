// `fingerprint` (reference/libbeat.md §4.5): a hash of chosen fields written to `target_field`. The hashed text
// is `|name|value|name|value|…|` with the configured names de-duplicated and sorted (by bytes) and each value
// written as Go's `%v` writes it (see GoValues.swift: `1e+06` for a float of a million, `<nil>` for null, times
// as `2019-10-29 00:00:00 +0000 UTC`); objects and arrays cannot be fingerprinted. Digests are swift-crypto's
// (md5, sha1, sha256, sha384, sha512) or XXH64 with seed 0 (big-endian, as Go's xxhash writes it), encoded as
// lower-case hex, padded base32 or padded base64.
//
// A missing field (without `ignore_missing`), an object or array field, or a target that cannot be written
// makes libbeat's fingerprint return no event, which its pipeline treats as a drop: the event is lost because
// of a processor error. Deliberate difference: wirebeat keeps the event without the fingerprint and counts the
// failure, as for every other processor failure (docs/PROCESSORS.md).

import Crypto
import Events
import Foundation
import NetModel

/// `fingerprint`.
struct Fingerprint: Processor {
    /// The `method` option.
    enum Method: String, CaseIterable, Sendable {
        case md5, sha1, sha256, sha384, sha512, xxhash
    }

    /// The `encoding` option.
    enum Encoding: String, CaseIterable, Sendable {
        case hex, base32, base64
    }

    /// Source fields, de-duplicated and sorted.
    let fields: [EventPath]
    let target: EventPath
    let method: Method
    let encoding: Encoding
    let ignoreMissing: Bool
    var name: String { "fingerprint" }

    init(fields: [EventPath], target: EventPath, method: Method, encoding: Encoding, ignoreMissing: Bool) {
        self.fields = Set(fields).map { ($0, $0.text) }
            .sorted { $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) }
            .map(\.0)
        self.target = target
        self.method = method
        self.encoding = encoding
        self.ignoreMissing = ignoreMissing
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        do throws(ProcessorFailure) {
            let text = try source(of: event)
            try event.putChecked(target, .string(Fingerprint.encode(digest(Array(text.utf8)), encoding)))
            return .keep
        } catch {
            return .failed(error.message)
        }
    }

    /// The text that is hashed.
    func source(of event: Event) throws(ProcessorFailure) -> String {
        var text = ""
        for field in fields {
            let value: FieldValue?
            do {
                value = try event.strictValue(at: field)
            } catch {
                if ignoreMissing { continue }
                throw ProcessorFailure("failed to find field [\(field)] in event: \(error.message)")
            }
            guard let value else {
                if ignoreMissing { continue }
                throw ProcessorFailure("failed to find field [\(field)] in event: key not found")
            }
            switch value {
            case .object, .array:
                throw ProcessorFailure("cannot compute fingerprint using non-scalar field [\(field)]")
            default:
                text += "|\(field)|\(value.goText)"
            }
        }
        return text + "|"
    }

    /// The raw digest of `input`.
    func digest(_ input: [UInt8]) -> [UInt8] {
        switch method {
        case .md5: return Array(Insecure.MD5.hash(data: input))
        case .sha1: return Array(Insecure.SHA1.hash(data: input))
        case .sha256: return Array(SHA256.hash(data: input))
        case .sha384: return Array(SHA384.hash(data: input))
        case .sha512: return Array(SHA512.hash(data: input))
        case .xxhash:
            let h = XXHash64.hash(input)
            return (0..<8).map { UInt8(truncatingIfNeeded: h >> (56 - 8 * $0)) }
        }
    }

    /// `bytes` in `encoding`, as Go's encoding/hex, base32.StdEncoding and base64.StdEncoding write them.
    static func encode(_ bytes: [UInt8], _ encoding: Encoding) -> String {
        switch encoding {
        case .hex:
            return HexText.lowercase(bytes)
        case .base64:
            return Data(bytes).base64EncodedString()
        case .base32:
            return base32(bytes)
        }
    }

    /// RFC 4648 base32 with the standard alphabet and `=` padding (Foundation has no base32).
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var out: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let chunk = bytes[start..<min(start + 5, bytes.count)]
            var block: UInt64 = 0
            for (i, b) in chunk.enumerated() { block |= UInt64(b) << (32 - 8 * UInt64(i)) }
            // 1…5 input bytes give 2, 4, 5, 7 or 8 significant characters; the rest of the 8 is padding.
            let significant = [0, 2, 4, 5, 7, 8][chunk.count]
            for i in 0..<8 {
                out.append(i < significant ? alphabet[Int(block >> (35 - 5 * UInt64(i)) & 0x1f)] : UInt8(ascii: "="))
            }
            start += 5
        }
        return String(decoding: out, as: UTF8.self)
    }
}
