// `packetbeat.protocols`: which application protocols to dissect, on which ports, and with what
// options. Options common to every protocol are typed here; TLS, DNS and HTTP options are typed too,
// and every protocol keeps its own options as written (`rawOptions`) for the dissectors still to come.

import NetModel

/// The protocols Packetbeat can dissect.
public enum ProtocolType: String, Sendable, Equatable, CaseIterable {
    /// ICMP and ICMPv6 (no ports).
    case icmp
    /// DHCP for IPv4.
    case dhcpv4
    /// DNS over UDP and TCP.
    case dns
    /// HTTP/1.x.
    case http
    /// AMQP 0.9.1.
    case amqp
    /// Apache Cassandra.
    case cassandra
    /// MySQL.
    case mysql
    /// PostgreSQL.
    case pgsql
    /// Redis.
    case redis
    /// Thrift-RPC.
    case thrift
    /// MongoDB.
    case mongodb
    /// Memcache (text and binary).
    case memcache
    /// NFS (ONC RPC).
    case nfs
    /// TLS handshakes.
    case tls
    /// SIP/SDP.
    case sip

    /// The transports a protocol's ports apply to.
    public struct Transports: OptionSet, Sendable, Hashable {
        /// The bits.
        public let rawValue: UInt8
        /// A set from its bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// TCP.
        public static let tcp = Transports(rawValue: 1)
        /// UDP.
        public static let udp = Transports(rawValue: 2)
    }

    /// The ports used when the configuration gives none (Packetbeat's reference configuration).
    public var defaultPorts: [UInt16] {
        switch self {
        case .icmp: return []
        case .dhcpv4: return [67, 68]
        case .dns: return [53]
        case .http: return [80, 8080, 8000, 5000, 8002]
        case .amqp: return [5672]
        case .cassandra: return [9042]
        case .mysql: return [3306, 3307]
        case .pgsql: return [5432]
        case .redis: return [6379]
        case .thrift: return [9090]
        case .mongodb: return [27017]
        case .memcache: return [11211]
        case .nfs: return [2049]
        case .tls: return [443, 993, 995, 5223, 8443, 8883, 9243]
        case .sip: return [5060]
        }
    }

    /// Where the protocol's ports apply; empty for ICMP, which has no ports.
    public var transports: Transports {
        switch self {
        case .icmp: return []
        case .dhcpv4, .sip: return .udp
        case .dns, .memcache, .nfs: return [.tcp, .udp]
        case .http, .amqp, .cassandra, .mysql, .pgsql, .redis, .thrift, .mongodb, .tls: return .tcp
        }
    }
}

/// One configured protocol.
public struct ProtocolSettings: Sendable, Equatable {
    /// `type`.
    public var type: ProtocolType
    /// `enabled` (default true). Disabled protocols stay in `Settings.protocols`.
    public var enabled = true
    /// `ports` (default: `type.defaultPorts`).
    public var ports: [UInt16]
    /// `send_request`: include the raw request (default false; true for cassandra).
    public var sendRequest = false
    /// `send_response`: include the raw response (default false; true for cassandra).
    public var sendResponse = false
    /// `transaction_timeout` (default 10s).
    public var transactionTimeout: TimeSpan = .seconds(10)
    /// `tags`, `fields`, `fields_under_root`, `processors`, `keep_null`, `index` of this protocol's events.
    public var metadata = EventMetadataSettings()
    /// `map_to_ecs`: remap non-ECS fields (integration option; default false).
    public var mapToECS = false
    /// Typed options for the protocols that have them.
    public var options: ProtocolOptions = .none
    /// The protocol's own keys as written (everything but the common options).
    public var rawOptions = ConfigMap()
    /// Where the protocol's entry starts.
    public var location: SourceLocation?

    /// A protocol with its defaults.
    public init(type: ProtocolType) {
        self.type = type
        ports = type.defaultPorts
        if type == .cassandra {
            sendRequest = true
            sendResponse = true
        }
        switch type {
        case .tls: options = .tls(TLSOptions())
        case .dns: options = .dns(DNSOptions())
        case .http: options = .http(HTTPOptions())
        default: options = .none
        }
    }

    /// The TLS options, when this is TLS.
    public var tls: TLSOptions? {
        if case .tls(let o) = options { return o }
        return nil
    }

    /// The DNS options, when this is DNS.
    public var dns: DNSOptions? {
        if case .dns(let o) = options { return o }
        return nil
    }

    /// The HTTP options, when this is HTTP.
    public var http: HTTPOptions? {
        if case .http(let o) = options { return o }
        return nil
    }
}

/// Protocol-specific typed options.
public enum ProtocolOptions: Sendable, Equatable {
    /// No typed options (yet); see `ProtocolSettings.rawOptions`.
    case none
    /// TLS.
    case tls(TLSOptions)
    /// DNS.
    case dns(DNSOptions)
    /// HTTP.
    case http(HTTPOptions)
}

/// A certificate fingerprint algorithm for `tls.server.hash.*`.
public enum FingerprintAlgorithm: String, Sendable, Equatable, CaseIterable {
    /// MD5.
    case md5
    /// SHA-1, the default.
    case sha1
    /// SHA-256.
    case sha256
}

/// TLS options.
public struct TLSOptions: Sendable, Equatable {
    /// `send_certificates` (default true): certificate fields at all.
    public var sendCertificates = true
    /// `include_raw_certificates` (default false): PEM chains.
    public var includeRawCertificates = false
    /// `include_detailed_fields` (default true): `tls.detailed.*`.
    public var includeDetailedFields = true
    /// `fingerprints` (default [sha1]).
    public var fingerprints: [FingerprintAlgorithm] = [.sha1]
    /// `detect_all_ports` (wirebeat's own, default false): recognise TLS by content on any port.
    public var detectAllPorts = false

    /// The defaults.
    public init() {}
}

/// DNS options.
public struct DNSOptions: Sendable, Equatable {
    /// `include_authorities` (default false).
    public var includeAuthorities = false
    /// `include_additionals` (default false).
    public var includeAdditionals = false

    /// The defaults.
    public init() {}
}

/// HTTP options.
public struct HTTPOptions: Sendable, Equatable {
    /// `hide_keywords`: query and form parameters whose values become `xxxxx`.
    public var hideKeywords: [String] = []
    /// `send_headers` as a list: the headers to publish.
    public var sendHeaders: [String] = []
    /// `send_all_headers`, or `send_headers: true`.
    public var sendAllHeaders = false
    /// `redact_headers`.
    public var redactHeaders: [String] = []
    /// `include_body_for`: content types whose bodies are published.
    public var includeBodyFor: [String] = []
    /// `include_request_body_for`.
    public var includeRequestBodyFor: [String] = []
    /// `include_response_body_for`.
    public var includeResponseBodyFor: [String] = []
    /// `decode_body` (default true).
    public var decodeBody = true
    /// `split_cookie` (default false).
    public var splitCookie = false
    /// `real_ip_header`; nil when not set.
    public var realIPHeader: String?
    /// `redact_authorization` (default false).
    public var redactAuthorization = false
    /// `max_message_size` in bytes (default 10485760).
    public var maxMessageSize = 10_485_760

    /// The defaults.
    public init() {}
}
