// JA3 (TLS client) and JA3S (TLS server) fingerprints, as defined by the salesforce/ja3 README ("How it works",
// "JA3S"): the decimal values of the hello's fields joined with `,` between fields and `-` within a field, then
// MD5 as 32 lower-case hex digits.
//
//   JA3  = SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
//   JA3S = SSLVersion,Cipher,Extensions
//
// SSLVersion is the hello's legacy version field (`0x0303` = 771 even for TLS 1.3: supported_versions is not read).
// GREASE values (RFC 8701) are dropped from ciphers, extensions and curves, as the README says JA3 "ignores these
// values completely"; point formats are single bytes and cannot be GREASE. Servers must not send GREASE in a
// ServerHello (RFC 8701 §4), so dropping it there only keeps a misbehaving server's JA3S stable. An empty list
// leaves its field empty ("769,4-5-10,,,"). An SSL 2.0 CLIENT-HELLO has only a version and ciphers and gets the
// same treatment, with its three empty fields.

import Crypto

/// The JA3 TLS client fingerprint.
public enum JA3 {
    /// The JA3 string and its MD5 (lower-case hex) for `c`.
    public static func fingerprint(_ c: ClientHelloSummary) -> (string: String, md5: String) {
        var text: [UInt8] = []
        text.reserveCapacity(32 + 6 * (c.cipherSuites.count + c.extensionTypes.count + c.supportedGroups.count))
        ASCII.appendDecimal(c.legacyVersion, to: &text)
        text.append(ASCII.comma)
        ASCII.appendDecimalList(c.cipherSuites.lazy.filter { !isGREASE($0) }, to: &text)
        text.append(ASCII.comma)
        ASCII.appendDecimalList(c.extensionTypes.lazy.filter { !isGREASE($0) }, to: &text)
        text.append(ASCII.comma)
        ASCII.appendDecimalList(c.supportedGroups.lazy.filter { !isGREASE($0) }, to: &text)
        text.append(ASCII.comma)
        ASCII.appendDecimalList(c.ecPointFormats, to: &text)
        return (ASCII.string(text), ASCII.hexString(Insecure.MD5.hash(data: text)))
    }
}

/// The JA3S TLS server fingerprint.
public enum JA3S {
    /// The JA3S string and its MD5 (lower-case hex) for `s`.
    public static func fingerprint(_ s: ServerHelloSummary) -> (string: String, md5: String) {
        var text: [UInt8] = []
        text.reserveCapacity(16 + 6 * s.extensionTypes.count)
        ASCII.appendDecimal(s.version, to: &text)
        text.append(ASCII.comma)
        ASCII.appendDecimal(s.cipherSuite, to: &text)
        text.append(ASCII.comma)
        ASCII.appendDecimalList(s.extensionTypes.lazy.filter { !isGREASE($0) }, to: &text)
        return (ASCII.string(text), ASCII.hexString(Insecure.MD5.hash(data: text)))
    }
}
