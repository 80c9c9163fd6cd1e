// The translation of `output.kafka` into librdkafka producer properties (libbeat reference §1.1, §1.6 and
// Appendix A): every libbeat option maps to its nearest librdkafka property, wirebeat's at-least-once choices
// come first, and the user's `librdkafka` map is applied last. Options without a counterpart are accepted and
// reported as start-up notices; the few that cannot be honoured at all stop start-up with a KafkaConfigError.
// TLS is in KafkaProperties+TLS.swift. Nothing here talks to librdkafka: RdKafka.swift applies the list.

import CRdKafka
import Config

/// Why `output.kafka` cannot be turned into a working librdkafka configuration.
public struct KafkaConfigError: Error, Sendable, CustomStringConvertible {
    /// The option concerned (as `output.kafka.<key>`) and what to do instead.
    public let message: String
    /// An error described by `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// librdkafka producer properties equivalent to an `output.kafka` section.
public struct KafkaProperties: Sendable {
    /// Properties in the order they are set (wirebeat's choices, then the mapped options, then the user's
    /// `librdkafka` pass-through map applied last, sorted by key for determinism).
    public var properties: [(String, String)] = []
    /// Start-up notices: options accepted but without a librdkafka counterpart or changed (logged by the lead).
    public var notices: [String] = []

    /// librdkafka's upper bound for retry counts (an int32 property).
    public static let retryForever = 2_147_483_647

    /// Whether the librdkafka this is built against has `retry.backoff.max.ms` (exponential retry backoff,
    /// KIP-580, added in librdkafka 2.3.0); older versions retry every `retry.backoff.ms`.
    public static let supportsRetryBackoffMax = RD_KAFKA_VERSION >= 0x0203_00ff

    /// Translates `settings`. `maxRetriesForever` makes librdkafka retry each message without limit whatever
    /// `max_retries` says, for a caller that wants every record delivered rather than handed back failed.
    public static func make(
        _ settings: KafkaOutputSettings, maxRetriesForever: Bool = false
    ) throws(KafkaConfigError) -> KafkaProperties {
        var out = KafkaProperties()
        let idempotent = settings.requiredAcks == nil || settings.requiredAcks == -1
        out.set("enable.idempotence", idempotent)
        // No local deadline: the spool keeps every record until its delivery report arrives and re-sends the
        // failed ones itself. A deadline would only turn a slow broker into failures, and a message that expires
        // while a request carrying it is in flight may still be written, so re-sending it makes a second copy.
        // Attempts stay bounded by message.send.max.retries.
        out.set("message.timeout.ms", "0")
        out.mapConnection(settings)
        out.mapAcknowledgement(settings, idempotent: idempotent)
        try out.mapBatching(settings)
        out.mapRetries(settings, forever: maxRetriesForever)
        try out.mapSecurity(settings)
        out.applyPassThrough(settings.librdkafka)
        return out
    }

    /// The value of a property (last one wins), for tests and `export`.
    public subscript(name: String) -> String? {
        properties.last { $0.0 == name }?.1
    }

    private mutating func mapConnection(_ settings: KafkaOutputSettings) {
        // libbeat repeats `hosts` `worker` times; librdkafka only needs each bootstrap broker once.
        var seen = Set<String>()
        let hosts = settings.hosts.map { String($0.filter { !$0.isWhitespace }) }.filter { seen.insert($0).inserted }
        set("bootstrap.servers", hosts.joined(separator: ","))
        set("client.id", settings.clientID)
        // librdkafka asks brokers for their versions; the configured one only matters for brokers that
        // cannot answer (before Kafka 0.10).
        set("broker.version.fallback", settings.version)
        setMilliseconds(
            "request.timeout.ms", settings.brokerTimeout.nanoseconds, shown: "\(settings.brokerTimeout)",
            option: "broker_timeout", allowed: 1...900_000)
        setMilliseconds(
            "socket.timeout.ms", settings.timeout.nanoseconds, shown: "\(settings.timeout)", option: "timeout",
            allowed: 10...300_000)
        setMilliseconds(
            "socket.connection.setup.timeout.ms", settings.timeout.nanoseconds, shown: "\(settings.timeout)",
            option: "timeout", allowed: 1_000...2_147_483_647)
        set("socket.keepalive.enable", settings.keepAlive > .zero)
        if settings.keepAlive > .zero {
            notice("keep_alive", "librdkafka only turns TCP keep-alive on; the period is the system's")
        }
        setMilliseconds(
            "topic.metadata.refresh.interval.ms", settings.metadata.refreshFrequency.nanoseconds,
            shown: "\(settings.metadata.refreshFrequency)",
            option: "metadata.refresh_frequency", allowed: 1...3_600_000)
        set("topic.metadata.refresh.sparse", !settings.metadata.full)
        setMilliseconds(
            "topic.metadata.refresh.fast.interval.ms", settings.metadata.retryBackoff.nanoseconds,
            shown: "\(settings.metadata.retryBackoff)", option: "metadata.retry.backoff",
            allowed: 1...60_000)
        if settings.metadata.retryMax != KafkaMetadataSettings().retryMax {
            notice("metadata.retry.max", "librdkafka retries metadata requests until they succeed; ignored")
        }
        if settings.channelBufferSize != KafkaOutputSettings(hosts: []).channelBufferSize {
            notice("channel_buffer_size", "sizes a Sarama channel that librdkafka does not have; ignored")
        }
    }

    private mutating func mapAcknowledgement(_ settings: KafkaOutputSettings, idempotent: Bool) {
        guard !idempotent, let acks = settings.requiredAcks else {
            set("acks", "all")
            return
        }
        set("acks", String(acks))
        notice(
            "required_acks",
            "\(acks) turns the idempotent producer off (it needs acknowledgement by all replicas), so a retried "
                + "message can be written twice or out of order")
    }

    private mutating func mapBatching(_ settings: KafkaOutputSettings) throws(KafkaConfigError) {
        set("compression.codec", settings.compression.rawValue)
        // Only gzip's level is validated by libbeat; other codecs keep librdkafka's own default level.
        if settings.compression == .gzip {
            guard (0...9).contains(settings.compressionLevel) else {
                throw KafkaConfigError(
                    "output.kafka.compression_level: \(settings.compressionLevel) is not a gzip level (0 to 9)")
            }
            set("compression.level", String(settings.compressionLevel))
        }
        setClamped(
            "message.max.bytes", Int64(settings.maxMessageBytes), option: "max_message_bytes",
            shown: String(settings.maxMessageBytes), allowed: 1_000...1_000_000_000)
        if settings.bulkMaxSize > 0 {
            setClamped(
                "batch.num.messages", Int64(settings.bulkMaxSize), option: "bulk_max_size",
                shown: String(settings.bulkMaxSize), allowed: 1...1_000_000)
        }
        setMilliseconds(
            "linger.ms", settings.bulkFlushFrequency.nanoseconds, shown: "\(settings.bulkFlushFrequency)",
            option: "bulk_flush_frequency", allowed: 0...900_000)
    }

    private mutating func mapRetries(_ settings: KafkaOutputSettings, forever: Bool) {
        let retries =
            forever || settings.maxRetries < 0 ? Self.retryForever : min(settings.maxRetries, Self.retryForever)
        set("message.send.max.retries", String(retries))
        setMilliseconds(
            "retry.backoff.ms", settings.backoffInit.nanoseconds, shown: "\(settings.backoffInit)",
            option: "backoff.init", allowed: 1...300_000)
        if Self.supportsRetryBackoffMax {
            setMilliseconds(
                "retry.backoff.max.ms", settings.backoffMax.nanoseconds, shown: "\(settings.backoffMax)",
                option: "backoff.max", allowed: 1...300_000)
        } else if settings.backoffMax != KafkaOutputSettings(hosts: []).backoffMax {
            notice(
                "backoff.max",
                "this librdkafka retries at a fixed backoff.init interval (retry.backoff.max.ms needs librdkafka "
                    + "2.3 or later); ignored")
        }
    }

    private mutating func mapSecurity(_ settings: KafkaOutputSettings) throws(KafkaConfigError) {
        let tls = settings.ssl != nil
        if let kerberos = settings.kerberos {
            try mapKerberos(kerberos)
            if settings.username != nil {
                notice("username", "kerberos takes precedence; username and password are not used")
            }
        } else if let username = settings.username {
            set("sasl.mechanisms", (settings.saslMechanism ?? .plain).rawValue)
            set("sasl.username", username)
            set("sasl.password", settings.password ?? "")
        }
        let sasl = settings.kerberos != nil || settings.username != nil
        set("security.protocol", sasl ? (tls ? "sasl_ssl" : "sasl_plaintext") : (tls ? "ssl" : "plaintext"))
        if let ssl = settings.ssl { try mapTLS(ssl) }
    }

    private mutating func mapKerberos(_ kerberos: KafkaKerberosSettings) throws(KafkaConfigError) {
        guard kerberos.authType == .keytab else {
            throw KafkaConfigError(
                "output.kafka.kerberos.auth_type: password has no librdkafka counterpart; use auth_type: keytab "
                    + "with kerberos.keytab, or obtain a ticket with kinit and configure GSSAPI under "
                    + "output.kafka.librdkafka (sasl.mechanisms: GSSAPI, "
                    + "sasl.kerberos.min.time.before.relogin: 0)")
        }
        set("sasl.mechanisms", "GSSAPI")
        if let service = kerberos.serviceName { set("sasl.kerberos.service.name", service) }
        if let keytab = kerberos.keytab { set("sasl.kerberos.keytab", keytab) }
        if let username = kerberos.username {
            set("sasl.kerberos.principal", kerberos.realm.map { "\(username)@\($0)" } ?? username)
        }
        if let path = kerberos.configPath {
            notice(
                "kerberos.config_path",
                "librdkafka reads the system Kerberos configuration; start wirebeat with KRB5_CONFIG=\(path)")
        }
        if kerberos.enableKRB5FAST {
            notice("kerberos.enable_krb5_fast", "FAST is configured in krb5.conf for librdkafka; ignored")
        }
    }

    private mutating func applyPassThrough(_ overrides: [String: String]) {
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            set(name, value)
            if name == "message.timeout.ms" && value != "0" {
                notices.append(
                    "output.kafka.librdkafka.message.timeout.ms: a message that times out is reported failed and "
                        + "re-sent from the spool anyway, so this limits one attempt, not delivery")
            }
        }
    }

    mutating func set(_ name: String, _ value: String) { properties.append((name, value)) }

    mutating func set(_ name: String, _ value: Bool) { properties.append((name, value ? "true" : "false")) }

    mutating func notice(_ option: String, _ text: String) { notices.append("output.kafka.\(option): \(text)") }

    /// Sets a millisecond property, rounding sub-millisecond remainders up so a positive duration never
    /// becomes 0, and keeping it within what librdkafka accepts.
    private mutating func setMilliseconds(
        _ name: String, _ nanoseconds: Int64, shown: String, option: String, allowed: ClosedRange<Int64>
    ) {
        let ms = nanoseconds <= 0 ? nanoseconds / 1_000_000 : (nanoseconds - 1) / 1_000_000 + 1
        setClamped(name, ms, option: option, shown: shown, allowed: allowed, unit: " ms")
    }

    /// Sets an integer property; a value librdkafka would refuse is brought into range with a notice, so a
    /// configuration libbeat accepts still starts.
    private mutating func setClamped(
        _ name: String, _ value: Int64, option: String, shown: String, allowed: ClosedRange<Int64>, unit: String = ""
    ) {
        let used = min(max(value, allowed.lowerBound), allowed.upperBound)
        if used != value {
            let side = value < allowed.lowerBound ? "below" : "above"
            notice(
                option,
                "\(shown) is \(side) what librdkafka allows for \(name) (\(allowed.lowerBound) to "
                    + "\(allowed.upperBound)\(unit)); using \(used)\(unit)")
        }
        set(name, String(used))
    }
}
