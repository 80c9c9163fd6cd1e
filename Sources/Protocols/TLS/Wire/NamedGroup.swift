// NamedGroup (RFC 8446 section 4.2.7, RFC 8422 section 5.1.1, RFC 7919 section 2, and the IANA "TLS
// Supported Groups" registry), used by supported_groups, key_share, HelloRetryRequest and ECDHE
// ServerKeyExchange.
//
// Packetbeat's algos.go knows the groups up to x448, the five FFDHE groups and the two arbitrary-curve
// values; it prints every later registration (brainpool TLS 1.3 curves, GOST, SM2, ML-KEM hybrids) as
// `(unknown:0x....)`. `name` uses the registry names for all of them; `packetbeatDescription` reproduces
// Packetbeat's output for callers that need byte-for-byte parity.

/// A key-exchange group (an elliptic curve, a finite-field group, or a post-quantum hybrid).
public struct NamedGroup: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt16
    /// The group with this wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// The group with this wire value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// 23: NIST P-256.
    public static let secp256r1 = NamedGroup(23)
    /// 24: NIST P-384.
    public static let secp384r1 = NamedGroup(24)
    /// 25: NIST P-521.
    public static let secp521r1 = NamedGroup(25)
    /// 29: Curve25519 (RFC 7748).
    public static let x25519 = NamedGroup(29)
    /// 30: Curve448 (RFC 7748).
    public static let x448 = NamedGroup(30)
    /// 256: the 2048-bit FFDHE group (RFC 7919).
    public static let ffdhe2048 = NamedGroup(256)
    /// 257: the 3072-bit FFDHE group (RFC 7919).
    public static let ffdhe3072 = NamedGroup(257)
    /// 4588 (0x11ec): X25519 combined with ML-KEM-768.
    public static let x25519MLKEM768 = NamedGroup(4588)
    /// 25497 (0x6399): the pre-standard X25519 + Kyber768 hybrid browsers shipped in 2023-2024.
    public static let x25519Kyber768Draft00 = NamedGroup(25497)

    /// The registry name.
    public var name: String? {
        switch rawValue {
        case 1: "sect163k1"
        case 2: "sect163r1"
        case 3: "sect163r2"
        case 4: "sect193r1"
        case 5: "sect193r2"
        case 6: "sect233k1"
        case 7: "sect233r1"
        case 8: "sect239k1"
        case 9: "sect283k1"
        case 10: "sect283r1"
        case 11: "sect409k1"
        case 12: "sect409r1"
        case 13: "sect571k1"
        case 14: "sect571r1"
        case 15: "secp160k1"
        case 16: "secp160r1"
        case 17: "secp160r2"
        case 18: "secp192k1"
        case 19: "secp192r1"
        case 20: "secp224k1"
        case 21: "secp224r1"
        case 22: "secp256k1"
        case 23: "secp256r1"
        case 24: "secp384r1"
        case 25: "secp521r1"
        case 26: "brainpoolP256r1"
        case 27: "brainpoolP384r1"
        case 28: "brainpoolP512r1"
        case 29: "x25519"
        case 30: "x448"
        case 31: "brainpoolP256r1tls13"
        case 32: "brainpoolP384r1tls13"
        case 33: "brainpoolP512r1tls13"
        case 34: "GC256A"
        case 35: "GC256B"
        case 36: "GC256C"
        case 37: "GC256D"
        case 38: "GC512A"
        case 39: "GC512B"
        case 40: "GC512C"
        case 41: "curveSM2"
        case 256: "ffdhe2048"
        case 257: "ffdhe3072"
        case 258: "ffdhe4096"
        case 259: "ffdhe6144"
        case 260: "ffdhe8192"
        case 512: "MLKEM512"
        case 513: "MLKEM768"
        case 514: "MLKEM1024"
        case 4587: "SecP256r1MLKEM768"
        case 4588: "X25519MLKEM768"
        case 4589: "SecP384r1MLKEM1024"
        case 25497: "X25519Kyber768Draft00"
        case 25498: "SecP256r1Kyber768Draft00"
        case 65281: "arbitrary_explicit_prime_curves"
        case 65282: "arbitrary_explicit_char2_curves"
        default: nil
        }
    }

    /// The name Packetbeat prints, or nil where it prints `(unknown:0x....)`.
    public var packetbeatName: String? {
        switch rawValue {
        case 1...30, 256...260, 65281, 65282: name
        default: nil
        }
    }

    /// Exactly what Packetbeat prints in `supported_groups`: its name, or `(unknown:0x....)`.
    public var packetbeatDescription: String { packetbeatName ?? unknownCodePointText(rawValue) }
}
