// Valid output and queue configurations: Kafka, file and console outputs, and the memory, disk and
// legacy spool queues, with the settings each must produce.

import Config
import NetModel
import Events
import Testing

let validOutputCases: [ValidCase] = [
    ValidCase(
        name: "kafka with every kind of option",
        yaml: """
            output.kafka:
              hosts: ["k1:9092", "k2:9092"]
              topic: "%{[fields.log_topic]:packetbeat}"
              topics:
                - topic: "critical-%{[agent.version]}"
                  when.contains:
                    message: "CRITICAL"
                - topic: tls
                  mappings: {tls: tls-events}
                  default: other
              key: "%{[network.community_id]}"
              partition.round_robin:
                group_events: 10
                reachable_only: true
              username: beats
              password: s3cret
              sasl.mechanism: scram-sha-512
              ssl.verification_mode: none
              ssl.certificate_authorities: [/etc/ca.pem]
              compression: LZ4
              required_acks: -1
              max_retries: -1
              bulk_flush_frequency: 500ms
              headers:
                - key: origin
                  value: sensor
                - key: ""
                  value: skipped
              librdkafka:
                queue.buffering.max.ms: 5
                socket.keepalive.enable: true
            """
    ) { loaded in
        guard case .kafka(let k) = loaded.settings.output else {
            Issue.record("expected kafka")
            return
        }
        #expect(k.hosts == ["k1:9092", "k2:9092"])
        #expect(k.topic == (try? FormatString("%{[fields.log_topic]:packetbeat}")))
        #expect(k.topics.count == 2)
        #expect(k.topics[0].topic == (try? FormatString("critical-%{[agent.version]}")))
        #expect(k.topics[0].when?["contains.message"] == .string("CRITICAL"))
        #expect(k.topics[1].mappings == ["tls": "tls-events"])
        #expect(k.topics[1].defaultTopic == "other")
        #expect(k.partitioner == .roundRobin(groupEvents: 10, reachableOnly: true))
        #expect(k.saslMechanism == .scramSHA512)
        #expect(k.ssl?.verificationMode == TLSClientSettings.VerificationMode.none)
        #expect(k.ssl?.certificateAuthorities == ["/etc/ca.pem"])
        #expect(k.compression == .lz4)
        #expect(k.requiredAcks == -1)
        #expect(k.maxRetries == -1)
        #expect(k.bulkFlushFrequency == .milliseconds(500))
        #expect(k.headers == [KafkaHeader(key: "origin", value: "sensor")])
        #expect(k.librdkafka == ["queue.buffering.max.ms": "5", "socket.keepalive.enable": "true"])
        #expect(k.clientID == "beats")
        #expect(k.brokerTimeout == .seconds(10))
    },
    ValidCase(
        name: "kafka defaults", yaml: "output.kafka:\n  hosts: [\"k:9092\"]\n  topic: packetbeat\n"
    ) { loaded in
        guard case .kafka(let k) = loaded.settings.output else {
            Issue.record("expected kafka")
            return
        }
        #expect(k.partitioner == .hash(fields: [], random: true, reachableOnly: false))
        #expect(k.compression == .gzip && k.compressionLevel == 4)
        #expect(k.requiredAcks == nil && k.maxRetries == 3)
        #expect(k.maxMessageBytes == 1_000_000 && k.bulkMaxSize == 2048)
        #expect(k.metadata.refreshFrequency == .seconds(600))
        #expect(k.ssl == nil && k.username == nil)
        #expect(k.codec == .default)
        #expect(k.topic?.isConstant == true)
    },
    ValidCase(
        name: "disabled unsupported outputs are accepted",
        yaml: "output.elasticsearch:\n  enabled: false\n  hosts: [es:9200]\noutput.logstash.enabled: false\n"
            + "output.file:\n  path: events\n  permissions: 0640\n  codec.format.string: '%{[message]}'\n"
    ) { loaded in
        #expect(loaded.warnings.isEmpty)
        guard case .file(let f) = loaded.settings.output else {
            Issue.record("expected file")
            return
        }
        #expect(f.path == "/srv/wirebeat/events")
        #expect(f.permissions == 0o640)
        #expect(f.filename == "packetbeat")
        let format = try FormatString("%{[message]}")
        #expect(f.codec == .format(format))
    },
    ValidCase(name: "file output defaults to path.data", yaml: "output.file.enabled: true\n") { loaded in
        #expect(loaded.settings.output == .file(FileOutputSettings(path: "/srv/wirebeat/data")))
    },
    ValidCase(name: "console pretty", yaml: "output.console.pretty: true\n") { loaded in
        var expected = ConsoleOutputSettings()
        expected.codec = .json(JSONCodecSettings(pretty: true))
        #expect(loaded.settings.output == .console(expected))
    },
    ValidCase(name: "disk queue defaults", yaml: "queue.disk: {}\n") { loaded in
        guard case .disk(let d) = loaded.settings.queue else {
            Issue.record("expected disk queue")
            return
        }
        #expect(d.path == "/srv/wirebeat/data/diskqueue")
        #expect(d.maxSize == 10_000_000_000)
        #expect(d.segmentSize == 1_000_000_000)
        #expect(d.readAhead == 512 && d.writeAhead == 2048)
        #expect(d.onFull == .block)
    },
    ValidCase(
        name: "disk queue sizes in IEC units",
        yaml: "queue.disk:\n  max_size: 100MiB\n  on_full: drop_newest\n  path: ${path.data}/q\n"
    ) { loaded in
        guard case .disk(let d) = loaded.settings.queue else {
            Issue.record("expected disk queue")
            return
        }
        #expect(d.maxSize == 104_857_600)
        #expect(d.segmentSize == 10_485_760)
        #expect(d.onFull == .dropNewest)
        #expect(d.path == "/srv/wirebeat/data/q")
    },
    ValidCase(
        name: "queue under the output (8.x)",
        yaml:
            "output.kafka:\n  hosts: [\"k:9092\"]\n  topic: t\n  queue.mem:\n    events: 8192\n    flush.timeout: 1s\n"
    ) { loaded in
        var expected = MemoryQueueSettings()
        expected.events = 8192
        expected.flushTimeout = .seconds(1)
        #expect(loaded.settings.queue == .memory(expected))
    },
    ValidCase(
        name: "legacy spool maps to the disk queue",
        yaml: "queue.spool:\n  file:\n    path: \"${path.data}/spool.dat\"\n    size: 512MiB\n"
    ) { loaded in
        guard case .disk(let d) = loaded.settings.queue else {
            Issue.record("expected disk queue")
            return
        }
        #expect(d.maxSize == 536_870_912)
        #expect(d.path == "/srv/wirebeat/data")
        #expect(loaded.warnings.map(\.keyPath) == ["queue.spool"])
        #expect(loaded.warnings.first?.message.contains("disk queue") == true)
    },
]
