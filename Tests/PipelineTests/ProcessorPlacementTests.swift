// Where processors run (reference/libbeat.md §4.1): a protocol's or the flows' processors after tags and
// fields but before the builtin agent/host fields; the global processors after them. Drops end the event
// (counted as filtered); failures are counted and the event goes on.

import Config
import Events
import Logging
import NetModel
import Testing

@testable import Pipeline

@Suite struct ProcessorPlacementTests {
    func plan(_ yaml: String) throws -> RunPlan {
        let s = try ConfigLoader.load(
            yaml: yaml + "\noutput.console.enabled: true\npath.data: /tmp/wirebeat-plan-test\n", name: "p.yml"
        ).settings
        return try PlanBuilder.plan(settings: s, file: "x.pcap", topspeed: true, loop: nil, resolveDevices: false)
    }

    func publish(_ events: [Event], _ settings: PublishSettings, client: UInt8 = 0) -> (events: [Event], counters: PublishCounters) {
        let q = BatchQueue(capacity: 100)
        let out = RecordingOutput()
        let p = Publisher(queue: q, output: out, settings: settings, logger: Logger(label: "test"))
        q.put(batch(events, client: client), block: true)
        q.close()
        p.run()
        return (out.events, p.counters)
    }

    @Test func clientProcessorsSeeTagsAndFieldsButNotBuiltinsAndGlobalOnesSeeEverything() throws {
        let p = try plan(
            """
            tags: [global]
            fields: {site: paris}
            processors:
            - add_fields: {target: seen_by_global, fields: {agent: true}, when.has_fields: [agent.type]}
            packetbeat.flows:
              tags: [flows]
              processors:
              - add_fields: {target: seen_by_flows, fields: {agent: true}, when.has_fields: [agent.type]}
              - add_fields:
                  target: seen_by_flows
                  fields: {tags: true}
                  when.contains.tags: global
              - add_fields:
                  target: seen_by_flows
                  fields: {site: true}
                  when.equals.fields.site: paris
            """)
        let (out, counters) = publish([Event(timestamp: .zero, fields: ["flow": .object(["id": .string("f")])])], p.publish)
        let e = try #require(out.first)
        #expect(e.fields.value(at: "seen_by_flows.agent") == nil)
        #expect(e.fields.value(at: "seen_by_flows.tags") == .bool(true))
        #expect(e.fields.value(at: "seen_by_flows.site") == .bool(true))
        #expect(e.fields.value(at: "seen_by_global.agent") == .bool(true))
        #expect(counters.filtered == 0)
    }

    @Test func dropsAreCountedAsFilteredAndNotPublished() throws {
        let p = try plan(
            """
            processors:
            - drop_event.when.network: {destination.ip: loopback}
            packetbeat.flows: {}
            """)
        let keep = Event(timestamp: .zero, fields: ["destination": .object(["ip": .string("10.1.2.3")])])
        let drop = Event(timestamp: .zero, fields: ["destination": .object(["ip": .string("127.0.0.1")])])
        let (out, counters) = publish([keep, drop, drop], p.publish)
        #expect(out.count == 1)
        #expect(out.first?.fields.value(at: "destination.ip") == .string("10.1.2.3"))
        #expect(counters.filtered == 2)
        #expect(counters.received == 3)
        #expect(counters.acked == 1)
    }

    @Test func aFailingProcessorLeavesTheEventGoingOn() throws {
        let p = try plan(
            """
            processors:
            - add_tags: {tags: [x]}
            - add_fields: {target: "", fields: {after: yes}}
            packetbeat.flows: {}
            """)
        let (out, counters) = publish([Event(timestamp: .zero, fields: ["tags": .string("not a list")])], p.publish)
        #expect(out.first?.fields["after"] == .bool(true))
        #expect(counters.processorFailures == 1)
    }

    @Test func aBadProcessorIsAPlanErrorWithItsLocation() throws {
        #expect {
            _ = try plan("processors:\n- add_tags: {tags: [a]}\n- rename_fields: {}\n")
        } throws: { error in
            "\(error)".hasPrefix("p.yml:3:3: processors.1.rename_fields: unknown processor")
        }
        #expect {
            _ = try plan("packetbeat.protocols:\n- type: tls\n  processors:\n  - drop_event:\n      when:\n        equals: {a: 1.5}\n")
        } throws: { error in
            "\(error)".contains("packetbeat.protocols.0.processors.0.drop_event.when.equals.a: equals compares with an integer, a string or a boolean")
                && "\(error)".hasPrefix("p.yml:6:")
        }
    }

    @Test func stockPlatformProcessorsLoadAndAreAnnounced() throws {
        let p = try plan(
            """
            processors:
            - add_cloud_metadata: ~
            - add_docker_metadata: ~
            - detect_mime_type: {field: http.request.body.content, target: http.request.mime_type}
            packetbeat.flows: {}
            """)
        #expect(p.warnings.count == 3)
        #expect(p.warnings.first == "p.yml:2:3: processors.0.add_cloud_metadata is accepted but does nothing in this build: cloud instance metadata is not queried yet")
        let (out, _) = publish([Event(timestamp: .zero, fields: ["a": .int(1)])], p.publish)
        #expect(out.first?.fields["cloud"] == nil)
        #expect(out.first?.fields["a"] == .int(1))
    }
}
