// Configurations that must not load, each with the exact error a user would see: file, line, column,
// dotted key path and the gist of the message.

import Config
import Testing

/// A configuration that must fail, and how.
struct BrokenCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    var overrides: [String] = []
    var environment: [String: String] = [:]
    var file: String? = testFile
    let line: Int?
    let column: Int?
    let keyPath: String
    let message: String

    var testDescription: String { name }
}

let kafkaHead = """
    output.kafka:
      hosts: ["k:9092"]
      topic: t

    """

let brokenCases: [BrokenCase] = [
    // Flows.
    BrokenCase(
        name: "flow timeout below 1s", yaml: "packetbeat.flows:\n  timeout: 0.5s\n",
        line: 2, column: 12, keyPath: "packetbeat.flows.timeout", message: "timeout must be >= 1s"),
    BrokenCase(
        name: "flow period below 1s", yaml: "packetbeat.flows:\n  period: 500ms\n",
        line: 2, column: 11, keyPath: "packetbeat.flows.period", message: "report period must be -1 or >= 1s"),
    BrokenCase(
        name: "flow active timeout below 1s", yaml: "packetbeat.flows.active_timeout: 500ms\n",
        line: 1, column: 34, keyPath: "packetbeat.flows.active_timeout", message: "active_timeout must be 0 (off)"),
    BrokenCase(
        name: "flows given a scalar", yaml: "packetbeat.flows: yes\n",
        line: 1, column: 19, keyPath: "packetbeat.flows", message: "expected a map, got a scalar"),
    // Structure of the file.
    BrokenCase(
        name: "same key path dotted and nested",
        yaml: "packetbeat.flows.timeout: 30s\npacketbeat:\n  flows:\n    timeout: 10s\n",
        line: 4, column: 5, keyPath: "packetbeat.flows.timeout", message: "duplicate key \"packetbeat.flows.timeout\""),
    BrokenCase(
        name: "same key twice", yaml: "name: a\nname: b\n",
        line: 2, column: 1, keyPath: "name", message: "duplicate key \"name\" (first given at line 1)"),
    BrokenCase(
        name: "top level is a list", yaml: "- output\n- b\n",
        line: 1, column: 1, keyPath: "", message: "must contain a map of settings"),
    BrokenCase(
        name: "YAML syntax error", yaml: "name: [a, b\ntags: []\n",
        line: 2, column: 5, keyPath: "", message: "invalid YAML: did not find expected ',' or ']'"),
    // Variables.
    BrokenCase(
        name: "required variable unset", yaml: "name: ${SENSOR:?set SENSOR to the sensor name}\n",
        line: 1, column: 7, keyPath: "name", message: "set SENSOR to the sensor name (${SENSOR} is not set)"),
    BrokenCase(
        name: "undefined variable in an integer setting", yaml: "http.port: ${UNSET_PORT}\n",
        line: 1, column: 12, keyPath: "http.port", message: "expected an integer, got \"\""),
    BrokenCase(
        name: "empty variable in an integer setting", yaml: "http.port: ${PORT:5066}\n", environment: ["PORT": ""],
        line: 1, column: 12, keyPath: "http.port", message: "expected an integer, got \"\""),
    BrokenCase(
        name: "circular reference", yaml: "name: ${hostname}\nhostname: ${name}\n",
        line: 2, column: 11, keyPath: "hostname", message: "circular reference: \"${name}\""),
    // -E overrides.
    BrokenCase(
        name: "override without =", yaml: "", overrides: ["output.kafka.hosts"], file: "-E",
        line: nil, column: nil, keyPath: "output.kafka.hosts", message: "expected key=value"),
    BrokenCase(
        name: "override with broken YAML", yaml: "", overrides: ["output.kafka.hosts=[\"a:9092\""], file: "-E",
        line: nil, column: nil, keyPath: "output.kafka.hosts", message: "invalid value \"[\"a:9092\"\""),
    BrokenCase(
        name: "override with an empty key", yaml: "", overrides: ["=1"], file: "-E",
        line: nil, column: nil, keyPath: "", message: "invalid key"),
    // Wrong types and ranges.
    BrokenCase(
        name: "string for an integer", yaml: "packetbeat.interfaces.snaplen: big\n",
        line: 1, column: 32, keyPath: "packetbeat.interfaces.snaplen", message: "expected an integer, got \"big\""),
    BrokenCase(
        name: "list for a boolean", yaml: "packetbeat.interfaces.with_vlans: [true]\n",
        line: 1, column: 35, keyPath: "packetbeat.interfaces.with_vlans", message: "expected a boolean"),
    BrokenCase(
        name: "bad duration", yaml: "packetbeat.flows.timeout: abc\n",
        line: 1, column: 27, keyPath: "packetbeat.flows.timeout",
        message: "invalid duration \"abc\" (use a number with a unit: 30s, 1m, 500ms)"),
    BrokenCase(
        name: "bad byte size", yaml: "queue.disk:\n  max_size: 10XB\n",
        line: 2, column: 13, keyPath: "queue.disk.max_size", message: "invalid byte size \"10XB\""),
    BrokenCase(
        name: "protocol port out of range", yaml: "packetbeat.protocols:\n- type: http\n  ports: [80, 70000]\n",
        line: 3, column: 15, keyPath: "packetbeat.protocols.0.ports.1",
        message: "must be between 1 and 65535, got 70000"),
    BrokenCase(
        name: "http port out of range", yaml: "http.port: 70000\n",
        line: 1, column: 12, keyPath: "http.port", message: "must be between 1 and 65535"),
    BrokenCase(
        name: "snaplen above libpcap's maximum", yaml: "packetbeat.interfaces.snaplen: 300000\n",
        line: 1, column: 32, keyPath: "packetbeat.interfaces.snaplen", message: "between 1 and 262144"),
    BrokenCase(
        name: "bad internal network", yaml: "packetbeat.interfaces.internal_networks: [private, 10.0.0.0/33]\n",
        line: 1, column: 52, keyPath: "packetbeat.interfaces.internal_networks.1",
        message: "invalid network \"10.0.0.0/33\""),
    BrokenCase(
        name: "fanout group without af_packet", yaml: "packetbeat.interfaces.fanout_group: 1\n",
        line: 1, column: 1, keyPath: "packetbeat.interfaces.fanout_group",
        message: "fanout_group is only valid with af_packet type"),
    BrokenCase(
        name: "one device twice", yaml: "packetbeat.interfaces:\n- device: eth0\n- device: eth0\n",
        line: 3, column: 11, keyPath: "packetbeat.interfaces.1.device",
        message: "duplicated device configurations: eth0"),
    BrokenCase(
        name: "bad log level", yaml: "logging.level: verbose\n",
        line: 1, column: 16, keyPath: "logging.level", message: "invalid value \"verbose\" (expected one of: debug"),
    BrokenCase(
        name: "too few log files", yaml: "logging.files.keepfiles: 1\n",
        line: 1, column: 26, keyPath: "logging.files.keepfiles", message: "must be between 2 and 1024"),
    // Protocols.
    BrokenCase(
        name: "unknown protocol type", yaml: "packetbeat.protocols:\n- type: smtp\n",
        line: 2, column: 9, keyPath: "packetbeat.protocols.0.type", message: "unknown protocol type \"smtp\""),
    BrokenCase(
        name: "protocol without a type", yaml: "packetbeat.protocols:\n- ports: [53]\n",
        line: 2, column: 3, keyPath: "packetbeat.protocols.0", message: "missing \"type\""),
    BrokenCase(
        name: "protocol twice", yaml: "packetbeat.protocols:\n- type: dns\n- type: dns\n",
        line: 3, column: 9, keyPath: "packetbeat.protocols.1.type",
        message: "protocol \"dns\" is configured more than once (first at line 2)"),
    BrokenCase(
        name: "port claimed by two protocols",
        yaml: "packetbeat.protocols:\n- type: http\n  ports: [8443]\n- type: tls\n",
        line: 4, column: 9, keyPath: "packetbeat.protocols.1.type",
        message: "duplicate port (8443) exists in http and tls protocols"),
    BrokenCase(
        name: "unknown TLS fingerprint", yaml: "packetbeat.protocols:\n- type: tls\n  fingerprints: [sha1, sha512]\n",
        line: 3, column: 24, keyPath: "packetbeat.protocols.0.fingerprints.1",
        message: "invalid value \"sha512\" (expected one of: md5, sha1, sha256)"),
    // Processors.
    BrokenCase(
        name: "processor entry with two keys",
        yaml: "processors:\n  - add_fields: {fields: {a: 1}}\n    drop_event: {}\n",
        line: 2, column: 5, keyPath: "processors.0", message: "exactly one key, the processor name; found 2"),
    BrokenCase(
        name: "conditional processor without then",
        yaml: "processors:\n  - if.contains.tags: forwarded\n    else: [{add_host_metadata: ~}]\n",
        line: 2, column: 5, keyPath: "processors.0", message: "has no \"then\""),
    BrokenCase(
        name: "processors as a map", yaml: "processors: {add_fields: {}}\n",
        line: 1, column: 13, keyPath: "processors", message: "expected a list of processors"),
    // Outputs.
    BrokenCase(
        name: "no output enabled", yaml: "output.console.enabled: false\n",
        line: 1, column: 1, keyPath: "output", message: "no output is enabled; configure output.kafka"),
    BrokenCase(
        name: "two outputs enabled", yaml: "output.console.enabled: true\noutput.file.path: /tmp/events\n",
        line: 2, column: 1, keyPath: "output.file",
        message: "only one output can be enabled, but both output.console and output.file are"),
    BrokenCase(
        name: "elasticsearch enabled", yaml: "output.elasticsearch:\n  hosts: [\"localhost:9200\"]\n",
        line: 1, column: 1, keyPath: "output.elasticsearch",
        message: "output.elasticsearch is not supported by wirebeat: use output.kafka, output.file or output.console"),
    BrokenCase(
        name: "file output keeps too few files", yaml: "output.file.number_of_files: 1\n",
        line: 1, column: 30, keyPath: "output.file.number_of_files", message: "between 2 and 1024"),
    BrokenCase(
        name: "bad file mode", yaml: "output.file.permissions: \"0999\"\n",
        line: 1, column: 26, keyPath: "output.file.permissions", message: "invalid file mode \"0999\""),
    BrokenCase(
        name: "two codecs", yaml: "output.console.codec.json.pretty: true\noutput.console.codec.format.string: x\n",
        line: 2, column: 1, keyPath: "output.console.codec.format", message: "only one codec"),
    // Kafka.
    BrokenCase(
        name: "kafka without hosts", yaml: "output.kafka:\n  topic: packetbeat\n",
        line: 1, column: 1, keyPath: "output.kafka.hosts", message: "no hosts configured"),
    BrokenCase(
        name: "kafka hosts as a map", yaml: "output.kafka:\n  hosts: {a: b}\n  topic: t\n",
        line: 2, column: 10, keyPath: "output.kafka.hosts", message: "expected a list of strings"),
    BrokenCase(
        name: "kafka without topic", yaml: "output.kafka:\n  hosts: [\"k:9092\"]\n",
        line: 1, column: 1, keyPath: "output.kafka", message: "either 'topic' or 'topics' must be defined"),
    BrokenCase(
        name: "kafka max_retries 0", yaml: kafkaHead + "  max_retries: 0\n",
        line: 4, column: 16, keyPath: "output.kafka.max_retries", message: "max_retries must be -1 (retry forever)"),
    BrokenCase(
        name: "kafka unknown compression", yaml: kafkaHead + "  compression: brotli\n",
        line: 4, column: 16, keyPath: "output.kafka.compression", message: "compression mode 'brotli' unknown"),
    BrokenCase(
        name: "kafka gzip level out of range", yaml: kafkaHead + "  compression_level: 12\n",
        line: 4, column: 22, keyPath: "output.kafka.compression_level", message: "between 0 and 9 for gzip"),
    BrokenCase(
        name: "kafka required_acks 2", yaml: kafkaHead + "  required_acks: 2\n",
        line: 4, column: 18, keyPath: "output.kafka.required_acks", message: "required_acks must be -1"),
    BrokenCase(
        name: "kafka two partitioners", yaml: kafkaHead + "  partition.random: {}\n  partition.hash: {}\n",
        line: 5, column: 3, keyPath: "output.kafka.partition.hash", message: "too many partitioners: random, hash"),
    BrokenCase(
        name: "kafka unknown partitioner", yaml: kafkaHead + "  partition.sticky: {}\n",
        line: 4, column: 3, keyPath: "output.kafka.partition.sticky", message: "unknown kafka partition mode"),
    BrokenCase(
        name: "kafka username without password", yaml: kafkaHead + "  username: beats\n",
        line: 4, column: 3, keyPath: "output.kafka.username",
        message: "password must be set when username is configured"),
    BrokenCase(
        name: "kafka unknown SASL mechanism",
        yaml: kafkaHead + "  username: beats\n  password: x\n  sasl.mechanism: GSSAPI\n",
        line: 6, column: 19, keyPath: "output.kafka.sasl.mechanism", message: "invalid value \"GSSAPI\""),
    BrokenCase(
        name: "kafka unknown verification mode", yaml: kafkaHead + "  ssl.verification_mode: partial\n",
        line: 4, column: 26, keyPath: "output.kafka.ssl.verification_mode", message: "invalid value \"partial\""),
    BrokenCase(
        name: "kafka topic format unclosed",
        yaml: "output.kafka:\n  hosts: [\"k:9092\"]\n  topic: \"%{[fields.log_topic\"\n",
        line: 3, column: 10, keyPath: "output.kafka.topic", message: "unterminated %{"),
    BrokenCase(
        name: "kafka topic format empty field", yaml: "output.kafka:\n  hosts: [\"k:9092\"]\n  topic: \"%{[]}\"\n",
        line: 3, column: 10, keyPath: "output.kafka.topic", message: "empty field name"),
    BrokenCase(
        name: "kafka topics rule without topic",
        yaml: "output.kafka:\n  hosts: [\"k:9092\"]\n  topics:\n    - default: x\n",
        line: 4, column: 7, keyPath: "output.kafka.topics.0", message: "a topic rule needs a \"topic\""),
    // Queues.
    BrokenCase(
        name: "memory queue too small", yaml: "queue.mem.events: 10\n",
        line: 1, column: 19, keyPath: "queue.mem.events", message: "must be at least 32, got 10"),
    BrokenCase(
        name: "memory queue batch above capacity", yaml: "queue.mem:\n  events: 100\n  flush.min_events: 200\n",
        line: 3, column: 21, keyPath: "queue.mem.flush.min_events", message: "must not exceed events (100)"),
    BrokenCase(
        name: "disk queue below 10MB", yaml: "queue.disk:\n  max_size: 5MB\n",
        line: 2, column: 13, keyPath: "queue.disk.max_size", message: "max_size must be at least 10MB"),
    BrokenCase(
        name: "disk queue smaller than two segments", yaml: "queue.disk:\n  max_size: 10MB\n  segment_size: 6MB\n",
        line: 3, column: 17, keyPath: "queue.disk.segment_size",
        message: "max_size (10000000) must be at least twice segment_size (6000000)"),
    BrokenCase(
        name: "disk queue segment below 1MB", yaml: "queue.disk:\n  segment_size: 512KB\n",
        line: 2, column: 17, keyPath: "queue.disk.segment_size", message: "segment_size must be at least 1MB"),
    BrokenCase(
        name: "disk queue retry intervals reversed",
        yaml: "queue.disk:\n  retry_interval: 10s\n  max_retry_interval: 5s\n",
        line: 3, column: 23, keyPath: "queue.disk.max_retry_interval", message: "must be at least retry_interval"),
    BrokenCase(
        name: "memory and disk queue", yaml: "queue.mem.events: 4096\nqueue.disk.max_size: 10GB\n",
        line: 2, column: 1, keyPath: "queue.disk",
        message: "only one queue type can be configured, found queue.mem and queue.disk"),
    BrokenCase(
        name: "queue at the top and under the output",
        yaml: "queue.mem.events: 4096\n" + kafkaHead + "  queue.mem.events: 8192\n",
        line: 5, column: 3, keyPath: "output.kafka.queue", message: "the queue is configured twice"),
]

@Suite("Broken configurations")
struct BrokenConfigTests {
    @Test("fails with the exact location and message", arguments: brokenCases)
    func failsWithLocation(_ c: BrokenCase) throws {
        let error = try #require(loadError(c.yaml, overrides: c.overrides, environment: c.environment))
        #expect(error.file == c.file)
        #expect(error.line == c.line)
        #expect(error.column == c.column)
        #expect(error.keyPath == c.keyPath)
        #expect(error.message.contains(c.message), "message: \(error.message)")
    }

    @Test("the description reads file:line:column: key: message")
    func descriptionFormat() throws {
        let error = try #require(loadError("packetbeat.flows.timeout: abc\n"))
        #expect(
            error.description
                == "t.yml:1:27: packetbeat.flows.timeout: invalid duration \"abc\" "
                + "(use a number with a unit: 30s, 1m, 500ms)")
    }

    @Test("the description leaves out an unknown line and column")
    func descriptionWithoutLine() throws {
        let error = try #require(loadError("", overrides: ["output.kafka.hosts"]))
        #expect(error.description == "-E: output.kafka.hosts: expected key=value, got \"output.kafka.hosts\"")
    }
}
