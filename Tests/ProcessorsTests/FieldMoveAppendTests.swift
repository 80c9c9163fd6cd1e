// move_fields and append: every option, missing and blocked paths, nested objects, arrays, and the
// error behaviour (move_fields leaves the event unchanged; append restores it with error.message).

import Events
import Testing

@testable import Processors

@Suite struct MoveFieldsTests {
    let request = event([
        "svc": .object([
            "verb": .string("PUT"), "took_ms": .int(42), "account": .int(7), "note": .string("ok"),
        ]),
        "bytes": .int(900),
    ])

    /// The documentation's first example, with our own values. libbeat puts `to` at the document root (its
    /// code and tests do; the documentation's output shows it inside `from`).
    @Test func docsExampleMovesSelectedKeysUnderAPrefix() throws {
        let p = try build("move_fields", ["from": "svc", "fields": ["verb", "took_ms"], "to": "rpc."])
        let out = try #require(run(p, request).event)
        #expect(out.fields["rpc"] == .object(["verb": .string("PUT"), "took_ms": .int(42)]))
        #expect(out.fields["svc"] == .object(["account": .int(7), "note": .string("ok")]))
        #expect(out.fields["bytes"] == .int(900))
    }

    /// The documentation's second example: a prefix on every top-level key.
    @Test func docsExamplePrefixesTheWholeDocument() throws {
        let p = try build("move_fields", ["to": "my_"])
        let out = run(p, event(["svc.verb": .string("GET"), "bytes": .int(3)])).event
        #expect(out?.fields == ["my_svc": .object(["verb": .string("GET")]), "my_bytes": .int(3)])
    }

    @Test func table() throws {
        struct Case {
            let name: String
            let options: KeyValuePairs<String, Any?>
            let expected: Fields
        }
        let cases: [Case] = [
            Case(
                name: "all keys of from, minus exclude", options: ["from": "svc", "exclude": ["note"], "to": "rpc."],
                expected: [
                    "svc": .object(["note": .string("ok")]), "bytes": .int(900),
                    "rpc": .object(["verb": .string("PUT"), "took_ms": .int(42), "account": .int(7)]),
                ]),
            Case(
                name: "to the root with an empty prefix", options: ["from": "svc", "fields": ["verb"], "to": ""],
                expected: [
                    "svc": .object(["took_ms": .int(42), "account": .int(7), "note": .string("ok")]),
                    "bytes": .int(900), "verb": .string("PUT"),
                ]),
            Case(
                name: "a whole object moves", options: ["fields": ["svc"], "to": "old_"],
                expected: ["bytes": .int(900), "old_svc": request.fields["svc"]!]),
            Case(
                name: "missing keys ignored",
                options: ["fields": ["nope", "bytes"], "to": "x.", "ignore_missing": true],
                expected: ["svc": request.fields["svc"]!, "x": .object(["bytes": .int(900)])]),
            Case(
                name: "dotted key relative to from", options: ["fields": ["svc.verb"], "to": "m."],
                expected: [
                    "svc": .object(["took_ms": .int(42), "account": .int(7), "note": .string("ok")]),
                    "bytes": .int(900), "m": .object(["svc": .object(["verb": .string("PUT")])]),
                ]),
        ]
        for c in cases {
            let (out, outcome) = run(try build("move_fields", c.options), request)
            #expect(outcome == .keep, "\(c.name)")
            #expect(out?.fields == c.expected, "\(c.name)")
        }
    }

    @Test func errorsLeaveTheEventUnchanged() throws {
        let cases: [(KeyValuePairs<String, Any?>, String)] = [
            (["from": "nope", "to": "x."], "cannot get value from key 'nope': key not found"),
            (["from": "nope", "to": "x.", "ignore_missing": true], "cannot get value from key 'nope': key not found"),
            (["from": "bytes", "to": "x."], "'bytes' does not contain an object, it contains a number"),
            (
                ["fields": ["bytes", "nope"], "to": "x."],
                "move field read field from parent, sub key: nope, failed: key not found"
            ),
            (
                ["fields": ["svc"], "to": "bytes."],
                "move field write field to sub key: svc, new key: bytes.svc, failed: expected map but type is number"
            ),
        ]
        for (options, message) in cases {
            let (out, outcome) = run(try build("move_fields", options), request)
            #expect(outcome == .failed(message))
            #expect(out == request, "not dropped, not changed")
        }
    }

    @Test func metadataIsNotMoved() throws {
        let p = try build("move_fields", ["to": "p_"])
        let out = run(p, event(["a": .int(1)], metadata: ["k": .string("v")])).event
        #expect(out?.metadata == ["k": .string("v")])
        #expect(out?.fields == ["p_a": .int(1)])
    }

    @Test func optionErrors() {
        #expect(buildError("move_fields", ["from": "a"])?.contains("requires \"to\"") == true)
        #expect(buildError("move_fields", ["to": "a", "fail_on_error": true])?.contains("unknown option") == true)
        #expect(
            buildError("move_fields", ["to": "a", "exclude": ["x": 1]])?.contains("expected a list of strings") == true)
    }
}

@Suite struct AppendTests {
    let doc = event([
        "one.field": .string("v0"),
        "pair.list": .strings(["v1", "v2"]),
        "blank": .string(""),
        "tags": .strings(["t1"]),
        "scalar": .int(5),
    ])

    /// The documentation's example, with our own values (the JSON already decoded): a scalar field, a
    /// list field spread element by element, a static value, and an empty value dropped.
    @Test func docsExampleCollectsFieldsAndValues() throws {
        let p = try build(
            "append",
            [
                "target_field": "collected",
                "fields": ["one.field", "pair.list"],
                "values": ["fixed", ""],
                "ignore_missing": true,
                "fail_on_error": true,
                "ignore_empty_values": true,
            ])
        let out = run(p, doc).event
        #expect(out?.value(at: "collected") == .strings(["v0", "v1", "v2", "fixed"]))
        #expect(out?.value(at: "pair.list") == .strings(["v1", "v2"]))
    }

    @Test func table() throws {
        struct Case {
            let name: String
            let options: KeyValuePairs<String, Any?>
            let expected: FieldValue
        }
        let cases: [Case] = [
            Case(
                name: "existing list kept", options: ["target_field": "tags", "values": ["t2"]],
                expected: .strings(["t1", "t2"])),
            Case(
                name: "a scalar target becomes the first element", options: ["target_field": "scalar", "values": [6]],
                expected: .array([.int(5), .int(6)])),
            Case(
                name: "values keep their types, a nested list stays nested",
                options: ["target_field": "new", "values": [1, true, 2.5, ["x", "y"]] as [Any?]],
                expected: .array([.int(1), .bool(true), .double(2.5), .strings(["x", "y"])])),
            Case(
                name: "a single value", options: ["target_field": "new", "values": "only"], expected: .strings(["only"])
            ),
            Case(
                name: "duplicates allowed by default", options: ["target_field": "tags", "fields": ["tags"]],
                expected: .strings(["t1", "t1"])),
            Case(
                name: "allow_duplicate false keeps the first",
                options: [
                    "target_field": "tags", "fields": ["tags", "one.field"], "values": ["v0", "t1"],
                    "allow_duplicate": false,
                ],
                expected: .strings(["t1", "v0"])),
            Case(
                name: "empty strings kept unless asked", options: ["target_field": "new", "fields": ["blank"]],
                expected: .strings([""])),
            Case(
                name: "ignore_empty_values cleans existing elements too",
                options: ["target_field": "blank", "values": ["z", nil] as [Any?], "ignore_empty_values": true],
                expected: .strings(["z"])),
            Case(
                name: "objects are appended whole", options: ["target_field": "new", "fields": ["one"]],
                expected: .array([.object(["field": .string("v0")])])),
            Case(
                name: "metadata target", options: ["target_field": "@metadata.list", "values": ["m"]],
                expected: .strings(["m"])),
        ]
        for c in cases {
            let (out, outcome) = run(try build("append", c.options), doc)
            #expect(outcome == .keep, "\(c.name)")
            let target = c.options.first { $0.key == "target_field" }!.value as! String
            #expect(out?.value(at: target) == c.expected, "\(c.name)")
        }
    }

    @Test func missingFieldFailsAndRestores() throws {
        let p = try build("append", ["target_field": "tags", "fields": ["nope"], "values": ["t9"]])
        let (out, outcome) = run(p, doc)
        let message =
            "failed to append fields in append processor: could not fetch value for key: nope, Error: key not found"
        #expect(outcome == .failed(message))
        #expect(out == restored(doc, message: message))
    }

    @Test func withoutFailOnErrorTheEventIsLeftAsIs() throws {
        let p = try build(
            "append",
            [
                "target_field": "tags", "fields": ["nope"], "values": ["t9"], "fail_on_error": false,
            ])
        let (out, outcome) = run(p, doc)
        #expect(failure(outcome) != nil)
        #expect(out == doc)
    }

    @Test func ignoreMissingSkipsOnlyMissingFields() throws {
        let lenient = try build(
            "append", ["target_field": "tags", "fields": ["nope", "scalar"], "ignore_missing": true])
        #expect(run(lenient, doc).event?.value(at: "tags") == .array([.string("t1"), .int(5)]))
        let blocked = try build("append", ["target_field": "tags", "fields": ["scalar.x"], "ignore_missing": true])
        #expect(failure(run(blocked, doc).outcome)?.contains("expected map but type is number") == true)
    }

    @Test func targetUnderAScalarFails() throws {
        let p = try build("append", ["target_field": "scalar.list", "values": ["a"]])
        let (out, outcome) = run(p, doc)
        #expect(failure(outcome)?.contains("unable to delete the target field scalar.list") == true)
        #expect(out?.value(at: "scalar") == .int(5))
    }

    @Test func optionErrors() {
        #expect(buildError("append", ["values": ["a"]])?.contains("requires \"target_field\"") == true)
        #expect(buildError("append", ["target_field": ""])?.contains("must not be empty") == true)
        #expect(
            buildError("append", ["target_field": "t", "allow_duplicate": "no"])?.contains("expected a boolean") == true
        )
        #expect(buildError("append", ["target_field": "t", "target": "x"])?.contains("unknown option") == true)
    }
}
