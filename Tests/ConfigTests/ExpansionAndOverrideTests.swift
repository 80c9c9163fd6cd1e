// `${...}` references and `-E` overrides: Beats' conventions for values that come from outside the file.

import Config
import NetModel
import Testing

@Suite("Variable expansion")
struct VariableExpansionTests {
    @Test("an environment variable replaces ${VAR}")
    func environmentVariable() throws {
        let s = try loadValid("name: ${SENSOR}\n", environment: ["SENSOR": "edge-1"]).settings
        #expect(s.name == "edge-1")
    }

    @Test("the default applies when the variable is unset, and not when it is set")
    func defaultValue() throws {
        let yaml = "name: ${SENSOR:sensor-default}\n"
        #expect(try loadValid(yaml).settings.name == "sensor-default")
        #expect(try loadValid(yaml, environment: ["SENSOR": "s2"]).settings.name == "s2")
    }

    @Test("an unset variable without default is the empty string")
    func unsetIsEmpty() throws {
        #expect(try loadValid("name: \"id-${NOPE}\"\n").settings.name == "id-")
    }

    @Test("references expand inside longer strings, defaults may nest")
    func insideStrings() throws {
        let yaml = "output.kafka:\n  hosts: [\"${KAFKA_HOST}:${KAFKA_PORT:9092}\"]\n  topic: ${TOPIC:${SITE:x}-flows}\n"
        let s = try loadValid(yaml, environment: ["KAFKA_HOST": "broker", "SITE": "paris"]).settings
        guard case .kafka(let k) = s.output else {
            Issue.record("expected kafka")
            return
        }
        #expect(k.hosts == ["broker:9092"])
        #expect(k.topic?.source == "paris-flows")
    }

    @Test("$${ is a literal ${ and $} a literal }")
    func escapes() throws {
        let s = try loadValid("tags: [\"$${HOME}\", \"a$}b\"]\n", environment: ["HOME": "/root"]).settings
        #expect(s.tags == ["${HOME}", "a}b"])
    }

    @Test("${path.data} and other settings are referenced by their dotted names")
    func settingReferences() throws {
        let yaml = "name: ${hostname}-pb\nhostname: h7\nfields:\n  data_dir: ${path.data}\n  logs: ${path.logs}\n"
        let s = try loadValid(yaml, pathOverrides: ["data": "/var/lib/wb"]).settings
        #expect(s.name == "h7-pb")
        #expect(s.fields["data_dir"] == .string("/var/lib/wb"))
        #expect(s.fields["logs"] == .string("/srv/wirebeat/logs"))
        #expect(s.paths.data == "/var/lib/wb")
    }

    @Test("path settings may use variables and refer to each other")
    func pathsFromVariables() throws {
        let yaml = "path.home: ${WB_HOME:/opt/wb}\npath.data: ${path.home}/state\n"
        let s = try loadValid(yaml).settings
        #expect(s.paths.home == "/opt/wb")
        #expect(s.paths.data == "/opt/wb/state")
        #expect(s.paths.logs == "/opt/wb/logs")
    }

    @Test(
        "a plain scalar that is one reference is re-typed",
        arguments: [
            ([:], 5066), (["PORT": "9000"], 9000),
        ])
    func retyped(environment: [String: String], port: Int) throws {
        let s = try loadValid("http.port: ${PORT:5066}\nhttp.enabled: ${ENABLED:true}\n", environment: environment)
            .settings
        #expect(s.http.port == port)
        #expect(s.http.enabled)
        let fields = try loadValid(
            "fields:\n  port: ${PORT:5066}\n  quoted: \"${PORT:5066}\"\n", environment: environment
        )
        .settings.fields
        #expect(fields["port"] == .int(Int64(port)))
        #expect(fields["quoted"] == .string(String(port)))
    }

    @Test("a comma-separated variable fills a list; a flow list parses as YAML")
    func listsFromVariables() throws {
        let yaml = "output.kafka:\n  hosts: ${HOSTS}\n  topic: t\ntags: ${TAGS}\n"
        let s = try loadValid(yaml, environment: ["HOSTS": "k1:9092, k2:9092", "TAGS": "[a, 'b c']"]).settings
        guard case .kafka(let k) = s.output else {
            Issue.record("expected kafka")
            return
        }
        #expect(k.hosts == ["k1:9092", "k2:9092"])
        #expect(s.tags == ["a", "b c"])
        let single = try loadValid(yaml, environment: ["HOSTS": "k1:9092", "TAGS": "x"]).settings
        #expect(single.tags == ["x"])
    }

    @Test("a reference to a map splices the map")
    func splicesMaps() throws {
        let yaml = "defaults:\n  include_authorities: true\npacketbeat.protocols.dns: ${defaults}\n"
        let s = try loadValid(yaml).settings
        #expect(s.protocolSettings(.dns)?.dns?.includeAuthorities == true)
    }
}

@Suite("-E overrides")
struct OverrideTests {
    @Test("a scalar override replaces the file's value")
    func scalar() throws {
        let s = try loadValid("packetbeat.flows.timeout: 30s\n", overrides: ["packetbeat.flows.timeout=45s"]).settings
        #expect(s.flows?.timeout == .seconds(45))
    }

    @Test("a list override is parsed as YAML")
    func list() throws {
        let yaml = "output.kafka:\n  hosts: [\"old:9092\"]\n  topic: t\n"
        let s = try loadValid(yaml, overrides: ["output.kafka.hosts=[\"a:9092\",\"b:9092\"]"]).settings
        #expect(s.output.typeName == "kafka")
        guard case .kafka(let k) = s.output else { return }
        #expect(k.hosts == ["a:9092", "b:9092"])
    }

    @Test("a map override merges into the tree and may switch the output")
    func map() throws {
        let s = try loadValid(
            "output.console.enabled: true\n", overrides: ["output={console.enabled: false, file.path: /tmp/ev}"]
        ).settings
        #expect(s.output == .file(FileOutputSettings(path: "/tmp/ev")))
    }

    @Test("overrides apply in order, booleans in any case, list elements by index")
    func orderAndIndex() throws {
        let yaml = "packetbeat.protocols:\n- type: dns\n- type: tls\n"
        let s = try loadValid(
            yaml,
            overrides: [
                "packetbeat.protocols.1.enabled=FALSE", "name=first", "name=second",
                "packetbeat.interfaces.with_vlans=On",
            ]
        ).settings
        #expect(s.protocolSettings(.tls)?.enabled == false)
        #expect(s.protocolSettings(.dns)?.enabled == true)
        #expect(s.name == "second")
        #expect(s.interfaces.first?.withVLANs == true)
    }

    @Test("a bare comma-separated override fills a list")
    func commaList() throws {
        let s = try loadValid("", overrides: ["tags=a,b"]).settings
        #expect(s.tags == ["a", "b"])
    }

    @Test("overrides may use ${VAR}")
    func expandsVariables() throws {
        let s = try loadValid("", overrides: ["name=${SITE}-1"], environment: ["SITE": "lyon"]).settings
        #expect(s.name == "lyon-1")
    }

    @Test("a wrong type in an override is reported at -E")
    func typeErrorAtOverride() throws {
        let error = try #require(loadError("", overrides: ["http.port=high"]))
        #expect(error.file == "-E")
        #expect(error.line == nil)
        #expect(error.keyPath == "http.port")
    }
}
