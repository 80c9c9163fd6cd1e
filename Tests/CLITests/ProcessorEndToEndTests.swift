// Processors end to end: the bundled capture (flows and two TLS handshakes) through a configuration with
// global, flow and TLS processors, compared with the same run without processors.

import Foundation
import TestSupport
import Testing

@Suite struct ProcessorEndToEndTests {
    static let base = """
        packetbeat.interfaces.device: any
        packetbeat.flows:
          timeout: 30s
          period: 10s
        """

    static let tls = """
        packetbeat.protocols:
        - type: tls
          ports: [443, 8443]
        """

    static let withProcessors = """
        packetbeat.interfaces.device: any
        packetbeat.flows:
          timeout: 30s
          period: 10s
          processors:
          - drop_event.when.equals.network.transport: udp
          - add_tags: {tags: [flow-seen]}
          - if.network.destination.ip: [fd88::/16, ff02::/16]
            then:
            - add_fields: {target: labels, fields: {family: v6-lab}}
        packetbeat.protocols:
        - type: tls
          ports: [443, 8443]
          tags: [tls-tag]
          processors:
          - add_fields:
              target: ""
              fields: {labels.proto: tls}
              when.regexp.tls.version: '^1\\.[23]$'
          - add_tags: {tags: [agent-not-yet], when.not.has_fields: [agent.type]}
        tags: [global-tag]
        processors:
        - add_tags: {tags: [agent-present], when.has_fields: [agent.type, agent.id]}
        - drop_event.when.and:
          - equals.network.transport: icmp
          - network.destination.ip: private
        output.console.enabled: true
        """

    func events(config: String, scratch: ScratchDirectory) throws -> [[String: Any]] {
        let path = try scratch.write("pb-\(config.hashValue).yml", config + "\npath.data: \(scratch.url.path)/data\n")
        let r = try run(Paths.binary, ["-c", path, "-I", Paths.sample, "-t"])
        #expect(r.status == 0, "\(r.stderr)")
        return try TestSupport.events(r.stdout)
    }

    @Test func globalFlowAndTLSProcessorsShapeTheEvents() throws {
        let scratch = try ScratchDirectory()
        let plain = try events(config: Self.base + "\n" + Self.tls + "\noutput.console.enabled: true\n", scratch: scratch)
        let shaped = try events(config: Self.withProcessors, scratch: scratch)
        func isFlow(_ e: [String: Any]) -> Bool { e["type"] as? String == "flow" }
        func transport(_ e: [String: Any]) -> String? { e["network.transport"] as? String }

        // Flows: UDP dropped by the flow processors, private ICMPv4 by the global ones, the rest kept.
        let droppedUDP = plain.filter { isFlow($0) && transport($0) == "udp" }.count
        let droppedICMP = plain.filter { transport($0) == "icmp" && ($0["destination.ip"] as? String)?.hasPrefix("10.") == true }.count
        #expect(droppedUDP > 0 && droppedICMP > 0)
        #expect(shaped.count == plain.count - droppedUDP - droppedICMP)
        #expect(!shaped.contains { transport($0) == "udp" || transport($0) == "icmp" })

        // Tags: the client's processors run after the global and client tags are added; global processors
        // run after the builtins.
        for e in shaped where isFlow(e) {
            #expect(e["tags"] as? [String] == ["global-tag", "flow-seen", "agent-present"])
            let v6Lab = (e["destination.ip"] as? String).map { $0.hasPrefix("fd88:") || $0.hasPrefix("ff02:") } ?? false
            #expect((e["labels.family"] as? String == "v6-lab") == v6Lab)
        }
        let tls = shaped.filter { $0["type"] as? String == "tls" }
        #expect(tls.count == 2)
        for e in tls {
            #expect(e["tags"] as? [String] == ["global-tag", "tls-tag", "agent-not-yet", "agent-present"])
            #expect(e["labels.proto"] as? String == "tls")
        }
    }
}

@Suite struct ProcessorConfigTests {
    /// One entry for every processor issue 4 lists (and the stock platform ones), as users write them.
    static let everyProcessor = """
        packetbeat.interfaces.device: any
        packetbeat.flows: {}
        output.console.enabled: true
        processors:
        - add_fields: {target: project, fields: {name: myproject, id: '574734885120952459'}}
        - add_tags: {tags: [web, production], target: environment}
        - add_labels: {labels: {number: 1, with.dots: test, nested: {with.dots: nested}}}
        - drop_event.when.equals.network.transport: icmp
        - drop_fields: {fields: [agent.ephemeral_id, '/^tls\\.detailed\\..*_raw$/'], ignore_missing: true}
        - include_fields.when.has_fields: [only.these]
          include_fields.fields: [only.these]
        - rename: {fields: [{from: a.g, to: e.d}], ignore_missing: true, fail_on_error: true}
        - copy_fields: {fields: [{from: message, to: event.original}], fail_on_error: false, ignore_missing: true}
        - truncate_fields: {fields: [message], max_bytes: 1024, fail_on_error: false, ignore_missing: true}
        - convert: {fields: [{from: src_ip, to: source.ip, type: ip}], ignore_missing: true, fail_on_error: false, mode: copy}
        - replace: {fields: [{field: file.path, pattern: '\\\\', replacement: /}], ignore_missing: true}
        - decode_json_fields: {fields: [inner], process_array: false, max_depth: 1, target: '', overwrite_keys: false, add_error_key: true}
        - add_id: ~
        - fingerprint: {fields: [source.ip, destination.ip], target_field: event.hash, method: sha1, encoding: base64, ignore_missing: true}
        - community_id: {target: network.community_id_copy}
        - registered_domain: {field: tls.client.server_name, target_field: tls.client.registered_domain, ignore_missing: true, ignore_failure: true}
        - add_network_direction: {source: source.ip, destination: destination.ip, target: network.direction, internal_networks: [private, loopback]}
        - add_host_metadata: {cache.ttl: 5m, geo: {name: nyc-dc1-rack1, location: '40.7128, -74.0060'}}
        - add_observer_metadata: {cache.ttl: 5m}
        - add_locale: {format: abbreviation}
        - urldecode: {fields: [{from: url.query, to: url.query_decoded}], ignore_missing: true, fail_on_error: false}
        - dns: {type: reverse, fields: {source.ip: source.domain}, nameservers: ['127.0.0.1'], timeout: 500ms, tag_on_failure: [_dns_reverse_lookup_failed]}
        - add_process_metadata: {match_pids: [process.pid], target: '', overwrite_keys: true}
        - if.contains.tags: forwarded
          then: [{drop_fields: {fields: [host]}}]
          else: [{add_host_metadata: ~}]
        - add_cloud_metadata: ~
        - add_docker_metadata: ~
        - detect_mime_type: {field: http.request.body.content, target: http.request.mime_type}
        """

    @Test func testConfigAcceptsEveryProcessor() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("pb.yml", Self.everyProcessor + "\npath.data: \(scratch.url.path)/data\n")
        let r = try run(Paths.binary, ["test", "config", "-c", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "Config OK\n")
    }

    @Test(arguments: [
        ("processors:\n- add_fields: {fields: {a: 1}}\n- renam: {fields: [{from: a, to: b}]}\n",
         "pb.yml:5:3: processors.1.renam: unknown processor \"renam\""),
        ("processors:\n- rename:\n    fields: [{from: a, too: b}]\n",
         "pb.yml:5:24: processors.0.rename.fields.0.too: unknown option"),
        ("processors:\n- drop_event.when.regexp.message: '(unclosed'\n",
         "pb.yml:4:35: processors.0.drop_event.when.regexp.message: invalid regular expression"),
        ("packetbeat.protocols:\n- type: tls\n  processors:\n  - drop_event.when.rnage.x.gte: 1\n",
         "pb.yml:6:5: packetbeat.protocols.0.processors.0.drop_event.when.rnage: unknown condition"),
        ("processors:\n- script: {lang: javascript, source: 'function process(e) {}'}\n",
         "processors.0.script: the script processor (JavaScript) is not available"),
    ])
    func testConfigRejectsBadProcessorsWithTheirLocation(yaml: String, expected: String) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "pb.yml", "output.console.enabled: true\npath.data: \(scratch.url.path)/data\n" + yaml)
        let r = try run(Paths.binary, ["test", "config", "-c", path])
        #expect(r.status == 1)
        #expect(r.stderr.contains(expected), "\(r.stderr)")
    }
}
