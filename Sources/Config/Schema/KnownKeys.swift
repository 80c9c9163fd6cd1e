// The known-key tables: every key Packetbeat 7/8 and libbeat document for the sections wirebeat reads,
// plus wirebeat's own options. Keeping them as data makes "is this key known?" a reviewable list,
// separate from how values are typed.

enum KnownKeys {
    static let root: KeySchema = .map([
        "name": .any, "hostname": .any, "tags": .any, "fields": .any, "fields_under_root": .any, "processors": .any,
        "max_procs": .any, "run_as_user": .any, "timestamp": .keys(["precision"]),
        "path": .keys(["home", "config", "data", "logs"]),
        "packetbeat": packetbeat, "output": output, "queue": queue, "logging": logging, "http": http,
        // Accepted and ignored: they configure Elasticsearch, Kibana, Elastic Cloud or self-monitoring.
        "setup": .any, "cloud": .any, "monitoring": .any, "xpack": .any, "instrumentation": .any,
        "seccomp": .any, "features": .any, "keystore": .any,
    ])

    static let packetbeat: KeySchema = .map([
        "interfaces": .mapOrList(interfaceKeys), "flows": flows, "protocols": .protocols, "procs": .any,
        "ignore_outgoing": .any, "shutdown_timeout": .any, "overwrite_pipelines": .any,
    ])

    static let interfaceKeys: [String: KeySchema] = Dictionary(
        uniqueKeysWithValues: [
            "device", "type", "snaplen", "buffer_size_mb", "bpf_filter", "with_vlans", "ignore_outgoing",
            "internal_networks", "poll_default_route", "file", "loop", "topspeed", "dumpfile", "fanout_group",
            "metrics_interval", "promiscuous", "auto_promisc_mode", "oneatatime",
        ].map { ($0, KeySchema.any) })

    static let flows: KeySchema = .keys([
        "enabled", "timeout", "period", "fields", "fields_under_root", "tags", "processors", "keep_null", "index",
        "active_timeout", "max_flows", "enable_delta_flow_reports", "allow_mismatched_eth",
    ])

    static func protocolKeys(_ type: ProtocolType) -> [String: KeySchema] {
        var names = ["type", "enabled", "tags", "fields", "fields_under_root", "processors", "keep_null", "index"]
        if type != .icmp {
            names += ["ports", "send_request", "send_response", "transaction_timeout", "map_to_ecs"]
        }
        names += ownKeys(type)
        return Dictionary(uniqueKeysWithValues: names.map { ($0, KeySchema.any) })
    }

    /// Each protocol's own options (Packetbeat's reference configuration and documentation).
    static func ownKeys(_ type: ProtocolType) -> [String] {
        switch type {
        case .icmp, .dhcpv4, .nfs: return []
        case .tls:
            return [
                "send_certificates", "include_raw_certificates", "include_detailed_fields", "fingerprints",
                "detect_all_ports",
            ]
        case .dns: return ["include_authorities", "include_additionals"]
        case .http:
            return [
                "hide_keywords", "send_headers", "send_all_headers", "redact_headers", "include_body_for",
                "include_request_body_for", "include_response_body_for", "decode_body", "split_cookie",
                "real_ip_header", "redact_authorization", "max_message_size",
            ]
        case .amqp: return ["max_body_length", "parse_headers", "parse_arguments", "hide_connection_information"]
        case .cassandra: return ["send_request_header", "send_response_header", "compressor", "ignored_ops"]
        case .memcache: return ["parseunknown", "maxvalues", "maxbytespervalue", "udptransactiontimeout"]
        case .mongodb: return ["max_docs", "max_doc_length"]
        case .mysql, .pgsql: return ["max_rows", "max_row_length", "statement_timeout"]
        case .thrift:
            return [
                "transport_type", "protocol_type", "idl_files", "string_max_size", "collection_max_size",
                "capture_reply", "obfuscate_strings", "drop_after_n_struct_fields",
            ]
        case .sip: return ["parse_authorization", "parse_body", "keep_original"]
        case .redis: return ["queue_max_bytes", "queue_max_messages"]
        }
    }

    static let codec: KeySchema = .map([
        "json": .keys(["pretty", "escape_html", "escapehtml", "local_time"]), "format": .keys(["string"]),
    ])

    static let ssl: KeySchema = .keys([
        "enabled", "certificate_authorities", "certificate", "key", "key_passphrase", "key_passphrase_path",
        "verification_mode", "supported_protocols", "cipher_suites", "curve_types", "ca_sha256",
        "ca_trusted_fingerprint", "renegotiation",
    ])

    static let kafka: KeySchema = .map([
        "enabled": .any, "hosts": .any, "topic": .any, "key": .any, "client_id": .any, "version": .any,
        "username": .any, "password": .any, "bulk_max_size": .any, "bulk_flush_frequency": .any,
        "max_message_bytes": .any, "required_acks": .any, "compression": .any, "compression_level": .any,
        "broker_timeout": .any, "timeout": .any, "keep_alive": .any, "channel_buffer_size": .any,
        "max_retries": .any, "headers": .any, "worker": .any, "librdkafka": .any, "enable_krb5_fast": .any,
        "topics": .list(.keys(["topic", "mappings", "default", "when"])),
        "partition": .map([
            "random": .keys(["group_events", "reachable_only"]),
            "round_robin": .keys(["group_events", "reachable_only"]),
            "hash": .keys(["hash", "random", "reachable_only"]),
        ]),
        "sasl": .keys(["mechanism"]),
        "kerberos": .keys([
            "enabled", "auth_type", "keytab", "config_path", "service_name", "username", "password", "realm",
            "enable_krb5_fast",
        ]),
        "ssl": ssl, "codec": codec, "queue": queue,
        "metadata": .map(["refresh_frequency": .any, "full": .any, "retry": .keys(["max", "backoff"])]),
        "backoff": .keys(["init", "max"]),
    ])

    static let output: KeySchema = .map([
        "console": .map(["enabled": .any, "pretty": .any, "codec": codec, "bulk_max_size": .any, "queue": queue]),
        "file": .map([
            "enabled": .any, "path": .any, "filename": .any, "rotate_every_kb": .any, "number_of_files": .any,
            "permissions": .any, "rotate_on_startup": .any, "codec": codec, "queue": queue,
        ]),
        "kafka": kafka, "elasticsearch": .any, "logstash": .any, "redis": .any,
    ])

    static let queue: KeySchema = .map([
        "mem": .map([
            "events": .any, "flush": .keys(["min_events", "timeout"]), "immediate_shutdown": .any, "bytes": .any,
        ]),
        "disk": .keys([
            "path", "max_size", "segment_size", "read_ahead", "write_ahead", "retry_interval", "max_retry_interval",
            "on_full",
        ]),
        "spool": .any,
    ])

    static let logging: KeySchema = .map([
        "level": .any, "selectors": .any, "to_stderr": .any, "to_syslog": .any, "to_eventlog": .any,
        "to_files": .any, "json": .any, "ecs": .any, "event_data": .any,
        "files": .keys([
            "path", "name", "rotateeverybytes", "keepfiles", "permissions", "interval", "rotateonstartup",
            "redirect_stderr", "suffix",
        ]),
        "metrics": .keys(["enabled", "period", "namespaces"]),
    ])

    static let http: KeySchema = .map([
        "enabled": .any, "host": .any, "port": .any, "named_pipe": .any, "pprof": .any,
    ])
}
