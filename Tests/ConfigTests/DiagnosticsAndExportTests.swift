// Unknown-key warnings and the `export config` rendering with secrets redacted.

import Config
import Testing

@Suite("Unknown keys")
struct UnknownKeyTests {
    @Test("an unknown key is a warning with its location and a suggestion")
    func typo() throws {
        let loaded = try loadValid("packetbeat.flows:\n  timeout: 30s\n  timout: 10s\n")
        #expect(loaded.warnings.count == 1)
        let warning = try #require(loaded.warnings.first)
        #expect(warning.file == "t.yml")
        #expect(warning.line == 3)
        #expect(warning.column == 3)
        #expect(warning.keyPath == "packetbeat.flows.timout")
        #expect(warning.message == "unknown setting (ignored); did you mean \"timeout\"?")
        #expect(
            warning.description
                == "t.yml:3:3: packetbeat.flows.timout: unknown setting (ignored); did you mean \"timeout\"?")
    }

    @Test(
        "unknown keys are found in every section",
        arguments: [
            ("outptu.console.enabled: true\n", "outptu"),
            ("packetbeat.protocols:\n- type: tls\n  fingerprint: [sha1]\n", "packetbeat.protocols.0.fingerprint"),
            ("packetbeat.protocols.dns.include_authority: true\n", "packetbeat.protocols.dns.include_authority"),
            ("packetbeat.protocols:\n- type: icmp\n  ports: [1]\n", "packetbeat.protocols.0.ports"),
            ("packetbeat.interfaces:\n- device: eth0\n  snap_len: 1500\n", "packetbeat.interfaces.0.snap_len"),
            ("queue.disk.maxsize: 1GB\n", "queue.disk.maxsize"),
            (
                "output.kafka:\n  hosts: [k]\n  topic: t\n  partition.hash.hashes: []\n",
                "output.kafka.partition.hash.hashes"
            ),
            ("logging.files.keep_files: 3\n", "logging.files.keep_files"),
        ])
    func everySection(yaml: String, keyPath: String) throws {
        let loaded = try loadValid(yaml)
        #expect(loaded.warnings.map(\.keyPath) == [keyPath])
    }

    @Test("an unknown key set by -E is reported at -E")
    func fromOverride() throws {
        let loaded = try loadValid("", overrides: ["packetbeat.flow.timeout=10s"])
        #expect(loaded.warnings.map(\.file) == ["-E"])
        #expect(loaded.warnings.map(\.keyPath) == ["packetbeat.flow"])
    }
}

@Suite("Effective configuration")
struct ExportTests {
    @Test("export shows the merged tree after -E and ${VAR}, with secrets redacted")
    func redacts() throws {
        let yaml = """
            output.kafka:
              hosts: ["${BROKER}"]
              topic: packetbeat
              username: beats
              password: ${KAFKA_PASSWORD}
              ssl.key_passphrase: hunter2
              sasl.mechanism: PLAIN
              kerberos:
                password: krb-secret
              headers:
                - key: Authorization
                  value: Bearer abc123
              librdkafka:
                sasl.password: rd-secret
            cloud.auth: "elastic:cloudpw"
            fields:
              api_token: tok-1
              proxy: "http://u:urlpw@proxy:3128"
              tokenizer: kept
            """
        let loaded = try loadValid(
            yaml, overrides: ["output.kafka.client_id=sensor-7"],
            environment: ["BROKER": "k1:9092", "KAFKA_PASSWORD": "pa55word"])
        let text = loaded.effectiveYAML()
        for secret in ["pa55word", "hunter2", "krb-secret", "abc123", "rd-secret", "cloudpw", "tok-1", "urlpw"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        #expect(text.contains("k1:9092"))
        #expect(text.contains("client_id: sensor-7"))
        #expect(text.contains("tokenizer: kept"))
        #expect(text.contains("http://u:[REDACTED]@proxy:3128"))
        #expect(text.components(separatedBy: "[REDACTED]").count - 1 == 8)
    }

    @Test("the exported YAML loads back to the same settings")
    func roundTrip() throws {
        let yaml = """
            packetbeat.flows.period: -1
            packetbeat.protocols:
            - type: tls
              ports: [443, 8443]
            fields: {port: "5066", on: yes, mode: 0600, empty: ~}
            output.file.path: /tmp/out
            """
        let first = try loadValid(yaml)
        let second = try loadValid(first.effectiveYAML())
        // Entries remember where they were written, which differs between the two texts.
        func withoutLocations(_ settings: Settings) -> Settings {
            var copy = settings
            copy.protocols = copy.protocols.map {
                var p = $0
                p.location = nil
                return p
            }
            return copy
        }
        #expect(withoutLocations(first.settings) == withoutLocations(second.settings))
        #expect(second.settings.fields["port"] == .string("5066"))
    }
}
