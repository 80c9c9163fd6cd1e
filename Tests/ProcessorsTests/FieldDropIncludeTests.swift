// drop_fields and include_fields: exact names, /regex/ entries, protected fields, missing fields and
// ignore_missing, nested objects and arrays, option checks.

import Events
import Testing

@testable import Processors

@Suite struct DropFieldsTests {
    let packet = event(
        [
            "type": .string("http"),
            "http.request.method": .string("GET"),
            "http.request.headers": .object(["host": .string("a.example")]),
            "http.response.status_code": .int(200),
            "client.ip": .string("10.0.0.1"),
            "tags": .strings(["x", "y"]),
        ], metadata: ["pipeline": .string("p1"), "raw_index": .string("i")])

    /// The documentation's shape: `when`, a list of fields, `ignore_missing: false`.
    @Test func docsExampleDropsWhenTheConditionHolds() throws {
        let p = try build(
            "drop_fields",
            [
                "when": ["equals": ["http.request.method": "GET"]],
                "fields": ["http.request.headers", "client"],
                "ignore_missing": false,
            ])
        let out = try #require(run(p, packet).event)
        #expect(out.value(at: "http.request.headers") == nil)
        #expect(out.value(at: "client") == nil)
        #expect(out.value(at: "http.request.method") == .string("GET"))
        var post = packet
        post.fields.set("http.request.method", .string("POST"))
        #expect(run(p, post).event == post)
    }

    /// A key inside an object that every event shares (the builtin `agent`): each event loses it, the shared
    /// object keeps it, and from the second such event on the events share one result instead of a copy each.
    @Test func sharedObjectsGetOneSharedResult() throws {
        let p = try build("drop_fields", ["fields": ["agent.ephemeral_id", "ecs"], "ignore_missing": true])
        let agent: Fields = ["type": .string("packetbeat"), "ephemeral_id": .string("e1"), "name": .string("vm")]
        var results: [Fields] = []
        for n in 0..<4 {
            let out = try #require(run(p, event(["agent": .object(agent), "n": .int(Int64(n))])).event)
            #expect(out.fields["agent"] == .object(["type": .string("packetbeat"), "name": .string("vm")]))
            results.append(try #require(out.fields["agent"]?.object))
        }
        #expect(agent["ephemeral_id"] == .string("e1"))
        #expect(results[2].storageAddress == results[1].storageAddress)
        #expect(results[3].storageAddress == results[1].storageAddress)
    }

    @Test func table() throws {
        struct Case {
            let name: String
            let options: KeyValuePairs<String, Any?>
            let gone: [String]
            let kept: [String]
            let fails: Bool
        }
        let cases: [Case] = [
            Case(name: "leaf", options: ["fields": ["client.ip"]], gone: ["client.ip"], kept: ["client"], fails: false),
            Case(
                name: "whole object", options: ["fields": ["http.request"]], gone: ["http.request"],
                kept: ["http.response.status_code"], fails: false),
            Case(name: "array field", options: ["fields": ["tags"]], gone: ["tags"], kept: ["type"], fails: false),
            Case(
                name: "single string for the list", options: ["fields": "tags"], gone: ["tags"], kept: [],
                fails: false),
            Case(
                name: "missing is an error, the others still go", options: ["fields": ["nope", "tags"]],
                gone: ["tags"], kept: ["client.ip"], fails: true),
            Case(
                name: "missing ignored", options: ["fields": ["nope", "tags"], "ignore_missing": true],
                gone: ["tags"], kept: [], fails: false),
            Case(
                name: "path through a scalar fails even with ignore_missing",
                options: ["fields": ["client.ip.v4", "tags"], "ignore_missing": true], gone: ["tags"],
                kept: ["client.ip"], fails: true),
            Case(
                name: "path into an array is not an object path", options: ["fields": ["tags.0"]], gone: [],
                kept: ["tags"], fails: true),
            Case(
                name: "@timestamp and type are never dropped", options: ["fields": ["@timestamp", "type", "type.x"]],
                gone: [], kept: ["type", "@timestamp"], fails: false),
            Case(
                name: "metadata key", options: ["fields": ["@metadata.raw_index"]], gone: ["@metadata.raw_index"],
                kept: ["@metadata.pipeline"], fails: false),
            Case(
                name: "regex on flattened names", options: ["fields": ["/^http\\.re(quest|sponse)\\.[a-z_]+$/"]],
                gone: ["http.request.method", "http.request.headers", "http.response.status_code"],
                kept: ["http.request", "http.response", "client.ip"], fails: false),
            Case(
                name: "regex is an unanchored search", options: ["fields": ["/ip/"]], gone: ["client.ip"],
                kept: ["client", "http"], fails: false),
            Case(
                name: "regex never takes type", options: ["fields": ["/^ty/"]], gone: [], kept: ["type"], fails: false),
            Case(
                name: "regex with no match is not an error", options: ["fields": ["/^dns\\./"]], gone: [],
                kept: ["http", "client"], fails: false),
            Case(
                name: "empty list drops nothing", options: ["fields": [Any?]()], gone: [], kept: ["http", "tags"],
                fails: false),
            Case(
                name: "a two-character // is a name, not a regex", options: ["fields": ["//"], "ignore_missing": true],
                gone: [], kept: ["http"], fails: false),
        ]
        for c in cases {
            let (out, outcome) = run(try build("drop_fields", c.options), packet)
            let e = try #require(out, "\(c.name): event dropped")
            for path in c.gone { #expect(e.value(at: path) == nil, "\(c.name): \(path) should be gone") }
            for path in c.kept { #expect(e.value(at: path) != nil, "\(c.name): \(path) should stay") }
            #expect((failure(outcome) != nil) == c.fails, "\(c.name): outcome \(outcome)")
        }
    }

    @Test func missingFieldErrorNamesTheField() throws {
        let p = try build("drop_fields", ["fields": ["a", "b"]])
        #expect(
            failure(run(p, event()).outcome)
                == "failed to drop field [a], error: key not found; failed to drop field [b], error: key not found")
    }

    @Test func droppingEverythingUnderAnObjectLeavesItEmpty() throws {
        let p = try build("drop_fields", ["fields": ["/^client\\./"]])
        #expect(run(p, packet).event?.fields["client"] == .object(Fields()))
    }

    @Test func droppingMetadataClearsIt() throws {
        let p = try build("drop_fields", ["fields": ["@metadata"]])
        #expect(run(p, packet).event?.metadata.isEmpty == true)
    }

    @Test func optionErrors() {
        #expect(buildError("drop_fields", ["ignore_missing": true])?.contains("requires \"fields\"") == true)
        #expect(
            buildError("drop_fields", ["fields": ["ok", "/(unclosed/"]])?.contains(
                "drop_fields.fields.1: invalid regular expression") == true)
        #expect(
            buildError("drop_fields", ["fields": ["a"], "ignore_missing": "yes"])?.contains("expected a boolean")
                == true)
        #expect(buildError("drop_fields", ["fields": ["a"], "cleanup": true])?.contains("unknown option") == true)
    }
}

@Suite struct IncludeFieldsTests {
    let packet = event(
        [
            "type": .string("dns"),
            "dns.question.name": .string("example.org"),
            "dns.question.type": .string("A"),
            "dns.answers": .array([.object(["data": .string("192.0.2.1")])]),
            "client.ip": .string("10.0.0.1"),
            "event.duration": .int(5),
        ], metadata: ["pipeline": .string("p1")])

    /// The documentation's shape: `when` and a list of fields to keep.
    @Test func docsExampleKeepsOnlyTheListedFields() throws {
        let p = try build(
            "include_fields",
            [
                "when": ["has_fields": ["dns"]],
                "fields": ["dns.question", "client.ip"],
            ])
        let out = try #require(run(p, packet).event)
        #expect(
            out.fields == [
                "type": .string("dns"),
                "dns": .object(["question": .object(["name": .string("example.org"), "type": .string("A")])]),
                "client": .object(["ip": .string("10.0.0.1")]),
            ])
        let other = event(["flow.id": .string("f")])
        #expect(run(p, other).event == other)
    }

    @Test func table() throws {
        struct Case {
            let name: String
            let fields: [Any?]
            let expected: Fields
        }
        let cases: [Case] = [
            Case(
                name: "leaf inside an object", fields: ["dns.question.name"],
                expected: [
                    "type": .string("dns"), "dns": .object(["question": .object(["name": .string("example.org")])]),
                ]),
            Case(
                name: "array kept whole", fields: ["dns.answers"],
                expected: [
                    "type": .string("dns"),
                    "dns": .object(["answers": .array([.object(["data": .string("192.0.2.1")])])]),
                ]),
            Case(
                name: "missing names are ignored", fields: ["nope", "dns.nope", "event.duration"],
                expected: ["type": .string("dns"), "event": .object(["duration": .int(5)])]),
            Case(name: "empty list keeps only type", fields: [], expected: ["type": .string("dns")]),
            Case(
                name: "overlapping names", fields: ["dns", "dns.question.name"],
                expected: ["type": .string("dns"), "dns": packet.fields["dns"]!]),
            Case(
                name: "original order, not list order", fields: ["event", "client"],
                expected: [
                    "type": .string("dns"), "client": .object(["ip": .string("10.0.0.1")]),
                    "event": .object(["duration": .int(5)]),
                ]),
            Case(
                name: "metadata and timestamp names are not copied into the document",
                fields: ["@metadata.pipeline", "@timestamp"],
                expected: ["type": .string("dns")]),
        ]
        for c in cases {
            let p = try build("include_fields", ["fields": c.fields])
            let (out, outcome) = run(p, packet)
            #expect(out?.fields == c.expected, "\(c.name)")
            #expect(out?.metadata == packet.metadata, "\(c.name): metadata stays")
            #expect(out?.timestamp == packet.timestamp, "\(c.name): timestamp stays")
            #expect(outcome == .keep, "\(c.name)")
        }
    }

    @Test func nameThroughAScalarIsReportedButTheEventIsStillFiltered() throws {
        let p = try build("include_fields", ["fields": ["client.ip.v4", "event"]])
        let (out, outcome) = run(p, packet)
        #expect(failure(outcome) == "expected map but type is string")
        #expect(out?.fields == ["type": .string("dns"), "event": .object(["duration": .int(5)])])
    }

    @Test func optionErrors() {
        #expect(buildError("include_fields", [:])?.contains("requires \"fields\"") == true)
        #expect(buildError("include_fields", ["fields": ["a": 1]])?.contains("expected a list of strings") == true)
        #expect(
            buildError("include_fields", ["fields": ["a"], "ignore_missing": true])?.contains("unknown option") == true)
    }
}
