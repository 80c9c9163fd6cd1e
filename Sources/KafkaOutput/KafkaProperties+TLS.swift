// `output.kafka.ssl.*` as librdkafka (OpenSSL) properties (libbeat reference §1.8). Beats takes its names from
// Go's crypto/tls; librdkafka hands cipher and curve lists to OpenSSL, so each Beats name is translated to its
// OpenSSL spelling. PEM given inline or spread over several files is passed as one string, since librdkafka
// takes a single CA location. Pinned CA fingerprints would need a verification callback in the producer and
// are refused at start-up rather than silently not checked.

import Config

#if canImport(Glibc)
    import Glibc
#endif

extension KafkaProperties {
    mutating func mapTLS(_ tls: TLSClientSettings) throws(KafkaConfigError) {
        if !tls.caSHA256.isEmpty {
            throw KafkaConfigError(Self.pinningUnsupported("ca_sha256"))
        }
        if tls.caTrustedFingerprint != nil {
            throw KafkaConfigError(Self.pinningUnsupported("ca_trusted_fingerprint"))
        }
        try mapCertificateAuthorities(tls.certificateAuthorities)
        if let certificate = tls.certificate {
            try setPEM(
                certificate, option: "ssl.certificate", file: "ssl.certificate.location", inline: "ssl.certificate.pem")
        }
        if let key = tls.key {
            try setPEM(key, option: "ssl.key", file: "ssl.key.location", inline: "ssl.key.pem")
        }
        // libbeat reads key_passphrase_path only when no passphrase is given inline.
        if let passphrase = tls.keyPassphrase, !passphrase.isEmpty {
            set("ssl.key.password", passphrase)
        } else if let path = tls.keyPassphrasePath {
            let text = try Self.readFile(path, option: "ssl.key_passphrase_path")
            // The file usually ends with a newline that is not part of the passphrase.
            let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
            let end = text.lastIndex { !$0.isWhitespace }.map(text.index(after:)) ?? start
            set("ssl.key.password", String(text[start..<max(start, end)]))
        }
        switch tls.verificationMode {
        case .full, .strict:
            set("enable.ssl.certificate.verification", true)
            set("ssl.endpoint.identification.algorithm", "https")
        case .certificate:
            set("enable.ssl.certificate.verification", true)
            set("ssl.endpoint.identification.algorithm", "none")
        case .none:
            set("enable.ssl.certificate.verification", false)
            set("ssl.endpoint.identification.algorithm", "none")
        }
        try mapCipherSuites(tls.cipherSuites)
        try mapCurves(tls.curveTypes)
        if Set(tls.supportedProtocols) != Set(TLSClientSettings().supportedProtocols) {
            notice(
                "ssl.supported_protocols",
                "librdkafka has no property for TLS versions; OpenSSL's defaults apply (set MinProtocol and "
                    + "MaxProtocol in an OpenSSL configuration named by OPENSSL_CONF)")
        }
    }

    private mutating func mapCertificateAuthorities(_ entries: [String]) throws(KafkaConfigError) {
        let option = "ssl.certificate_authorities"
        if entries.count == 1, !Self.isInlinePEM(entries[0]) {
            try Self.requireReadable(entries[0], option: option)
            set("ssl.ca.location", entries[0])
        } else if !entries.isEmpty {
            var bundle = ""
            for entry in entries {
                var pem = Self.isInlinePEM(entry) ? entry : try Self.readFile(entry, option: option)
                if !pem.hasSuffix("\n") { pem += "\n" }
                bundle += pem
            }
            set("ssl.ca.pem", bundle)
        }
    }

    private mutating func setPEM(_ value: String, option: String, file: String, inline: String) throws(KafkaConfigError)
    {
        if Self.isInlinePEM(value) {
            set(inline, value)
        } else {
            try Self.requireReadable(value, option: option)
            set(file, value)
        }
    }

    private mutating func mapCipherSuites(_ names: [String]) throws(KafkaConfigError) {
        var openSSL: [String] = []
        var tls13: [String] = []
        var unknown: [String] = []
        for name in names {
            let key = name.uppercased()
            if let translated = Self.cipherSuites[key] {
                openSSL.append(translated)
            } else if Self.tls13CipherSuites.contains(key) {
                tls13.append(name)
            } else {
                unknown.append(name)
            }
        }
        guard unknown.isEmpty else {
            throw KafkaConfigError(
                "output.kafka.ssl.cipher_suites: unknown cipher suite \(unknown.joined(separator: ", ")) (expected "
                    + "Beats names such as ECDHE-RSA-AES-128-GCM-SHA256 or TLS-AES-128-GCM-SHA256)")
        }
        if !openSSL.isEmpty { set("ssl.cipher.suites", openSSL.joined(separator: ":")) }
        if !tls13.isEmpty {
            notice(
                "ssl.cipher_suites",
                "librdkafka cannot restrict TLS 1.3 suites (\(tls13.joined(separator: ", "))); OpenSSL's TLS 1.3 "
                    + "defaults apply")
        }
    }

    private mutating func mapCurves(_ names: [String]) throws(KafkaConfigError) {
        var curves: [String] = []
        var unknown: [String] = []
        for name in names {
            if let curve = Self.curves[name.uppercased()] { curves.append(curve) } else { unknown.append(name) }
        }
        guard unknown.isEmpty else {
            throw KafkaConfigError(
                "output.kafka.ssl.curve_types: unknown curve \(unknown.joined(separator: ", ")) (expected P-256, "
                    + "P-384, P-521 or X25519)")
        }
        if !curves.isEmpty { set("ssl.curves.list", curves.joined(separator: ":")) }
    }

    private static func pinningUnsupported(_ option: String) -> String {
        "output.kafka.ssl.\(option) is not supported by wirebeat's Kafka output; use certificate_authorities"
    }

    /// Beats accepts PEM text in place of a file name; it is recognised by its armour line.
    static func isInlinePEM(_ value: String) -> Bool {
        value.drop(while: \.isWhitespace).hasPrefix("-----BEGIN")
    }

    private static func requireReadable(_ path: String, option: String) throws(KafkaConfigError) {
        guard access(path, R_OK) == 0 else { throw unreadable(path, option: option, errno: errno) }
    }

    static func readFile(_ path: String, option: String) throws(KafkaConfigError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(path, option: option, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable(path, option: option, errno: errno)
            }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func unreadable(_ path: String, option: String, errno code: Int32) -> KafkaConfigError {
        KafkaConfigError("output.kafka.\(option): cannot read \(path): \(String(cString: strerror(code)))")
    }

    /// Beats (Go crypto/tls) cipher suite names and their OpenSSL names, for TLS 1.2 and earlier.
    static let cipherSuites: [String: String] = [
        "ECDHE-ECDSA-AES-128-CBC-SHA": "ECDHE-ECDSA-AES128-SHA",
        "ECDHE-ECDSA-AES-128-CBC-SHA256": "ECDHE-ECDSA-AES128-SHA256",
        "ECDHE-ECDSA-AES-128-GCM-SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES-256-CBC-SHA": "ECDHE-ECDSA-AES256-SHA",
        "ECDHE-ECDSA-AES-256-GCM-SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305": "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-RC4-128-SHA": "ECDHE-ECDSA-RC4-SHA",
        "ECDHE-RSA-3DES-CBC3-SHA": "ECDHE-RSA-DES-CBC3-SHA",
        "ECDHE-RSA-AES-128-CBC-SHA": "ECDHE-RSA-AES128-SHA",
        "ECDHE-RSA-AES-128-CBC-SHA256": "ECDHE-RSA-AES128-SHA256",
        "ECDHE-RSA-AES-128-GCM-SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES-256-CBC-SHA": "ECDHE-RSA-AES256-SHA",
        "ECDHE-RSA-AES-256-GCM-SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
        // libbeat spells this suite with a typo (1205); accept both spellings.
        "ECDHE-RSA-CHACHA20-POLY1205": "ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305": "ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-RSA-RC4-128-SHA": "ECDHE-RSA-RC4-SHA",
        "RSA-3DES-CBC3-SHA": "DES-CBC3-SHA",
        "RSA-AES-128-CBC-SHA": "AES128-SHA",
        "RSA-AES-128-CBC-SHA256": "AES128-SHA256",
        "RSA-AES-128-GCM-SHA256": "AES128-GCM-SHA256",
        "RSA-AES-256-CBC-SHA": "AES256-SHA",
        "RSA-AES-256-GCM-SHA384": "AES256-GCM-SHA384",
        "RSA-RC4-128-SHA": "RC4-SHA",
    ]

    /// Beats' TLS 1.3 suite names: OpenSSL configures these apart from the cipher list, and librdkafka
    /// exposes no property for them.
    static let tls13CipherSuites: Set<String> = [
        "TLS-AES-128-GCM-SHA256", "TLS-AES-256-GCM-SHA384", "TLS-CHACHA20-POLY1305-SHA256",
    ]

    /// Beats curve names and their OpenSSL names.
    static let curves: [String: String] = [
        "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", "X25519": "X25519",
    ]
}
