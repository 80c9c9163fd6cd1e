// add_fields, add_tags, drop_event and the factory's handling of names, options and `when`.

import Config
import Foundation
import Events
import Testing
@testable import Processors

@Suite struct AddFieldsTests {
    @Test func addsUnderFieldsByDefault() throws {
        let p = try build("add_fields", ["fields": ["env": "prod", "shard": 3]])
        let out = run(p, event(["fields.team": .string("net")])).event
        #expect(out?.value(at: "fields.env") == .string("prod"))
        #expect(out?.value(at: "fields.shard") == .int(3))
        #expect(out?.value(at: "fields.team") == .string("net"))
    }

    @Test func emptyTargetAddsAtTheRootAndOverwrites() throws {
        let p = try build("add_fields", ["target": "", "fields": ["network.name": "dmz"]])
        let out = run(p, event(["network.name": .string("old"), "network.transport": .string("tcp")])).event
        #expect(out?.value(at: "network.name") == .string("dmz"))
        #expect(out?.value(at: "network.transport") == .string("tcp"))
    }

    @Test func metadataTarget() throws {
        let p = try build("add_fields", ["target": "@metadata", "fields": ["pipeline": "p1"]])
        #expect(run(p, event()).event?.metadata["pipeline"] == .string("p1"))
    }

    @Test func requiresFields() {
        #expect(buildError("add_fields", ["target": "x"])?.contains("requires \"fields\"") == true)
    }
}

@Suite struct AddTagsTests {
    @Test func appendsToExistingTags() throws {
        let p = try build("add_tags", ["tags": ["web", "prod"]])
        let out = run(p, event(["tags": .strings(["forwarded"])])).event
        #expect(out?.value(at: "tags") == .strings(["forwarded", "web", "prod"]))
    }

    @Test func singleStringAndCustomTarget() throws {
        let p = try build("add_tags", ["tags": "web", "target": "labels.kinds"])
        #expect(run(p, event()).event?.value(at: "labels.kinds") == .strings(["web"]))
    }

    @Test func nonListTargetFailsAndLeavesTheEvent() throws {
        let p = try build("add_tags", ["tags": "web"])
        let (out, outcome) = run(p, event(["tags": .string("x")]))
        #expect(out?.value(at: "tags") == .string("x"))
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
    }
}

@Suite struct FactoryTests {
    @Test func dropEventWithWhen() throws {
        let p = try build("drop_event", ["when": ["equals": ["network.transport": "udp"]]])
        #expect(run(p, event(["network.transport": .string("udp")])).event == nil)
        #expect(run(p, event(["network.transport": .string("tcp")])).event != nil)
    }

    @Test func unknownProcessorNamesTheKnownOnes() {
        let message = buildError("add_feilds", ["fields": ["a": 1]])
        #expect(message?.hasPrefix("test.yml:1:3: processors.0.add_feilds: unknown processor \"add_feilds\"") == true)
        #expect(message?.contains("add_fields") == true)
    }

    @Test func unknownOptionIsAnError() {
        let message = buildError("add_tags", ["tags": "a", "tagz": "b"])
        #expect(message?.contains("processors.0.add_tags.tagz: unknown option of add_tags (it accepts: tags, target, when)") == true)
    }

    @Test func optionsMustBeAMap() {
        #expect(buildError("drop_event", nil) == nil)
        #expect(buildError("add_tags", nil)?.contains("requires \"tags\"") == true)
        let e = ProcessorEntry(name: "add_tags", config: .string("x"), location: SourceLocation(file: "f.yml", line: 4), index: 2)
        var notices: [String] = []
        #expect(throws: ConfigError.self) { try ProcessorFactory.processor(e, environment: ProcessorEnvironment(), notices: &notices) }
    }

    @Test func scriptIsRefusedWithAlternatives() {
        let message = buildError("script", ["lang": "javascript", "source": "function process(e) {}"])
        #expect(message?.contains("not available in wirebeat") == true)
        #expect(message?.contains("rename") == true)
    }

    @Test func errorsPointAtTheNestedOptionLine() {
        let location = SourceLocation(file: "packetbeat.yml", line: 40, column: 5)
        let deep = SourceLocation(file: "packetbeat.yml", line: 42, column: 11)
        let e = ProcessorEntry(
            name: "add_tags", config: cv(["tags": ["a", ["x": 1]]] as KeyValuePairs<String, Any?>), location: location,
            index: 3, path: "packetbeat.protocols.0.processors.3", locations: (["add_tags.tags.1": deep], [:]))
        do {
            var notices: [String] = []
            _ = try ProcessorFactory.processor(e, environment: ProcessorEnvironment(), notices: &notices)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "packetbeat.yml:42:11: packetbeat.protocols.0.processors.3.add_tags.tags.1: expected a string, got a map")
        }
    }

    @Test func ifThenElseRunsOneBranch() throws {
        let p = try build("if", [
            "if": ["contains": ["tags": "forwarded"]],
            "then": [["add_tags": ["tags": "then"]]],
            "else": ["add_tags": ["tags": "else"]],
        ])
        #expect(run(p, event(["tags": .strings(["forwarded"])])).event?.value(at: "tags") == .strings(["forwarded", "then"]))
        #expect(run(p, event()).event?.value(at: "tags") == .strings(["else"]))
    }

    @Test func ifWithoutElseLeavesOtherEventsAlone() throws {
        let p = try build("if", ["if": ["has_fields": ["tls"]], "then": [["drop_event": nil]]])
        #expect(run(p, event(["tls.version": .string("1.3")])).event == nil)
        #expect(run(p, event(["flow.id": .string("x")])).event != nil)
    }

    @Test func chainCountsDropsAndFailures() throws {
        let chain = ProcessorChain([
            try build("add_tags", ["tags": "a"]),
            try build("drop_event", ["when": ["has_fields": ["drop.me"]]]),
        ])
        var counters = ProcessorCounters()
        var bad = event(["tags": .string("not a list")])
        #expect(chain.run(&bad, counters: &counters))
        var dropped = event(["drop.me": .bool(true)])
        #expect(!chain.run(&dropped, counters: &counters))
        #expect(counters.filtered == 1)
        #expect(counters.failures == 1)
        #expect(counters.lastFailure?.hasPrefix("add_tags: ") == true)
    }
}

@Suite struct DocumentationTests {
    /// docs/PROCESSORS.md lists every processor the factory knows, with every option it accepts.
    @Test func everyProcessorAndOptionIsDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/PROCESSORS.md"), encoding: .utf8)
        let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| `") }
        for (name, builder) in ProcessorFactory.builders {
            let row = rows.first { $0.hasPrefix("| `\(name)`") || $0.contains(", `\(name)`") }
            #expect(row != nil, "\(name) has no row in docs/PROCESSORS.md")
            for option in builder.options {
                #expect(row?.contains("`\(option)") == true, "\(name).\(option) is not in its row")
            }
        }
    }
}
