// SignatureScheme (RFC 8446 section 4.2.3, and the IANA "TLS SignatureScheme" registry), used by
// signature_algorithms, signature_algorithms_cert, delegated_credential, CertificateRequest,
// CertificateVerify and ServerKeyExchange. TLS 1.2's SignatureAndHashAlgorithm pairs (RFC 5246 section
// 7.4.1.4.1) share the encoding; the pairs that are not also schemes (e.g. 0x0301, SHA-224 with RSA) have no
// name and print `(unknown:0x0301)`, as in Packetbeat.
//
// Packetbeat's names differ from the registry in one place: 0x0804-0x0806 are `rsa_pss_sha256/384/512`
// (the TLS 1.3 draft names) where the registry says `rsa_pss_rsae_*`. `name` prefers Packetbeat's spelling
// and falls back to the registry for the schemes Packetbeat does not know; `packetbeatDescription` prints
// exactly what Packetbeat prints.

/// A signature algorithm (with its hash, and for ECDSA in TLS 1.3, its curve).
public struct SignatureScheme: TLSCodePoint {
    /// The wire value.
    public let rawValue: UInt16
    /// The scheme with this wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// The scheme with this wire value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// 0x0201: RSASSA-PKCS1-v1_5 with SHA-1.
    public static let rsaPKCS1SHA1 = SignatureScheme(0x0201)
    /// 0x0203: ECDSA with SHA-1.
    public static let ecdsaSHA1 = SignatureScheme(0x0203)
    /// 0x0401: RSASSA-PKCS1-v1_5 with SHA-256.
    public static let rsaPKCS1SHA256 = SignatureScheme(0x0401)
    /// 0x0403: ECDSA P-256 with SHA-256.
    public static let ecdsaSecp256r1SHA256 = SignatureScheme(0x0403)
    /// 0x0501: RSASSA-PKCS1-v1_5 with SHA-384.
    public static let rsaPKCS1SHA384 = SignatureScheme(0x0501)
    /// 0x0503: ECDSA P-384 with SHA-384.
    public static let ecdsaSecp384r1SHA384 = SignatureScheme(0x0503)
    /// 0x0601: RSASSA-PKCS1-v1_5 with SHA-512.
    public static let rsaPKCS1SHA512 = SignatureScheme(0x0601)
    /// 0x0804: RSASSA-PSS (rsaEncryption key) with SHA-256.
    public static let rsaPSSRSAESHA256 = SignatureScheme(0x0804)
    /// 0x0807: Ed25519.
    public static let ed25519 = SignatureScheme(0x0807)

    /// Packetbeat's name where it has one, else the registry name.
    public var name: String? { packetbeatName ?? ianaName }

    /// The name Packetbeat (algos.go) prints, or nil where it prints `(unknown:0x....)`.
    public var packetbeatName: String? {
        switch rawValue {
        case 0x0804: "rsa_pss_sha256"
        case 0x0805: "rsa_pss_sha384"
        case 0x0806: "rsa_pss_sha512"
        case 0x0201, 0x0203, 0x0401, 0x0403, 0x0501, 0x0503, 0x0601, 0x0603, 0x0807, 0x0808: ianaName
        default: nil
        }
    }

    /// Exactly what Packetbeat prints in `signature_algorithms`.
    public var packetbeatDescription: String { packetbeatName ?? unknownCodePointText(rawValue) }

    /// The registry name.
    public var ianaName: String? {
        switch rawValue {
        case 0x0201: "rsa_pkcs1_sha1"
        case 0x0203: "ecdsa_sha1"
        case 0x0401: "rsa_pkcs1_sha256"
        case 0x0403: "ecdsa_secp256r1_sha256"
        case 0x0420: "rsa_pkcs1_sha256_legacy"
        case 0x0501: "rsa_pkcs1_sha384"
        case 0x0503: "ecdsa_secp384r1_sha384"
        case 0x0520: "rsa_pkcs1_sha384_legacy"
        case 0x0601: "rsa_pkcs1_sha512"
        case 0x0603: "ecdsa_secp521r1_sha512"
        case 0x0620: "rsa_pkcs1_sha512_legacy"
        case 0x0704: "eccsi_sha256"
        case 0x0705: "iso_ibs1"
        case 0x0706: "iso_ibs2"
        case 0x0707: "iso_chinese_ibs"
        case 0x0708: "sm2sig_sm3"
        case 0x0709: "gostr34102012_256a"
        case 0x070a: "gostr34102012_256b"
        case 0x070b: "gostr34102012_256c"
        case 0x070c: "gostr34102012_256d"
        case 0x070d: "gostr34102012_512a"
        case 0x070e: "gostr34102012_512b"
        case 0x070f: "gostr34102012_512c"
        case 0x0804: "rsa_pss_rsae_sha256"
        case 0x0805: "rsa_pss_rsae_sha384"
        case 0x0806: "rsa_pss_rsae_sha512"
        case 0x0807: "ed25519"
        case 0x0808: "ed448"
        case 0x0809: "rsa_pss_pss_sha256"
        case 0x080a: "rsa_pss_pss_sha384"
        case 0x080b: "rsa_pss_pss_sha512"
        case 0x081a: "ecdsa_brainpoolP256r1tls13_sha256"
        case 0x081b: "ecdsa_brainpoolP384r1tls13_sha384"
        case 0x081c: "ecdsa_brainpoolP512r1tls13_sha512"
        case 0x0904: "mldsa44"
        case 0x0905: "mldsa65"
        case 0x0906: "mldsa87"
        default: nil
        }
    }
}
