// ClientHello and ServerHello (RFC 8446 section 4.1.2 and 4.1.3, RFC 5246 sections 7.4.1.2 and 7.4.1.3),
// including the TLS 1.3 HelloRetryRequest, which is a ServerHello whose random is SHA-256 of
// "HelloRetryRequest" (RFC 8446 section 4.1.3), and the downgrade sentinels a TLS 1.3 server writes into the
// last eight bytes of its random when it negotiates an older version (same section).
//
// The fixed part of a hello (version, random, session id, suites, compression) must be whole or the hello
// is unusable and parsing throws. Everything after it is tolerant: an over-long session id is kept and
// reported, and the extension block is read as far as it goes.

import WireKit

/// The 32-byte random of a hello, stored without allocating.
public struct HelloRandom: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// A random from exactly 32 bytes.
    public init(_ bytes: [UInt8]) {
        precondition(bytes.count == TLSLimits.helloRandomLength, "a hello random is 32 bytes")
        func word(_ i: Int) -> UInt64 { bytes[(i * 8)..<(i * 8 + 8)].reduce(0) { $0 << 8 | UInt64($1) } }
        words = (word(0), word(1), word(2), word(3))
    }

    /// Reads 32 bytes.
    init(_ c: inout ByteCursor) throws(WireError) {
        words = (try c.readUInt64(), try c.readUInt64(), try c.readUInt64(), try c.readUInt64())
    }

    /// The 32 bytes.
    public var bytes: [UInt8] {
        [words.0, words.1, words.2, words.3].flatMap { word in
            (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) }
        }
    }

    /// The first four bytes as a time, which TLS 1.2 and earlier stacks used to send (Zeek's possible_ts).
    public var gmtUnixTime: UInt32 { UInt32(truncatingIfNeeded: words.0 >> 32) }

    /// The HelloRetryRequest random: SHA-256("HelloRetryRequest") (RFC 8446 section 4.1.3).
    public static let helloRetryRequest = HelloRandom([
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    ])

    /// The downgrade sentinel in the last eight bytes, if any.
    public var downgradeSentinel: DowngradeSentinel? {
        switch words.3 {
        case 0x444f_574e_4752_4401: .tls12  // "DOWNGRD" 01
        case 0x444f_574e_4752_4400: .tls11OrBelow  // "DOWNGRD" 00
        default: nil
        }
    }

    /// Byte-for-byte equality (tuples are not Equatable, so it is spelled out).
    public static func == (a: HelloRandom, b: HelloRandom) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    /// Hashes the 32 bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

/// What a TLS 1.3-capable server's random says about a lower version it negotiated (RFC 8446 section 4.1.3).
public enum DowngradeSentinel: Sendable, Hashable {
    /// The server chose TLS 1.2.
    case tls12
    /// The server chose TLS 1.1 or below.
    case tls11OrBelow
}

/// A ClientHello.
public struct ClientHello: Sendable, Hashable {
    /// legacy_version: 3.3 from TLS 1.3 clients, which move their real versions to supported_versions.
    public var legacyVersion: ProtocolVersion
    /// The client random.
    public var random: HelloRandom
    /// The session id (up to 32 bytes; longer ones are kept and reported).
    public var sessionID: [UInt8]
    /// The offered suites in the client's order, GREASE and signalling values included.
    public var cipherSuites: [CipherSuite]
    /// The offered compression methods.
    public var compressionMethods: [CompressionMethod]
    /// The extensions in wire order (empty when the hello has none).
    public var extensions: ExtensionList
    /// Whether the hello had an extension block at all (SSL 3.0 hellos do not).
    public var hasExtensionBlock: Bool
    /// Oddities found while parsing went on.
    public var anomalies: [TLSWireAnomaly]

    /// Reads a ClientHello body (the bytes after the four-byte handshake header).
    public static func parse(body: UnsafeRawBufferPointer) throws(WireError) -> ClientHello {
        var c = ByteCursor(body)
        return try read(&c)
    }

    /// Reads a ClientHello from `c`, consuming all of it.
    static func read(_ c: inout ByteCursor) throws(WireError) -> ClientHello {
        var anomalies: [TLSWireAnomaly] = []
        let version = ProtocolVersion(try c.readUInt16())
        let random = try HelloRandom(&c)
        var session = try c.lengthPrefixed8()
        if session.remaining > TLSLimits.maxSessionIDLength { anomalies.append(.clientHelloBadSessionIDLength) }
        let sessionID = session.copyRest()

        var suitesWindow = try c.lengthPrefixed16()
        if suitesWindow.remaining == 0 || suitesWindow.remaining % 2 != 0 {
            anomalies.append(.clientHelloBadCipherSuitesLength)
        }
        var suites: [CipherSuite] = []
        suites.reserveCapacity(suitesWindow.remaining / 2)
        while suitesWindow.remaining >= 2 { suites.append(CipherSuite(try suitesWindow.readUInt16())) }

        var methodsWindow = try c.lengthPrefixed8()
        if methodsWindow.isAtEnd { anomalies.append(.clientHelloNoCompressionMethods) }
        var methods: [CompressionMethod] = []
        while !methodsWindow.isAtEnd { methods.append(CompressionMethod(try methodsWindow.readUInt8())) }

        let hasBlock = !c.isAtEnd
        let extensions =
            hasBlock ? ExtensionList.parse(&c, context: .clientHello, anomalies: &anomalies) : ExtensionList()
        return ClientHello(
            legacyVersion: version, random: random, sessionID: sessionID, cipherSuites: suites,
            compressionMethods: methods, extensions: extensions, hasExtensionBlock: hasBlock, anomalies: anomalies)
    }
}

/// A ServerHello, or a TLS 1.3 HelloRetryRequest.
public struct ServerHello: Sendable, Hashable {
    /// legacy_version: 3.3 from TLS 1.3 servers, which put the real version in supported_versions.
    public var legacyVersion: ProtocolVersion
    /// The server random (the HelloRetryRequest constant for a HelloRetryRequest).
    public var random: HelloRandom
    /// The session id (a TLS 1.3 server echoes the client's).
    public var sessionID: [UInt8]
    /// The chosen suite.
    public var cipherSuite: CipherSuite
    /// The chosen compression method.
    public var compressionMethod: CompressionMethod
    /// The extensions in wire order (empty when the hello has none).
    public var extensions: ExtensionList
    /// Whether the hello had an extension block at all.
    public var hasExtensionBlock: Bool
    /// Oddities found while parsing went on.
    public var anomalies: [TLSWireAnomaly]

    /// True when this is a HelloRetryRequest (RFC 8446 section 4.1.3).
    public var isHelloRetryRequest: Bool { random == .helloRetryRequest }

    /// The negotiated version: supported_versions when present (TLS 1.3), else legacy_version.
    public var selectedVersion: ProtocolVersion { extensions.selectedVersion ?? legacyVersion }

    /// Reads a ServerHello body (the bytes after the four-byte handshake header).
    public static func parse(body: UnsafeRawBufferPointer) throws(WireError) -> ServerHello {
        var c = ByteCursor(body)
        return try read(&c)
    }

    /// Reads a ServerHello from `c`, consuming all of it, in the layout of early TLS 1.3 drafts when its version
    /// field says so (`ProtocolVersion.hasDraftServerHelloLayout`).
    static func read(_ c: inout ByteCursor) throws(WireError) -> ServerHello {
        var anomalies: [TLSWireAnomaly] = []
        let version = ProtocolVersion(try c.readUInt16())
        let random = try HelloRandom(&c)
        var sessionID: [UInt8] = []
        let suite: CipherSuite
        var method = CompressionMethod(0)
        if version.hasDraftServerHelloLayout {
            suite = CipherSuite(try c.readUInt16())
        } else {
            var session = try c.lengthPrefixed8()
            if session.remaining > TLSLimits.maxSessionIDLength { anomalies.append(.serverHelloBadSessionIDLength) }
            sessionID = session.copyRest()
            suite = CipherSuite(try c.readUInt16())
            method = CompressionMethod(try c.readUInt8())
        }
        let hasBlock = !c.isAtEnd
        let context: ExtensionContext = random == .helloRetryRequest ? .helloRetryRequest : .serverHello
        let extensions =
            hasBlock ? ExtensionList.parse(&c, context: context, anomalies: &anomalies) : ExtensionList()
        return ServerHello(
            legacyVersion: version, random: random, sessionID: sessionID, cipherSuite: suite,
            compressionMethod: method, extensions: extensions, hasExtensionBlock: hasBlock, anomalies: anomalies)
    }
}
