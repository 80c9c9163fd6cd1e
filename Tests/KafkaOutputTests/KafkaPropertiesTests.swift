import Config
import Foundation
import KafkaOutput
import Testing

@Suite struct KafkaPropertiesTests {
    private func settings(_ change: (inout KafkaOutputSettings) -> Void = { _ in }) -> KafkaOutputSettings {
        var settings = KafkaOutputSettings(hosts: ["kafka1:9092", "kafka2:9092"])
        change(&settings)
        return settings
    }

    private func properties(_ change: (inout KafkaOutputSettings) -> Void = { _ in }) throws(KafkaConfigError)
        -> KafkaProperties
    {
        try KafkaProperties.make(settings(change))
    }

    @Test func defaultsAreAppendixAWithWirebeatsDeliveryChoices() throws {
        let props = try properties()
        var expected = [
            "bootstrap.servers": "kafka1:9092,kafka2:9092",
            "client.id": "beats",
            "broker.version.fallback": "1.0.0",
            // wirebeat: the idempotent producer, which needs acks from all replicas (Beats: acks 1, no idempotence).
            "acks": "all",
            "enable.idempotence": "true",
            "compression.codec": "gzip",
            "compression.level": "4",
            "message.max.bytes": "1000000",
            "batch.num.messages": "2048",
            "linger.ms": "0",
            "request.timeout.ms": "10000",
            "socket.timeout.ms": "30000",
            "socket.connection.setup.timeout.ms": "30000",
            "socket.keepalive.enable": "false",
            "topic.metadata.refresh.interval.ms": "600000",
            "topic.metadata.refresh.sparse": "true",
            "topic.metadata.refresh.fast.interval.ms": "250",
            "message.send.max.retries": "3",
            "retry.backoff.ms": "1000",
            "message.timeout.ms": "0",
            "security.protocol": "plaintext",
        ]
        if KafkaProperties.supportsRetryBackoffMax { expected["retry.backoff.max.ms"] = "60000" }
        #expect(Dictionary(props.properties, uniquingKeysWith: { _, last in last }) == expected)
        #expect(props.properties.count == expected.count, "no property is set twice")
        #expect(props.notices.isEmpty)
    }

    @Test func wirebeatChoicesComeFirstAndPassThroughLastSortedByKey() throws {
        let props = try properties { $0.librdkafka = ["queue.buffering.max.messages": "5000", "acks": "1"] }
        #expect(props.properties.prefix(2).map(\.0) == ["enable.idempotence", "message.timeout.ms"])
        #expect(props.properties.suffix(2).map(\.0) == ["acks", "queue.buffering.max.messages"])
        #expect(props["acks"] == "1", "the last value of a property wins")
    }

    @Test func hostsRepeatedPerWorkerAreJoinedOnce() throws {
        let props = try properties { $0.hosts = ["a:9092", "b:9093", "a:9092", "b:9093"] }
        #expect(props["bootstrap.servers"] == "a:9092,b:9093")
    }

    @Test func allReplicasKeepsTheIdempotentProducer() throws {
        let props = try properties { $0.requiredAcks = -1 }
        #expect(props["acks"] == "all")
        #expect(props["enable.idempotence"] == "true")
        #expect(props.notices.isEmpty)
    }

    @Test(arguments: [0, 1]) func fewerAcksTurnIdempotenceOffWithANotice(acks: Int) throws {
        let props = try properties { $0.requiredAcks = acks }
        #expect(props["acks"] == String(acks))
        #expect(props["enable.idempotence"] == "false")
        #expect(props.notices.count == 1)
        #expect(props.notices.first?.hasPrefix("output.kafka.required_acks: \(acks) turns the idempotent") == true)
    }

    @Test func compressionLevelIsOnlySetForGzip() throws {
        #expect(try properties { $0.compressionLevel = 9 }["compression.level"] == "9")
        for codec in [KafkaCompression.none, .snappy, .lz4, .zstd] {
            let props = try properties {
                $0.compression = codec
                $0.compressionLevel = 7
            }
            #expect(props["compression.codec"] == codec.rawValue)
            #expect(props["compression.level"] == nil)
        }
        #expect(throws: KafkaConfigError.self) { try properties { $0.compressionLevel = 11 } }
    }

    @Test func eachOptionSetsItsProperty() throws {
        let props = try properties {
            $0.clientID = "sensor-7"
            $0.version = "2.1.0"
            $0.maxMessageBytes = 2_000_000
            $0.bulkMaxSize = 500
            $0.bulkFlushFrequency = .milliseconds(250)
            $0.brokerTimeout = .seconds(5)
            $0.timeout = .seconds(45)
            $0.keepAlive = .seconds(30)
            $0.metadata.refreshFrequency = .seconds(60)
            $0.metadata.full = true
            $0.metadata.retryBackoff = .milliseconds(500)
            $0.maxRetries = 7
            $0.backoffInit = .seconds(2)
        }
        #expect(props["client.id"] == "sensor-7")
        #expect(props["broker.version.fallback"] == "2.1.0")
        #expect(props["message.max.bytes"] == "2000000")
        #expect(props["batch.num.messages"] == "500")
        #expect(props["linger.ms"] == "250")
        #expect(props["request.timeout.ms"] == "5000")
        #expect(props["socket.timeout.ms"] == "45000")
        #expect(props["socket.connection.setup.timeout.ms"] == "45000")
        #expect(props["socket.keepalive.enable"] == "true")
        #expect(props["topic.metadata.refresh.interval.ms"] == "60000")
        #expect(props["topic.metadata.refresh.sparse"] == "false")
        #expect(props["topic.metadata.refresh.fast.interval.ms"] == "500")
        #expect(props["message.send.max.retries"] == "7")
        #expect(props["retry.backoff.ms"] == "2000")
        #expect(
            props.notices == [
                "output.kafka.keep_alive: librdkafka only turns TCP keep-alive on; the period is the system's"
            ])
    }

    @Test func bulkMaxSizeZeroKeepsLibrdkafkasBatchSize() throws {
        #expect(try properties { $0.bulkMaxSize = 0 }["batch.num.messages"] == nil)
    }

    @Test func retryingForever() throws {
        #expect(try properties { $0.maxRetries = -1 }["message.send.max.retries"] == "2147483647")
        let forced = try KafkaProperties.make(settings(), maxRetriesForever: true)
        #expect(forced["message.send.max.retries"] == "2147483647")
    }

    @Test func backoffMaxNeedsANewerLibrdkafka() throws {
        let props = try properties { $0.backoffMax = .seconds(120) }
        if KafkaProperties.supportsRetryBackoffMax {
            #expect(props["retry.backoff.max.ms"] == "120000")
        } else {
            #expect(props["retry.backoff.max.ms"] == nil)
            #expect(props.notices.count == 1)
            #expect(props.notices.first?.hasPrefix("output.kafka.backoff.max: ") == true)
        }
    }

    @Test func optionsWithoutCounterpartAreNoticedOnlyWhenChanged() throws {
        let props = try properties {
            $0.channelBufferSize = 512
            $0.metadata.retryMax = 5
        }
        #expect(props.notices.count == 2)
        #expect(props.notices.contains { $0.hasPrefix("output.kafka.channel_buffer_size: ") })
        #expect(props.notices.contains { $0.hasPrefix("output.kafka.metadata.retry.max: ") })
    }

    @Test func valuesLibrdkafkaWouldRefuseAreClampedWithANotice() throws {
        let props = try properties {
            $0.timeout = .seconds(600)
            $0.bulkMaxSize = 2_000_000
            $0.maxMessageBytes = 500
            $0.brokerTimeout = .seconds(3600)
        }
        #expect(props["socket.timeout.ms"] == "300000")
        #expect(props["socket.connection.setup.timeout.ms"] == "600000")
        #expect(props["batch.num.messages"] == "1000000")
        #expect(props["message.max.bytes"] == "1000")
        #expect(props["request.timeout.ms"] == "900000")
        #expect(
            props.notices.contains(
                "output.kafka.timeout: 10m0s is above what librdkafka allows for socket.timeout.ms (10 to 300000 ms); "
                    + "using 300000 ms"))
        #expect(props.notices.contains { $0.hasPrefix("output.kafka.bulk_max_size: 2000000 is above") })
        #expect(props.notices.contains { $0.hasPrefix("output.kafka.max_message_bytes: 500 is below") })
        #expect(props.notices.contains { $0.hasPrefix("output.kafka.broker_timeout: 1h0m0s is above") })
    }

    @Test func subMillisecondDurationsRoundUp() throws {
        #expect(try properties { $0.bulkFlushFrequency = .init(nanoseconds: 500_000) }["linger.ms"] == "1")
        #expect(try properties { $0.backoffInit = .init(nanoseconds: 1_000_001) }["retry.backoff.ms"] == "2")
    }

    @Test func passThroughTimeoutIsKeptWithANotice() throws {
        let props = try properties { $0.librdkafka = ["message.timeout.ms": "60000"] }
        #expect(props["message.timeout.ms"] == "60000")
        #expect(props.notices.count == 1)
        #expect(props.notices.first?.hasPrefix("output.kafka.librdkafka.message.timeout.ms: ") == true)
        #expect(try properties { $0.librdkafka = ["message.timeout.ms": "0"] }.notices.isEmpty)
    }

    @Test func idempotenceCanBeOverridden() throws {
        let props = try properties { $0.librdkafka = ["enable.idempotence": "false"] }
        #expect(props["enable.idempotence"] == "false")
    }

    @Test func errorsDescribeThemselves() {
        let error = KafkaConfigError("output.kafka.x: y")
        #expect(error.description == "output.kafka.x: y")
    }
}

@Suite struct KafkaAuthenticationPropertiesTests {
    private func properties(_ change: (inout KafkaOutputSettings) -> Void) throws(KafkaConfigError) -> KafkaProperties {
        var settings = KafkaOutputSettings(hosts: ["kafka:9092"])
        change(&settings)
        return try KafkaProperties.make(settings)
    }

    @Test func usernameAndPasswordUsePlainByDefault() throws {
        let props = try properties {
            $0.username = "beats"
            $0.password = "secret"
        }
        #expect(props["security.protocol"] == "sasl_plaintext")
        #expect(props["sasl.mechanisms"] == "PLAIN")
        #expect(props["sasl.username"] == "beats")
        #expect(props["sasl.password"] == "secret")
    }

    @Test(arguments: [KafkaSASLMechanism.plain, .scramSHA256, .scramSHA512])
    func saslMechanismOverTLS(mechanism: KafkaSASLMechanism) throws {
        let props = try properties {
            $0.username = "beats"
            $0.password = "secret"
            $0.saslMechanism = mechanism
            $0.ssl = TLSClientSettings()
        }
        #expect(props["security.protocol"] == "sasl_ssl")
        #expect(props["sasl.mechanisms"] == mechanism.rawValue)
    }

    private func keytabKerberos() -> KafkaKerberosSettings {
        var kerberos = KafkaKerberosSettings()
        kerberos.authType = .keytab
        kerberos.keytab = "/etc/wirebeat/beats.keytab"
        kerberos.serviceName = "kafka"
        kerberos.username = "beats"
        kerberos.realm = "EXAMPLE.COM"
        return kerberos
    }

    @Test func kerberosKeytabTakesPrecedenceOverUsername() throws {
        let props = try properties {
            $0.kerberos = keytabKerberos()
            $0.username = "other"
            $0.password = "secret"
        }
        #expect(props["security.protocol"] == "sasl_plaintext")
        #expect(props["sasl.mechanisms"] == "GSSAPI")
        #expect(props["sasl.kerberos.service.name"] == "kafka")
        #expect(props["sasl.kerberos.keytab"] == "/etc/wirebeat/beats.keytab")
        #expect(props["sasl.kerberos.principal"] == "beats@EXAMPLE.COM")
        #expect(props["sasl.username"] == nil)
        #expect(props.notices.contains { $0.hasPrefix("output.kafka.username: kerberos takes precedence") })
    }

    @Test func kerberosOverTLSWithoutRealm() throws {
        let props = try properties {
            var kerberos = keytabKerberos()
            kerberos.realm = nil
            kerberos.configPath = "/etc/krb5-kafka.conf"
            $0.kerberos = kerberos
            $0.ssl = TLSClientSettings()
        }
        #expect(props["security.protocol"] == "sasl_ssl")
        #expect(props["sasl.kerberos.principal"] == "beats")
        #expect(props.notices.contains { $0.contains("KRB5_CONFIG=/etc/krb5-kafka.conf") })
    }

    @Test func kerberosPasswordAuthenticationIsRefused() {
        var kerberos = KafkaKerberosSettings()
        kerberos.username = "beats"
        kerberos.password = "secret"
        do {
            _ = try properties { $0.kerberos = kerberos }
            Issue.record("password authentication was accepted")
        } catch {
            #expect(error.message.hasPrefix("output.kafka.kerberos.auth_type: password has no librdkafka counterpart"))
            #expect(error.message.contains("auth_type: keytab"))
            #expect(error.message.contains("kinit"))
        }
    }
}
