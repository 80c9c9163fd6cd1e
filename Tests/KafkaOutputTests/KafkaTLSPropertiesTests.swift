import Config
import Foundation
import KafkaOutput
import Testing

/// A directory of PEM files for one test, removed afterwards.
private final class TemporaryFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wirebeat-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

private func pem(_ label: String, _ body: String) -> String {
    "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
}

@Suite struct KafkaTLSPropertiesTests {
    private func properties(_ change: (inout TLSClientSettings) -> Void) throws(KafkaConfigError) -> KafkaProperties {
        var settings = KafkaOutputSettings(hosts: ["kafka:9093"])
        var tls = TLSClientSettings()
        change(&tls)
        settings.ssl = tls
        return try KafkaProperties.make(settings)
    }

    private func error(_ change: (inout TLSClientSettings) -> Void) -> String? {
        do {
            _ = try properties(change)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func defaultTLSVerifiesChainAndHostWithTheSystemStore() throws {
        let props = try properties { _ in }
        #expect(props["security.protocol"] == "ssl")
        #expect(props["enable.ssl.certificate.verification"] == "true")
        #expect(props["ssl.endpoint.identification.algorithm"] == "https")
        #expect(props["ssl.ca.location"] == nil)
        #expect(props["ssl.ca.pem"] == nil)
        #expect(props.notices.isEmpty)
    }

    @Test func verificationModes() throws {
        let strict = try properties { $0.verificationMode = .strict }
        #expect(strict["ssl.endpoint.identification.algorithm"] == "https")
        let chainOnly = try properties { $0.verificationMode = .certificate }
        #expect(chainOnly["enable.ssl.certificate.verification"] == "true")
        #expect(chainOnly["ssl.endpoint.identification.algorithm"] == "none")
        let none = try properties { $0.verificationMode = .none }
        #expect(none["enable.ssl.certificate.verification"] == "false")
    }

    @Test func oneCAFileIsPassedAsALocation() throws {
        let files = try TemporaryFiles()
        let ca = try files.write("ca.pem", pem("CERTIFICATE", "Q0E="))
        let props = try properties { $0.certificateAuthorities = [ca] }
        #expect(props["ssl.ca.location"] == ca)
        #expect(props["ssl.ca.pem"] == nil)
    }

    @Test func inlineAndSeveralCAsAreConcatenatedIntoOnePEM() throws {
        let files = try TemporaryFiles()
        let first = pem("CERTIFICATE", "Rmlyc3Q=")
        let second = pem("CERTIFICATE", "U2Vjb25k")
        let third = "-----BEGIN CERTIFICATE-----\nVGhpcmQ=\n-----END CERTIFICATE-----"
        let path = try files.write("second.pem", second)
        #expect(try properties { $0.certificateAuthorities = [first] }["ssl.ca.pem"] == first)
        let props = try properties { $0.certificateAuthorities = [first, path, third] }
        #expect(props["ssl.ca.pem"] == first + second + third + "\n")
        #expect(props["ssl.ca.location"] == nil)
    }

    @Test func anUnreadableCAFileIsNamed() throws {
        let files = try TemporaryFiles()
        let missing = files.path("missing.pem")
        let message = "output.kafka.ssl.certificate_authorities: cannot read \(missing): No such file or directory"
        #expect(error { $0.certificateAuthorities = [missing] } == message)
        #expect(error { $0.certificateAuthorities = [pem("CERTIFICATE", "QQ=="), missing] } == message)
    }

    @Test func clientCertificateAndKeyFromFiles() throws {
        let files = try TemporaryFiles()
        let certificate = try files.write("client.crt", pem("CERTIFICATE", "Y2VydA=="))
        let key = try files.write("client.key", pem("PRIVATE KEY", "a2V5"))
        let props = try properties {
            $0.certificate = certificate
            $0.key = key
            $0.keyPassphrase = "open sesame"
        }
        #expect(props["ssl.certificate.location"] == certificate)
        #expect(props["ssl.key.location"] == key)
        #expect(props["ssl.key.password"] == "open sesame")
        #expect(props["ssl.certificate.pem"] == nil)
    }

    @Test func inlineClientCertificateAndKey() throws {
        let certificate = pem("CERTIFICATE", "Y2VydA==")
        let key = pem("ENCRYPTED PRIVATE KEY", "a2V5")
        let props = try properties {
            $0.certificate = certificate
            $0.key = key
        }
        #expect(props["ssl.certificate.pem"] == certificate)
        #expect(props["ssl.key.pem"] == key)
        #expect(props["ssl.certificate.location"] == nil)
    }

    @Test func aMissingKeyFileIsNamed() throws {
        let files = try TemporaryFiles()
        let certificate = try files.write("client.crt", pem("CERTIFICATE", "Y2VydA=="))
        let missing = files.path("client.key")
        #expect(
            error {
                $0.certificate = certificate
                $0.key = missing
            } == "output.kafka.ssl.key: cannot read \(missing): No such file or directory")
    }

    @Test func passphraseFileIsTrimmedAndTheInlinePassphraseWins() throws {
        let files = try TemporaryFiles()
        let path = try files.write("passphrase", "  open sesame\n")
        #expect(try properties { $0.keyPassphrasePath = path }["ssl.key.password"] == "open sesame")
        let both = try properties {
            $0.keyPassphrasePath = path
            $0.keyPassphrase = "inline"
        }
        #expect(both["ssl.key.password"] == "inline")
        let missing = files.path("nothing")
        #expect(error { $0.keyPassphrasePath = missing }?.hasPrefix("output.kafka.ssl.key_passphrase_path: ") == true)
    }

    @Test func cipherSuitesAreTranslatedToOpenSSLNames() throws {
        let props = try properties {
            $0.cipherSuites = [
                "ECDHE-RSA-AES-128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "RSA-AES-128-CBC-SHA",
                "ecdhe-rsa-aes-256-gcm-sha384", "ECDHE-RSA-CHACHA20-POLY1205", "RSA-3DES-CBC3-SHA",
            ]
        }
        #expect(
            props["ssl.cipher.suites"]
                == "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:AES128-SHA:"
                + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:DES-CBC3-SHA")
        #expect(props.notices.isEmpty)
    }

    @Test func tls13SuitesCannotBeSetAndAreNoticed() throws {
        let props = try properties { $0.cipherSuites = ["TLS-AES-128-GCM-SHA256", "ECDHE-RSA-AES-128-GCM-SHA256"] }
        #expect(props["ssl.cipher.suites"] == "ECDHE-RSA-AES128-GCM-SHA256")
        #expect(props.notices.count == 1)
        #expect(props.notices.first?.hasPrefix("output.kafka.ssl.cipher_suites: ") == true)
        #expect(props.notices.first?.contains("TLS-AES-128-GCM-SHA256") == true)
        #expect(try properties { $0.cipherSuites = ["TLS-AES-256-GCM-SHA384"] }["ssl.cipher.suites"] == nil)
    }

    @Test func unknownCipherSuitesAreListed() {
        let message = error { $0.cipherSuites = ["ECDHE-RSA-AES128-GCM-SHA256", "RSA-AES-128-GCM-SHA256", "FOO"] }
        #expect(
            message?.hasPrefix("output.kafka.ssl.cipher_suites: unknown cipher suite ECDHE-RSA-AES128-GCM-SHA256, FOO")
                == true)
    }

    @Test func curvesAreTranslatedToOpenSSLNames() throws {
        let props = try properties { $0.curveTypes = ["P-256", "P-384", "P-521", "X25519"] }
        #expect(props["ssl.curves.list"] == "prime256v1:secp384r1:secp521r1:X25519")
        #expect(
            error { $0.curveTypes = ["P-224"] }?.hasPrefix("output.kafka.ssl.curve_types: unknown curve P-224") == true)
    }

    @Test func onlyNonDefaultProtocolVersionsAreNoticed() throws {
        #expect(try properties { $0.supportedProtocols = ["TLSv1.3", "TLSv1.2"] }.notices.isEmpty)
        let props = try properties { $0.supportedProtocols = ["TLSv1.3"] }
        #expect(props.notices.count == 1)
        #expect(props.notices.first?.hasPrefix("output.kafka.ssl.supported_protocols: ") == true)
    }

    @Test func pinnedCAFingerprintsAreRefused() {
        #expect(
            error { $0.caSHA256 = ["c2hhMjU2"] }
                == "output.kafka.ssl.ca_sha256 is not supported by wirebeat's Kafka output; use certificate_authorities"
        )
        #expect(
            error { $0.caTrustedFingerprint = "00ff" }
                == "output.kafka.ssl.ca_trusted_fingerprint is not supported by wirebeat's Kafka output; "
                + "use certificate_authorities")
    }
}
