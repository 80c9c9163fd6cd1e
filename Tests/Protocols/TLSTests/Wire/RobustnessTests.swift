// Hostile and broken input: every prefix of real and table-built messages reports truncation instead of
// crashing, and a fixed-seed mutation run over the same messages never crashes, never hangs, and only ever
// answers with a value or a well-formed error.

import TLSWire
import Testing
import WireKit
import TestSupport

/// A message for the sweeps: its type, body, the context it parses in, and the body prefixes that are
/// complete messages in their own right (a hello that ends before its optional extension block).
struct SampleMessage: Sendable, CustomStringConvertible {
    let name: String
    let type: UInt8
    let body: [UInt8]
    let context: HandshakeContext
    let completePrefixes: Set<Int>

    var description: String { name }

    static func fromMessage(_ name: String, _ message: [UInt8], _ context: HandshakeContext, complete: Set<Int> = [])
        -> SampleMessage
    {
        SampleMessage(
            name: name, type: message[0], body: Array(message.dropFirst(4)), context: context,
            completePrefixes: complete)
    }
}

let tls12ECDHE = HandshakeContext(version: .tls12, keyExchange: .ecdhe)
let tls13 = HandshakeContext(version: .tls13, keyExchange: .tls13)

let sampleMessages: [SampleMessage] = [
    // ClientHello fixed part: 2 + 32 + 1 + 32 (session id) + 2 + suites + 1 + methods.
    .fromMessage(
        "Firefox ClientHello", RealCaptures.messageInside(RealCaptures.firefoxClientHelloRecord),
        HandshakeContext(), complete: [2 + 32 + 1 + 32 + 2 + 34 + 1 + 1]),
    .fromMessage(
        "Chrome ClientHello", RealCaptures.messageInside(RealCaptures.chromeClientHelloRecord),
        HandshakeContext(), complete: [2 + 32 + 1 + 32 + 2 + 32 + 1 + 1]),
    .fromMessage(
        "TLS 1.2 ServerHello", RealCaptures.messageInside(RealCaptures.tls12ServerHelloRecord),
        HandshakeContext(), complete: [2 + 32 + 1 + 2 + 1]),
    .fromMessage(
        "TLS 1.3 ServerHello", RealCaptures.messageInside(RealCaptures.tls13ServerHelloRecord),
        HandshakeContext(), complete: [2 + 32 + 1 + 32 + 2 + 1]),
    // An unsigned (anonymous) key exchange is complete after its parameters.
    .fromMessage("ECDHE ServerKeyExchange", OwnCaptures.x25519ServerKeyExchange, tls12ECDHE, complete: [36]),
    .fromMessage(
        "DHE ServerKeyExchange", OwnCaptures.dheServerKeyExchange,
        HandshakeContext(version: .tls12, keyExchange: .dhe), complete: [2 + 256 + 2 + 1 + 2 + 256]),
    .fromMessage("TLS 1.2 NewSessionTicket", OwnCaptures.tls12NewSessionTicket, tls12ECDHE),
    .fromMessage("TLS 1.2 CertificateRequest", OwnCaptures.tls12CertificateRequest, tls12ECDHE),
    .fromMessage("TLS 1.2 CertificateVerify", OwnCaptures.tls12CertificateVerify, tls12ECDHE),
    .fromMessage("TLS 1.3 Certificate with OCSP", OwnCaptures.tls13CertificateWithOCSP, tls13),
    .fromMessage("TLS 1.3 own NewSessionTicket", OwnCaptures.tls13NewSessionTicket, tls13),
    .fromMessage("TLS 1.3 own CertificateRequest", OwnCaptures.tls13CertificateRequest, tls13),
    .fromMessage("TLS 1.3 Certificate", handshake(11, SampleBodies.tls13Certificate), tls13),
    .fromMessage("TLS 1.3 NewSessionTicket", handshake(4, SampleBodies.tls13Ticket), tls13),
    .fromMessage("TLS 1.3 CertificateRequest", handshake(13, SampleBodies.tls13CertificateRequest), tls13),
    .fromMessage("EncryptedExtensions", handshake(8, SampleBodies.encryptedExtensions), tls13),
    .fromMessage(
        "HelloRetryRequest", handshake(2, SampleBodies.helloRetryRequest), tls13,
        complete: [2 + 32 + 1 + 2 + 1]),
]

enum SampleBodies {
    static let tls13Certificate =
        vec8([]) + vec24(vec24(repeated(0x30, 40)) + vec16(ext(0x0005, wire("01") + vec24(wire("3003 0a0100")))))
    static let tls13Ticket =
        wire("00001c20 0badcafe") + vec8(repeated(1, 8)) + vec16(repeated(2, 64)) + vec16(ext(0x002a, wire("00004000")))
    static let tls13CertificateRequest = vec8([]) + vec16(ext(0x000d, vec16(wire("0804 0403"))))
    static let encryptedExtensions = vec16(ext(0x0000) + ext(0x0010, vec16(vec8(ascii("h2")))))
    static let helloRetryRequest = minimalServerHelloBody(
        random: wire("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"),
        extensions: ext(0x002b, wire("0304")) + ext(0x0033, wire("0017")))
}

@Suite struct RobustnessTests {
    @Test(arguments: sampleMessages)
    func theWholeMessageParsesWithoutAnomalies(_ sample: SampleMessage) throws {
        let parsed = try message(handshake(sample.type, sample.body), context: sample.context)
        #expect(parsed.type.rawValue == sample.type)
        #expect(parsed.anomalies.isEmpty)
    }

    @Test(arguments: sampleMessages)
    func everyPrefixOfABodyReportsTruncation(_ sample: SampleMessage) {
        for length in 0..<sample.body.count where !sample.completePrefixes.contains(length) {
            let bytes = handshake(sample.type, Array(sample.body.prefix(length)))
            switch parsing(bytes, { b throws(WireError) in try HandshakeMessage.parse(b, context: sample.context) }) {
            case .failure(let error):
                #expect(error.code == .truncated, "prefix \(length) threw \(error)")
            case .success(let parsed):
                #expect(parsed.anomalies.contains(.handshakeTruncated), "prefix \(length) gave \(parsed.anomalies)")
            }
        }
    }

    @Test func everyPrefixOfARecordOrSSLv2HelloIsTruncated() {
        let record = RealCaptures.firefoxClientHelloRecord
        for length in 0..<5 {
            #expect(
                failure(Array(record.prefix(length))) { b throws(WireError) in try RecordHeader.parse(b) }?.code
                    == .truncated)
        }
        let v2 = ProbeAndSSLv2Tests.sslv2Hello
        for length in 0..<v2.count {
            #expect(
                failure(Array(v2.prefix(length))) { b throws(WireError) in try SSLv2ClientHello.parse(record: b) }?
                    .code == .truncated, "prefix \(length)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func fixedSeedMutationsNeverCrashOrHang() {
        var random = SeededGenerator(seed: 0x7715_0000_2024_0001)
        let contexts = [HandshakeContext(), tls12ECDHE, tls13, HandshakeContext(version: .tls10, keyExchange: .dhe)]
        var parsedCount = 0
        for _ in 0..<4000 {
            let sample = sampleMessages.randomElement(using: &random)!
            var bytes = handshake(sample.type, sample.body)
            for _ in 0...Int.random(in: 0...3, using: &random) {
                let index = Int.random(in: 0..<max(1, bytes.count), using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where !bytes.isEmpty: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1 where !bytes.isEmpty: bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &random)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: min(index, bytes.count))
                default: bytes = Array(bytes.prefix(index))
                }
            }
            for context in contexts {
                switch parsing(bytes, { b throws(WireError) in try HandshakeMessage.parse(b, context: context) }) {
                case .success(let parsed):
                    parsedCount += 1
                    #expect(parsed.type.rawValue == bytes[0])
                    #expect(parsed.anomalies.allSatisfy { $0.name.hasPrefix("tls.") })
                case .failure(let error):
                    #expect([WireError.Code.truncated, .malformed, .overLimit].contains(error.code))
                    #expect((0...bytes.count).contains(error.offset))
                }
            }
            _ = bytes.withUnsafeBytes { RecordHeader.probe($0) }
            _ = parsing(bytes) { b throws(WireError) in try SSLv2ClientHello.parse(record: b) }
            _ = parsing(bytes) { b throws(WireError) in try HeartbeatMessage.parse(b) }
        }
        #expect(parsedCount > 1000)  // the mutations must leave many messages parseable, or the test tests nothing
    }
}
