// Helpers that let the wire tests read as byte tables: hex rows with a comment column, TLS vector and
// framing builders that compute lengths, and a bridge from arrays to the parsers' buffer-based API.

import TLSWire
import WireKit
import TestSupport

/// The bytes of hex rows; spaces inside a row are ignored, so fields can be grouped.
func wire(_ rows: String...) -> [UInt8] {
    let digits = rows.joined().filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

/// `count` copies of `byte`.
func repeated(_ byte: UInt8, _ count: Int) -> [UInt8] { [UInt8](repeating: byte, count: count) }

/// A vector with a one-byte length.
func vec8(_ body: [UInt8]) -> [UInt8] { [UInt8(body.count)] + body }

/// A vector with a two-byte length.
func vec16(_ body: [UInt8]) -> [UInt8] { [UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body }

/// A vector with a three-byte length.
func vec24(_ body: [UInt8]) -> [UInt8] {
    [UInt8(body.count >> 16), UInt8((body.count >> 8) & 0xff), UInt8(body.count & 0xff)] + body
}

/// One extension: type, then the body as a vector.
func ext(_ type: UInt16, _ body: [UInt8] = []) -> [UInt8] { [UInt8(type >> 8), UInt8(type & 0xff)] + vec16(body) }

/// A handshake message: type, 24-bit length, body.
func handshake(_ type: UInt8, _ body: [UInt8]) -> [UInt8] { [type] + vec24(body) }

/// A record: content type, version, 16-bit length, fragment.
func record(_ type: UInt8, version: UInt16 = 0x0303, _ fragment: [UInt8]) -> [UInt8] {
    [type, UInt8(version >> 8), UInt8(version & 0xff)] + vec16(fragment)
}

/// The bytes of an ASCII string.
func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs a parser over `bytes` (an exact-size buffer, so reads past the end are caught).
func parsing<T>(_ bytes: [UInt8], _ parse: (UnsafeRawBufferPointer) throws(WireError) -> T) -> Result<T, WireError> {
    bytes.withUnsafeBytes { buffer in
        do throws(WireError) {
            return .success(try parse(buffer))
        } catch {
            return .failure(error)
        }
    }
}

/// Runs a parser that must succeed.
func parse<T>(_ bytes: [UInt8], _ parse: (UnsafeRawBufferPointer) throws(WireError) -> T) throws -> T {
    try parsing(bytes, parse).get()
}

/// The error a parser that must fail throws.
func failure<T>(_ bytes: [UInt8], _ parse: (UnsafeRawBufferPointer) throws(WireError) -> T) -> WireError? {
    if case .failure(let error) = parsing(bytes, parse) { return error }
    return nil
}

/// A whole handshake message parsed with `context`.
func message(_ bytes: [UInt8], context: HandshakeContext = HandshakeContext()) throws -> HandshakeMessage {
    try parse(bytes) { buffer throws(WireError) in try HandshakeMessage.parse(buffer, context: context) }
}

/// A ClientHello body parsed.
func clientHello(body: [UInt8]) throws -> ClientHello {
    try parse(body) { b throws(WireError) in try ClientHello.parse(body: b) }
}

/// The extensions of a ClientHello holding exactly `extensions`.
func clientHelloExtensions(_ extensions: [UInt8]) throws -> ClientHello {
    try clientHello(body: minimalClientHelloBody(extensions: extensions))
}

/// A small, valid ClientHello body with an extension block of `extensions`.
func minimalClientHelloBody(extensions: [UInt8]? = nil) -> [UInt8] {
    let fixed =
        wire("0303")  // legacy_version: TLS 1.2
        + repeated(0x11, 32)  // random
        + vec8([])  // session id: none
        + vec16(wire("c02f"))  // cipher_suites: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        + vec8(wire("00"))  // compression_methods: NULL
    guard let extensions else { return fixed }
    return fixed + vec16(extensions)
}

/// A small, valid ServerHello body with `random` and an extension block of `extensions`.
func minimalServerHelloBody(random: [UInt8] = repeated(0x22, 32), extensions: [UInt8]) -> [UInt8] {
    wire("0303")  // legacy_version: TLS 1.2
        + random  // random
        + vec8([])  // session id: none
        + wire("1301")  // cipher_suite: TLS_AES_128_GCM_SHA256
        + wire("00")  // compression_method: NULL
        + vec16(extensions)
}

