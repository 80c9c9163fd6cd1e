// Configurations that must load, each with the settings it must produce. Together with the broken
// cases they specify how packetbeat.yml files are read.

import Config
import NetModel
import Testing

/// A configuration that must load, and what it must mean.
struct ValidCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    var overrides: [String] = []
    var environment: [String: String] = [:]
    let check: @Sendable (LoadedConfig) throws -> Void

    var testDescription: String { name }
}

let stockStyle = """
    packetbeat.interfaces.device: any
    packetbeat.flows:
      timeout: 30s
      period: 10s
    packetbeat.protocols:
    - type: icmp
      enabled: true
    - type: dns
      ports: [53]
      include_authorities: true
    - type: http
      ports: [80, 8080, 8000, 5000, 8002]
      send_headers: ["User-Agent", "Host"]
    - type: tls
      ports:
        - 443   # HTTPS
        - 993   # IMAPS
        - 8443
    - type: mysql
      enabled: false
    packetbeat.procs.enabled: false
    packetbeat.ignore_outgoing: false
    setup.template.settings:
      index.number_of_shards: 1
    setup.kibana:
    output.console:
      pretty: false
    processors:
      - if.contains.tags: forwarded
        then:
          - drop_fields:
              fields: [host]
        else:
          - add_host_metadata: ~
      - add_cloud_metadata: ~
      - add_docker_metadata: ~
    """

let validCases: [ValidCase] = [
    ValidCase(name: "stock-style file with list-form protocols", yaml: stockStyle) { loaded in
        let s = loaded.settings
        #expect(loaded.warnings.isEmpty)
        #expect(s.interfaces.count == 1)
        #expect(s.interfaces.first?.device == .name("any"))
        #expect(s.flows?.timeout == .seconds(30))
        #expect(s.flows?.period == .seconds(10))
        #expect(s.protocols.map(\.type) == [.icmp, .dns, .http, .tls, .mysql])
        #expect(s.enabledProtocols.map(\.type) == [.icmp, .dns, .http, .tls])
        #expect(s.protocolSettings(.icmp)?.ports == [])
        #expect(s.protocolSettings(.tls)?.ports == [443, 993, 8443])
        #expect(s.protocolSettings(.tls)?.tls?.fingerprints == [.sha1])
        #expect(s.protocolSettings(.dns)?.dns?.includeAuthorities == true)
        #expect(s.protocolSettings(.http)?.http?.sendHeaders == ["User-Agent", "Host"])
        #expect(s.protocolSettings(.mysql)?.ports == [3306, 3307])
        #expect(s.processors.map(\.name) == ["if", "add_cloud_metadata", "add_docker_metadata"])
        #expect(s.processors.map(\.index) == [0, 1, 2])
        #expect(s.processors[0].location == Config.SourceLocation(file: "t.yml", line: 29, column: 5))
        #expect(s.processors[0].config["then"] != nil)
        #expect(s.output == .console(ConsoleOutputSettings()))
        #expect(s.queue == .memory(MemoryQueueSettings()))
    },
    ValidCase(
        name: "map-form protocols",
        yaml:
            "packetbeat.protocols:\n  dns:\n    ports: [53, 5353]\n  tls: {}\npacketbeat.protocols.icmp.enabled: true\n"
    ) { loaded in
        let s = loaded.settings
        #expect(s.protocols.map(\.type) == [.dns, .tls, .icmp])
        #expect(s.protocolSettings(.dns)?.ports == [53, 5353])
        #expect(s.protocolSettings(.tls)?.ports == ProtocolType.tls.defaultPorts)
        #expect(s.protocolSettings(.tls)?.tls == TLSOptions())
    },
    ValidCase(
        name: "several interfaces",
        yaml: "packetbeat.interfaces:\n- device: eth0\n  snaplen: 1514\n- device: 2\n  bpf_filter: port 53\n"
    ) { loaded in
        let i = loaded.settings.interfaces
        #expect(i.map(\.device) == [.name("eth0"), .index(2)])
        #expect(i.map(\.snaplen) == [1514, 65535])
        #expect(i.map(\.bpfFilter) == ["", "port 53"])
    },
    ValidCase(name: "flows absent", yaml: "name: x\n") { loaded in
        #expect(loaded.settings.flows == nil)
    },
    ValidCase(name: "flows disabled", yaml: "packetbeat.flows:\n  enabled: false\n  timeout: 1s\n") { loaded in
        #expect(loaded.settings.flows == nil)
    },
    ValidCase(name: "flows section empty", yaml: "packetbeat.flows:\n") { loaded in
        #expect(loaded.settings.flows == FlowSettings())
    },
    ValidCase(name: "flows period -1", yaml: "packetbeat.flows:\n  timeout: 1m30s\n  period: -1\n") { loaded in
        let flows = try #require(loaded.settings.flows)
        #expect(flows.period == nil)
        #expect(flows.timeout == .seconds(90))
    },
    ValidCase(
        name: "flows with wirebeat's own options",
        yaml: "packetbeat.flows:\n  active_timeout: 5m\n  max_flows: 1000\n  tags: [flows]\n  fields: {dc: 1}\n"
    ) { loaded in
        let flows = try #require(loaded.settings.flows)
        #expect(flows.activeTimeout == .seconds(300))
        #expect(flows.maxFlows == 1000)
        #expect(flows.metadata.tags == ["flows"])
        #expect(flows.metadata.fields["dc"] == .int(1))
    },
    ValidCase(name: "bare number durations are seconds", yaml: "packetbeat.flows.timeout: 45\n") { loaded in
        #expect(loaded.settings.flows?.timeout == .seconds(45))
    },
    ValidCase(
        name: "YAML 1.1 booleans",
        yaml: "packetbeat.interfaces.with_vlans: yes\nfields_under_root: on\nhttp.enabled: Off\n"
    ) { loaded in
        #expect(loaded.settings.interfaces.first?.withVLANs == true)
        #expect(loaded.settings.fieldsUnderRoot == true)
        #expect(loaded.settings.http.enabled == false)
    },
    ValidCase(
        name: "general settings",
        yaml: "name: sensor-1\nhostname: h1\ntags: [a, b]\nfields:\n  env.name: prod\n  shard: 3\n"
            + "timestamp.precision: nanosecond\nrun_as_user: wirebeat\npacketbeat.shutdown_timeout: 5s\n"
    ) { loaded in
        let s = loaded.settings
        #expect(s.name == "sensor-1")
        #expect(s.hostname == "h1")
        #expect(s.tags == ["a", "b"])
        #expect(s.fields["env"] == .map(["name": .string("prod")]))
        #expect(s.fields[path: "env.name"] == .string("prod"))
        #expect(s.fields["shard"] == .int(3))
        #expect(s.timestampPrecision == .nanosecond)
        #expect(s.runAsUser == "wirebeat")
        #expect(s.shutdownTimeout == .seconds(5))
    },
    ValidCase(
        name: "interface details",
        yaml: "packetbeat.interfaces:\n  device: eth1\n  type: af_packet\n  internal_networks: [private, 192.0.2.0/24, "
            + "\"2001:db8::/32\"]\n  poll_default_route: 100ms\n  file: trace.pcap\n  loop: 0\n  topspeed: true\n"
            + "  fanout_group: 7\n  promiscuous: false\n"
    ) { loaded in
        let i = try #require(loaded.settings.interfaces.first)
        #expect(i.type == .afPacket)
        #expect(i.internalNetworks.map(\.description) == ["private", "192.0.2.0/24", "2001:db8::/32"])
        #expect(i.pollDefaultRoute == .seconds(1))
        #expect(i.file == "trace.pcap")
        #expect(i.loop == 0)
        #expect(i.topSpeed)
        #expect(i.fanoutGroup == 7)
        #expect(!i.promiscuous)
        #expect(loaded.warnings.map(\.keyPath) == ["packetbeat.interfaces.type"])
        #expect(loaded.warnings.first?.line == 3)
    },
    ValidCase(
        name: "TLS and HTTP options",
        yaml: "packetbeat.protocols:\n- type: tls\n  fingerprints: [md5, SHA256]\n  include_raw_certificates: true\n"
            + "  send_certificates: false\n  detect_all_ports: true\n- type: http\n  send_headers: true\n"
            + "  redact_authorization: true\n  max_message_size: 1024\n"
    ) { loaded in
        let tls = try #require(loaded.settings.protocolSettings(.tls)?.tls)
        #expect(tls.fingerprints == [.md5, .sha256])
        #expect(tls.includeRawCertificates)
        #expect(!tls.sendCertificates)
        #expect(tls.detectAllPorts)
        let http = try #require(loaded.settings.protocolSettings(.http)?.http)
        #expect(http.sendAllHeaders)
        #expect(http.redactAuthorization)
        #expect(http.maxMessageSize == 1024)
    },
    ValidCase(
        name: "common protocol options and raw options",
        yaml: "packetbeat.protocols:\n- type: mysql\n  ports: [3306]\n  send_request: true\n  transaction_timeout: 2s\n"
            + "  tags: [db]\n  index: db-events\n  keep_null: true\n  max_rows: 20\n"
            + "  processors:\n    - drop_fields: {fields: [mysql.query]}\n"
    ) { loaded in
        let p = try #require(loaded.settings.protocolSettings(.mysql))
        #expect(p.sendRequest && !p.sendResponse)
        #expect(p.transactionTimeout == .seconds(2))
        #expect(p.metadata.tags == ["db"])
        #expect(p.metadata.index == "db-events")
        #expect(p.metadata.keepNull)
        #expect(p.rawOptions == ["max_rows": .int(20)])
        #expect(p.metadata.processors.first?.name == "drop_fields")
        #expect(p.metadata.processors.first?.location == Config.SourceLocation(file: "t.yml", line: 11, column: 7))
    },
    ValidCase(
        name: "logging and http",
        yaml: "logging.level: WARN\nlogging.to_stderr: true\nlogging.files.permissions: \"0640\"\n"
            + "logging.files.rotateeverybytes: 5MB\nlogging.metrics.period: 1m\nhttp:\n  enabled: true\n"
            + "  host: unix:///run/wirebeat.sock\n"
    ) { loaded in
        let l = loaded.settings.logging
        #expect(l.level == .warning)
        #expect(l.toStderr)
        #expect(l.files.permissions == 0o640)
        #expect(l.files.rotateEveryBytes == 5_000_000)
        #expect(l.files.path == "/srv/wirebeat/logs")
        #expect(l.metrics.period == .seconds(60))
        #expect(loaded.settings.http.enabled)
        #expect(loaded.settings.http.host == "unix:///run/wirebeat.sock")
        #expect(loaded.settings.http.port == 5066)
    },
    ValidCase(
        name: "sections a Kafka user can ignore produce no warning",
        yaml: "setup.template.enabled: false\nsetup.ilm.enabled: false\ncloud.id: x\ncloud.auth: u:p\n"
            + "monitoring.enabled: false\nxpack.monitoring.enabled: false\ninstrumentation.enabled: false\n"
            + "seccomp.default_action: allow\nfeatures.fqdn.enabled: true\nkeystore.path: /k\nmax_procs: 2\n"
            + "packetbeat.procs:\n  enabled: true\n  monitored: [{process: mysqld, cmdline_grep: mysqld}]\n"
            + "packetbeat.ignore_outgoing: true\ntimestamp.precision: millisecond\n"
    ) { loaded in
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.settings.ignoreOutgoing)
        #expect(loaded.settings.maxProcs == 2)
    },
    ValidCase(
        name: "YAML anchors and merge keys",
        yaml: "common: &common\n  send_request: true\npacketbeat.protocols:\n- <<: *common\n  type: dns\n"
    ) { loaded in
        #expect(loaded.settings.protocolSettings(.dns)?.sendRequest == true)
        #expect(loaded.warnings.map(\.keyPath) == ["common"])
    },
]

@Suite("Valid configurations")
struct ValidConfigTests {
    @Test("loads with the expected settings", arguments: validCases + validOutputCases)
    func loads(_ c: ValidCase) throws {
        let loaded = try loadValid(c.yaml, overrides: c.overrides, environment: c.environment)
        try c.check(loaded)
    }

    @Test("a single scalar where a list is expected is a list of one, as go-ucfg reads it")
    func scalarIsAListOfOne() throws {
        let s = try loadValid(
            "tags: foo\npacketbeat.protocols:\n- type: dns\n  ports: 5353\noutput.kafka:\n  hosts: \"kafka:9092\"\n  topic: t\n"
        ).settings
        #expect(s.tags == ["foo"])
        #expect(s.protocols.first?.ports == [5353])
        guard case .kafka(let k) = s.output else {
            Issue.record("expected kafka")
            return
        }
        #expect(k.hosts == ["kafka:9092"])
    }

    @Test("dotted keys mean the same as nested maps")
    func dottedEqualsNested() throws {
        let dotted = try loadValid(
            "packetbeat.flows.timeout: 20s\npacketbeat.flows.period: -1\npacketbeat.interfaces.device: eth0\n"
                + "output.kafka.hosts: [\"k:9092\"]\noutput.kafka.topic: t\nprocessors:\n"
                + "  - add_fields.fields: {a.b: 1}\n")
        let nested = try loadValid(
            "packetbeat:\n  flows:\n    timeout: 20s\n    period: -1\n  interfaces:\n    device: eth0\n"
                + "output:\n  kafka:\n    hosts: [\"k:9092\"]\n    topic: t\nprocessors:\n"
                + "  - add_fields:\n      fields:\n        a:\n          b: 1\n")
        #expect(dotted.settings.flows == nested.settings.flows)
        #expect(dotted.settings.interfaces == nested.settings.interfaces)
        #expect(dotted.settings.output == nested.settings.output)
        #expect(dotted.settings.processors.map(\.config) == nested.settings.processors.map(\.config))
        #expect(dotted.settings.processors.first?.config["fields.a.b"] == .int(1))
    }

    @Test("defaults of an empty file with a console output")
    func defaults() throws {
        let s = try loadValid("").settings
        #expect(s.interfaces == [InterfaceSettings()])
        #expect(s.protocols.isEmpty)
        #expect(s.flows == nil)
        #expect(
            s.paths
                == PathSettings(
                    home: "/srv/wirebeat", config: "/srv/wirebeat", data: "/srv/wirebeat/data",
                    logs: "/srv/wirebeat/logs"))
        #expect(s.logging == LoggingSettings(logsPath: "/srv/wirebeat/logs"))
        #expect(s.http == HTTPSettings())
        #expect(s.timestampPrecision == .millisecond)
        #expect(s.shutdownTimeout == .zero)
    }
}
