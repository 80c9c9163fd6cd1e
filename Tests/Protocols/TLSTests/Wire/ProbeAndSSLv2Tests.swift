// Content-based detection of TLS streams, and the SSL 2.0-compatible CLIENT-HELLO (RFC 5246 appendix E.2).

import TLSWire
import Testing
import WireKit

@Suite struct ProbeAndSSLv2Tests {
    func probe(_ bytes: [UInt8]) -> StreamProbe { bytes.withUnsafeBytes { RecordHeader.probe($0) } }

    /// An SSL 2.0 CLIENT-HELLO from a TLS 1.0 client offering two TLS suites and one SSL 2.0 spec.
    static let sslv2Hello = wire(
        "80 32",  // SSL 2.0 header: high bit, length 50
        "01",  // msg_type: CLIENT-HELLO
        "03 01",  // version: TLS 1.0
        "00 09",  // cipher_spec_length: 9 (three specs)
        "00 00",  // session_id_length: 0
        "00 20",  // challenge_length: 32
        "00 00 2f",  // TLS_RSA_WITH_AES_128_CBC_SHA
        "07 00 c0",  // SSL_CK_DES_192_EDE3_CBC_WITH_MD5 (SSL 2.0 only)
        "00 00 0a",  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
        String(repeating: "5a", count: 32)  // challenge
    )

    @Test func detectsARealClientHelloAndServerHello() {
        #expect(probe(RealCaptures.firefoxClientHelloRecord) == .clientHello)
        #expect(probe(RealCaptures.tls13ServerHelloRecord) == .serverHello)
        #expect(probe(Array(RealCaptures.chromeClientHelloRecord.prefix(11))) == .clientHello)
    }

    @Test func asksForElevenBytesWhileNothingContradictsTLS() {
        for length in 0..<11 {
            #expect(probe(Array(RealCaptures.firefoxClientHelloRecord.prefix(length))) == .needMore(11))
        }
    }

    @Test(arguments: [
        ("GET / HTTP/1.1", "ASCII text"),
        ("17030300200000000000", "application data first"),
        ("16030100040b000000", "a Certificate first"),
        ("160201020001000100", "record version 2.1"),
        ("1603014001010001fc03", "a plaintext record over 2^14"),
        ("16030100040100000a03", "a ClientHello shorter than its fixed fields"),
        ("160301020001000100fe03", "hello version 254.3"),
    ])
    func rejectsBytesThatCannotStartTLS(_ row: (String, String)) {
        let bytes = row.0.first == "G" ? ascii(row.0) : wire(row.0)
        #expect(probe(bytes) == .notTLS, "\(row.1)")
    }

    @Test func detectsAnSSLv2ClientHello() {
        #expect(probe(Self.sslv2Hello) == .sslv2ClientHello)
        var badChallenge = Self.sslv2Hello
        badChallenge[10] = 0x0f  // challenge_length 15: outside 16...32
        #expect(probe(badChallenge) == .notTLS)
    }

    @Test func parsesAnSSLv2ClientHello() throws {
        let header = try parse(Self.sslv2Hello) { b throws(WireError) in try SSLv2RecordHeader.parse(b) }
        #expect(header.length == 50 && header.totalLength == Self.sslv2Hello.count)
        let hello = try parse(Self.sslv2Hello) { b throws(WireError) in try SSLv2ClientHello.parse(record: b) }
        #expect(hello.version == .tls10)
        #expect(hello.cipherSpecs == [0x00002f, 0x0700c0, 0x00000a])
        #expect(hello.cipherSuites == [CipherSuite(0x002f), .rsaWith3DESEDECBCSHA])
        #expect(hello.sessionID.isEmpty)
        #expect(hello.challenge == repeated(0x5a, 32))
    }

    @Test(arguments: [
        (5, UInt8(0x08), "cipher specs not a multiple of three"),
        (7, 0x01, "a session id of 256 bytes"),
        (10, 0x21, "a challenge of 33 bytes"),
        (2, 0x02, "not a CLIENT-HELLO"),
    ])
    func rejectsSSLv2HellosWithContradictoryLengths(_ row: (Int, UInt8, String)) {
        var bytes = Self.sslv2Hello
        bytes[row.0] = row.1
        let error = failure(bytes) { b throws(WireError) in try SSLv2ClientHello.parse(record: b) }
        #expect(error.map { TLSWireAnomaly($0, otherwise: .handshakeTruncated) } == .sslv2Malformed, "\(row.2)")
    }

    @Test func aShortSSLv2RecordIsTruncated() {
        let error = failure(Array(Self.sslv2Hello.dropLast())) { b throws(WireError) in
            try SSLv2ClientHello.parse(record: b)
        }
        #expect(error?.code == .truncated)
    }
}
