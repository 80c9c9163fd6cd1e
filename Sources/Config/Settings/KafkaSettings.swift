// `output.kafka`: every libbeat option with its default, validated as libbeat validates it, plus
// wirebeat's own `librdkafka` map of producer properties passed through verbatim. The Kafka output
// translates these into librdkafka properties; the translation lives with the output, not here.

import Events

import NetModel

/// `output.kafka`.
public struct KafkaOutputSettings: Sendable, Equatable {
    /// `hosts`: bootstrap brokers `host:port` (required, non-empty).
    public var hosts: [String]
    /// `topic`: a format string; nil when only `topics` rules are given.
    public var topic: FormatString?
    /// `topics`: rules tried in order before `topic`.
    public var topics: [KafkaTopicRule] = []
    /// `key`: the message key format; nil for no key.
    public var key: FormatString?
    /// `partition.*` (default: hash of the key).
    public var partitioner: KafkaPartitioner = .hash(fields: [], random: true, reachableOnly: false)
    /// `client_id` (default "beats").
    public var clientID = "beats"
    /// `version`: the Kafka protocol version libbeat would assume (default "1.0.0").
    public var version = "1.0.0"
    /// `username` for SASL; nil when not set.
    public var username: String?
    /// `password` for SASL.
    public var password: String?
    /// `sasl.mechanism` (PLAIN when a username is set).
    public var saslMechanism: KafkaSASLMechanism?
    /// `kerberos.*`; nil when absent or disabled.
    public var kerberos: KafkaKerberosSettings?
    /// `ssl.*`; nil when absent or `enabled: false`.
    public var ssl: TLSClientSettings?
    /// `metadata.*`.
    public var metadata = KafkaMetadataSettings()
    /// `bulk_max_size` (default 2048).
    public var bulkMaxSize = 2048
    /// `bulk_flush_frequency` (default 0: send at once).
    public var bulkFlushFrequency: TimeSpan = .zero
    /// `max_message_bytes` (default 1000000).
    public var maxMessageBytes = 1_000_000
    /// `required_acks`: -1 all replicas, 0 none, 1 the leader; nil when not set. libbeat's default is 1;
    /// wirebeat's is -1, because the idempotent producer it turns on needs acknowledgement by all replicas.
    public var requiredAcks: Int?
    /// `compression` (default gzip).
    public var compression: KafkaCompression = .gzip
    /// `compression_level` (default 4; 0...9 for gzip).
    public var compressionLevel = 4
    /// `broker_timeout` (default 10s).
    public var brokerTimeout: TimeSpan = .seconds(10)
    /// `timeout` (default 30s).
    public var timeout: TimeSpan = .seconds(30)
    /// `keep_alive` (default 0: off).
    public var keepAlive: TimeSpan = .zero
    /// `channel_buffer_size` (default 256; no librdkafka counterpart).
    public var channelBufferSize = 256
    /// `max_retries` (default 3; -1 retries forever; 0 is rejected as in libbeat).
    public var maxRetries = 3
    /// `backoff.init` (default 1s).
    public var backoffInit: TimeSpan = .seconds(1)
    /// `backoff.max` (default 60s).
    public var backoffMax: TimeSpan = .seconds(60)
    /// `headers`: static record headers, in order (entries with an empty key are dropped, as in libbeat).
    public var headers: [KafkaHeader] = []
    /// The codec.
    public var codec: CodecSettings = .default
    /// `worker` (default 1).
    public var worker = 1
    /// `librdkafka` (wirebeat's own): producer properties passed to librdkafka as given, applied last.
    public var librdkafka: [String: String] = [:]

    /// The defaults for `hosts`.
    public init(hosts: [String]) { self.hosts = hosts }
}

/// One `topics` rule.
public struct KafkaTopicRule: Sendable, Equatable {
    /// `topic` (required).
    public var topic: FormatString
    /// `mappings`: the formatted topic looked up here when present.
    public var mappings: [String: String]
    /// `default`: used when formatting or the mapping lookup fails.
    public var defaultTopic: String?
    /// `when`: the condition, kept as a tree for the Processors stage's condition parser.
    public var when: ConfigValue?
    /// Where the rule starts.
    public var location: SourceLocation?

    /// A rule.
    public init(
        topic: FormatString, mappings: [String: String] = [:], defaultTopic: String? = nil, when: ConfigValue? = nil,
        location: SourceLocation? = nil
    ) {
        self.topic = topic
        self.mappings = mappings
        self.defaultTopic = defaultTopic
        self.when = when
        self.location = location
    }
}

/// `partition.*`.
public enum KafkaPartitioner: Sendable, Equatable {
    /// `partition.hash`: FNV-1a of the key or of `fields`; `random` when hashing fails.
    case hash(fields: [String], random: Bool, reachableOnly: Bool)
    /// `partition.random`: a new random partition every `groupEvents` messages.
    case random(groupEvents: Int, reachableOnly: Bool)
    /// `partition.round_robin`.
    case roundRobin(groupEvents: Int, reachableOnly: Bool)
}

/// `compression`.
public enum KafkaCompression: String, Sendable, Equatable {
    /// No compression (`none`, `no`, `off`).
    case none
    /// gzip, the default.
    case gzip
    /// Snappy.
    case snappy
    /// LZ4.
    case lz4
    /// Zstandard.
    case zstd
}

/// `sasl.mechanism`.
public enum KafkaSASLMechanism: String, Sendable, Equatable {
    /// PLAIN, the default with a username.
    case plain = "PLAIN"
    /// SCRAM-SHA-256.
    case scramSHA256 = "SCRAM-SHA-256"
    /// SCRAM-SHA-512.
    case scramSHA512 = "SCRAM-SHA-512"
}

/// `kerberos.*` (beta in libbeat).
public struct KafkaKerberosSettings: Sendable, Equatable {
    /// `auth_type`.
    public enum AuthType: String, Sendable, Equatable {
        /// A keytab file.
        case keytab
        /// A user name and password.
        case password
    }
    /// `auth_type` (default password, as in libbeat).
    public var authType: AuthType = .password
    /// `keytab`.
    public var keytab: String?
    /// `config_path`.
    public var configPath: String?
    /// `service_name`.
    public var serviceName: String?
    /// `username`.
    public var username: String?
    /// `password`.
    public var password: String?
    /// `realm`.
    public var realm: String?
    /// `enable_krb5_fast` (default false).
    public var enableKRB5FAST = false

    /// The defaults.
    public init() {}
}

/// `metadata.*`.
public struct KafkaMetadataSettings: Sendable, Equatable {
    /// `refresh_frequency` (default 10m).
    public var refreshFrequency: TimeSpan = .seconds(600)
    /// `full` (default false).
    public var full = false
    /// `retry.max` (default 3).
    public var retryMax = 3
    /// `retry.backoff` (default 250ms).
    public var retryBackoff: TimeSpan = .milliseconds(250)

    /// The defaults.
    public init() {}
}

/// One static record header.
public struct KafkaHeader: Sendable, Equatable {
    /// The header key.
    public var key: String
    /// The header value.
    public var value: String

    /// A header.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// `ssl.*` of an output.
public struct TLSClientSettings: Sendable, Equatable {
    /// `verification_mode`.
    public enum VerificationMode: String, Sendable, Equatable {
        /// Verify the chain and the host name.
        case full
        /// The same as full.
        case strict
        /// Verify the chain only.
        case certificate
        /// No verification.
        case none
    }
    /// `certificate_authorities`: files or inline PEM; empty means the system store.
    public var certificateAuthorities: [String] = []
    /// `certificate`: client certificate file or PEM.
    public var certificate: String?
    /// `key`: client key file or PEM.
    public var key: String?
    /// `key_passphrase`.
    public var keyPassphrase: String?
    /// `key_passphrase_path`.
    public var keyPassphrasePath: String?
    /// `verification_mode` (default full).
    public var verificationMode: VerificationMode = .full
    /// `supported_protocols` (default TLSv1.2, TLSv1.3).
    public var supportedProtocols = ["TLSv1.2", "TLSv1.3"]
    /// `cipher_suites` (Beats names).
    public var cipherSuites: [String] = []
    /// `curve_types`.
    public var curveTypes: [String] = []
    /// `ca_sha256`: pinned CA fingerprints.
    public var caSHA256: [String] = []
    /// `ca_trusted_fingerprint`.
    public var caTrustedFingerprint: String?

    /// The defaults (TLS on, full verification, system CAs).
    public init() {}
}
