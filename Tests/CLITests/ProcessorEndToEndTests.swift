// Processors end to end: the bundled capture (flows and two TLS handshakes) through a configuration with
// global, flow and TLS processors, compared with the same run without processors.

import Foundation
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
        return try CLITests.events(r.stdout)
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
