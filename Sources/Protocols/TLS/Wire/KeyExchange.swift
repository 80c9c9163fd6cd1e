// The TLS 1.2-and-earlier key exchange messages: ServerKeyExchange for ECDHE (RFC 8422 section 5.4), DHE
// (RFC 5246 section 7.4.3), ECDHE_PSK (RFC 5489 section 2) and DHE_PSK (RFC 4279 section 3), and
// ClientKeyExchange (RFC 5246 section 7.4.7), kept as its length only.
//
// A ServerKeyExchange does not say what it contains; the negotiated suite does. The caller passes the
// suite's `KeyExchangeKind`. When that is unknown (`.other`), only one shape is recognised: ECDHE parameters
// with a named curve whose lengths account for the whole message with a signature. Anything else stays
// `.undecoded` rather than guessed.

import WireKit

/// A ServerKeyExchange, decoded as far as the key exchange allows.
public struct ServerKeyExchange: Sendable, Hashable {
    /// The key exchange parameters.
    public enum Parameters: Sendable, Hashable {
        /// ECDHE: the curve type, the group for named curves, and the public point's length.
        case ecdhe(curveType: ECCurveType, group: NamedGroup?, publicKeyLength: Int)
        /// DHE: the prime's size in bits (leading zero bytes ignored), and the generator and public value
        /// lengths.
        case dhe(primeBits: Int, generatorLength: Int, publicKeyLength: Int)
        /// Not decoded: RSA export parameters, SRP, explicit curves' remainder, or an unknown suite.
        case undecoded
    }

    /// The key exchange parameters.
    public var parameters: Parameters
    /// For PSK suites, the length of the PSK identity hint.
    public var pskIdentityHintLength: Int?
    /// The scheme of the signature over the parameters (TLS 1.2 only).
    public var signatureScheme: SignatureScheme?
    /// The signature's length; nil when unsigned (anonymous and PSK suites) or not decoded.
    public var signatureLength: Int?
    /// Oddities found while parsing went on.
    public var anomalies: [TLSWireAnomaly]

    /// The negotiated group, for ECDHE.
    public var group: NamedGroup? {
        if case .ecdhe(_, let group, _) = parameters { return group }
        return nil
    }

    /// Reads a ServerKeyExchange body for a suite of kind `keyExchange`; `version`, when known, says whether
    /// the signature carries a scheme.
    public static func parse(
        body: UnsafeRawBufferPointer, keyExchange: KeyExchangeKind, version: ProtocolVersion? = nil
    ) throws(WireError) -> ServerKeyExchange {
        var c = ByteCursor(body)
        return try read(&c, keyExchange: keyExchange, version: version)
    }

    /// Reads a ServerKeyExchange from `c`, consuming all of it.
    static func read(
        _ c: inout ByteCursor, keyExchange: KeyExchangeKind, version: ProtocolVersion?
    ) throws(WireError) -> ServerKeyExchange {
        var result = ServerKeyExchange(
            parameters: .undecoded, pskIdentityHintLength: nil, signatureScheme: nil, signatureLength: nil,
            anomalies: [])
        var signed = true
        switch keyExchange {
        case .ecdhe:
            result.parameters = try ecdheParameters(&c)
        case .dhe:
            result.parameters = try dheParameters(&c)
        case .ecdhePSK, .dhePSK:
            signed = false
            let hint = try c.lengthPrefixed16()
            result.pskIdentityHintLength = hint.remaining
            result.parameters = keyExchange == .ecdhePSK ? try ecdheParameters(&c) : try dheParameters(&c)
        case .tls13, .other:
            guard let (parameters, rest) = signedNamedCurve(c, version: version) else {
                c.skipRest()
                return result
            }
            c = rest
            result.parameters = parameters
        }
        if case .ecdhe(let curveType, _, _) = result.parameters, curveType != .namedCurve {
            // Explicit curve parameters (RFC 4492, deprecated by RFC 8422) are not worth a grammar of their own.
            c.skipRest()
            result.parameters = .ecdhe(curveType: curveType, group: nil, publicKeyLength: 0)
            return result
        }
        if signed, !c.isAtEnd {
            let (scheme, length) = try c.digitallySigned(version: version)
            result.signatureScheme = scheme
            result.signatureLength = length
        }
        if !c.isAtEnd {
            result.anomalies.append(.handshakeBadLength)
            c.skipRest()
        }
        return result
    }

    /// The one shape recognised without knowing the suite: named-curve ECDHE parameters followed by a
    /// signature that ends exactly at the end of the message. Returns the parameters and the cursor after them.
    private static func signedNamedCurve(_ c: ByteCursor, version: ProtocolVersion?) -> (Parameters, ByteCursor)? {
        var trial = c
        guard let parameters = try? ecdheParameters(&trial), case .ecdhe(.namedCurve, _, _) = parameters else {
            return nil
        }
        var signature = trial
        guard (try? signature.digitallySigned(version: version)) != nil, signature.isAtEnd else { return nil }
        return (parameters, trial)
    }

    /// `ECCurveType curve_type; NamedCurve namedcurve` (for named_curve), then `ECPoint public<1..2^8-1>`.
    private static func ecdheParameters(_ c: inout ByteCursor) throws(WireError) -> Parameters {
        let curveType = ECCurveType(try c.readUInt8())
        switch curveType {
        case .namedCurve:
            let group = NamedGroup(try c.readUInt16())
            let point = try c.lengthPrefixed8()
            return .ecdhe(curveType: curveType, group: group, publicKeyLength: point.remaining)
        case ECCurveType(1), ECCurveType(2):
            return .ecdhe(curveType: curveType, group: nil, publicKeyLength: 0)
        default:
            throw .tlsMalformed(at: c.offset - 1, "tls.handshake.bad_length")
        }
    }

    /// `opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>`.
    private static func dheParameters(_ c: inout ByteCursor) throws(WireError) -> Parameters {
        let prime = try c.lengthPrefixed16()
        let generator = try c.lengthPrefixed16()
        let publicValue = try c.lengthPrefixed16()
        var bits = 0
        if let first = prime.rest.firstIndex(where: { $0 != 0 }) {
            let top = prime.rest[first]
            bits = (prime.rest.count - first - 1) * 8 + (8 - top.leadingZeroBitCount)
        }
        return .dhe(primeBits: bits, generatorLength: generator.remaining, publicKeyLength: publicValue.remaining)
    }
}

/// A ClientKeyExchange, kept as its length (the encrypted premaster secret or the client's public value).
public struct ClientKeyExchange: Sendable, Hashable {
    /// The body's length.
    public var length: Int

    /// A ClientKeyExchange of `length` bytes.
    public init(length: Int) { self.length = length }
}
