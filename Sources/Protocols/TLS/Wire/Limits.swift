// Every limit the TLS grammar enforces, with the RFC section or the practical reason behind it.
//
// Two kinds: wire maxima the RFCs set (a record may not exceed 2^14 bytes of plaintext), and practical caps
// we choose so that a hostile or broken peer cannot make a passive sniffer allocate without bound (a
// handshake message may be 2^24-1 bytes on the wire; we stop at 256 KiB). A limit crossed by a length in a
// header makes the parser throw `overLimit`; a limit crossed by a count inside a message keeps the first
// entries, skips the rest, and reports an anomaly.

/// The limits of the TLS wire grammar.
public enum TLSLimits {
    /// 5: type, version, length (RFC 8446 section 5.1).
    public static let recordHeaderLength = 5

    /// 2^14: TLSPlaintext.length "MUST NOT exceed 2^14 bytes" (RFC 8446 section 5.1, RFC 5246 section 6.2.1).
    public static let maxPlaintextRecordLength = 1 << 14

    /// 2^14 + 256: TLSCiphertext.length in TLS 1.3 (RFC 8446 section 5.2).
    public static let maxTLS13CiphertextRecordLength = (1 << 14) + 256

    /// 2^14 + 2048: TLSCiphertext.length in TLS 1.2 and earlier (RFC 5246 section 6.2.3). The most lenient
    /// record limit, used until the connection's version and protection are known (as Packetbeat does).
    public static let maxTLS12CiphertextRecordLength = (1 << 14) + 2048

    /// 4: msg_type and a 24-bit length (RFC 8446 section 4).
    public static let handshakeHeaderLength = 4

    /// 2^24 - 1: the largest length a handshake header can state (uint24, RFC 8446 section 4).
    public static let maxHandshakeMessageWireLength = (1 << 24) - 1

    /// 256 KiB: the largest handshake message we reassemble. The biggest real messages are Certificate
    /// chains (a few KiB, rarely past 32 KiB with long SAN lists); OpenSSL's default cap on a received
    /// chain is 100 KiB and Go's crypto/tls accepts 64 KiB. Past this a message is a desync or an attack.
    public static let maxHandshakeMessageLength = 256 * 1024

    /// 32: the hello random (RFC 8446 section 4.1.2).
    public static let helloRandomLength = 32

    /// 32: `opaque legacy_session_id<0..32>` (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2).
    public static let maxSessionIDLength = 32

    /// 2^15 - 1: `CipherSuite cipher_suites<2..2^16-2>` holds at most 32767 suites (RFC 5246 section
    /// 7.4.1.2). The 16-bit length already enforces it; named so the count is never assumed larger.
    public static let maxCipherSuites = (1 << 15) - 1

    /// 255: `CompressionMethod compression_methods<1..2^8-1>` (RFC 5246 section 7.4.1.2); enforced by the
    /// 8-bit length.
    public static let maxCompressionMethods = 255

    /// 64: extensions kept per message. The 16-bit block length allows 16383 empty extensions; browsers
    /// send about 20 (with GREASE), and every kept extension costs a decode and an allocation.
    public static let maxExtensionsPerMessage = 64

    /// 512: entries kept from one code-point list (groups, signature schemes, versions, key shares, point
    /// formats, PSK modes, compression algorithms). Real lists hold under 40; the 16-bit lengths allow
    /// 32767, which would only inflate events.
    public static let maxListEntries = 512

    /// 8: names kept from one server_name extension. RFC 6066 section 3 allows one name per name type and
    /// defines one type, so more than one is already odd; the cap only bounds the work.
    public static let maxServerNames = 8

    /// 255: the longest host name kept (RFC 1035 section 2.3.4 limits a domain name to 255 octets; RFC
    /// 6066 section 3 allows 2^16-1 on the wire).
    public static let maxServerNameLength = 255

    /// 32: ALPN protocol names kept (RFC 7301 section 3.1 bounds only the list's 2^16-1 bytes; clients
    /// offer two or three).
    public static let maxALPNProtocols = 32

    /// 16: certificates kept from one Certificate message. Chains are 2 to 4 long in practice; nothing in
    /// RFC 8446 section 4.4.2 bounds them, and each kept certificate is copied.
    public static let maxCertificateChainLength = 16

    /// 2^24 - 1: `opaque ASN.1Cert<1..2^24-1>` (RFC 5246 section 7.4.2, RFC 8446 section 4.4.2).
    public static let maxCertificateWireLength = (1 << 24) - 1

    /// 64 KiB: the largest single certificate copied. Real leaf certificates are 1 to 8 KiB; a larger one is
    /// kept as its length only (`CertificateEntry.isOmitted`).
    public static let maxCertificateLength = 64 * 1024

    /// 64: the smallest record_size_limit a peer may announce (RFC 8449 section 4).
    public static let minRecordSizeLimit = 64

    /// 2: an Alert is exactly a level and a description (RFC 8446 section 6); a longer Alert record is an
    /// encrypted one.
    public static let alertLength = 2

    /// 16: the least padding a Heartbeat message carries (RFC 6520 section 4).
    public static let minHeartbeatPadding = 16

    /// 2^15 - 1: the body of an SSL 2.0 record with a two-byte header (RFC 5246 appendix E.2: the high bit
    /// of the first byte marks the header, the other 15 bits are the length).
    public static let maxSSLv2RecordLength = 0x7fff

    /// 16...32: an SSL 2.0 CLIENT-HELLO challenge (RFC 5246 appendix E.2: "between 16 and 32 bytes").
    public static let sslv2ChallengeLengths = 16...32

    /// 11: bytes needed to recognise the start of a TLS stream: a record header, a handshake header, and the
    /// hello's version (or the fixed part of an SSL 2.0 CLIENT-HELLO).
    public static let probeLength = 11
}
