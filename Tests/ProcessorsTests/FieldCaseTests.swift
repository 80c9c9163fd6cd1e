// lowercase and uppercase: case-insensitive key paths, alter_full_field both ways, key collisions,
// exact value paths, wrong types, missing paths, ignore_missing and fail_on_error both ways.

import Events
import Testing

@testable import Processors

@Suite struct CaseFieldsTests {
    let doc = event(
        [
            "Net.Proto": .string("TCP"),
            "Net.Port": .int(443),
            "Host": .object(["Name": .string("Edge-1")]),
            "type": .string("Flow"),
        ], metadata: ["Index": .string("Packets")])

    /// The documentation's first example, with our own names: a key path matched without regard to case,
    /// every key on it changed, and a value upper-cased.
    @Test func docsExampleUppercasesKeysAndAValue() throws {
        let p = try build(
            "uppercase",
            [
                "fields": ["net.proto"], "values": ["Host.Name"], "ignore_missing": false, "fail_on_error": true,
                "alter_full_field": true,
            ])
        let (out, outcome) = run(p, doc)
        #expect(outcome == .keep)
        #expect(out?.fields.entries.map(\.key) == ["NET", "Host", "type"])
        #expect(out?.value(at: "NET.PROTO") == .string("TCP"))
        #expect(out?.value(at: "NET.Port") == .int(443))
        #expect(out?.value(at: "Host.Name") == .string("EDGE-1"))
    }

    /// The documentation's second example: with `alter_full_field: false` only the last key changes.
    @Test func docsExampleOnlyTheLastKey() throws {
        let p = try build("lowercase", ["fields": ["NET.PROTO"], "alter_full_field": false])
        let out = run(p, doc).event
        #expect(out?.value(at: "Net.proto") == .string("TCP"))
        #expect(out?.value(at: "Net.Port") == .int(443))
    }

    @Test func table() throws {
        struct Case {
            let name: String
            let processor: String
            let options: KeyValuePairs<String, Any?>
            let expect: [String: FieldValue?]
        }
        let cases: [Case] = [
            Case(
                name: "whole object key", processor: "lowercase", options: ["fields": ["host"]],
                expect: ["host.Name": .string("Edge-1"), "Host": nil]),
            Case(
                name: "value lowercased", processor: "lowercase",
                options: ["fields": [Any?](), "values": ["Net.Proto"]],
                expect: ["Net.Proto": .string("tcp")]),
            Case(
                name: "metadata value", processor: "lowercase",
                options: ["fields": [Any?](), "values": ["@metadata.Index"]],
                expect: ["@metadata.Index": .string("packets")]),
            Case(
                name: "type is never renamed", processor: "uppercase", options: ["fields": ["TYPE", "Type.x"]],
                expect: ["type": .string("Flow"), "TYPE": nil]),
            Case(
                name: "type value may change", processor: "lowercase",
                options: ["fields": [Any?](), "values": ["type"]],
                expect: ["type": .string("flow")]),
            Case(
                name: "missing ignored", processor: "uppercase",
                options: ["fields": ["nope"], "values": ["nope.too", "Net.Proto"], "ignore_missing": true],
                expect: ["Net.Proto": .string("TCP")]),
        ]
        for c in cases {
            let (out, outcome) = run(try build(c.processor, c.options), doc)
            #expect(outcome == .keep, "\(c.name)")
            for (path, value) in c.expect { #expect(out?.value(at: path) == value, "\(c.name): \(path)") }
        }
    }

    @Test func errorsRestoreTheEventWithErrorMessage() throws {
        let collide = event(["ab": .string("first"), "aB": .string("second")])
        let cases: [(Event, KeyValuePairs<String, Any?>, String)] = [
            (collide, ["fields": ["AB"]], "could not alter AB: key collision between ab and aB"),
            (doc, ["fields": ["Host", "nope"]], "could not alter nope: key not found"),
            (
                doc, ["fields": ["Net.Port.x"], "ignore_missing": true],
                "could not alter Net.Port.x: expected map but type is number"
            ),
            (
                doc, ["fields": [Any?](), "values": ["Net.Port"], "ignore_missing": true],
                "value of key \"Net.Port\" is not a string"
            ),
            (
                doc, ["fields": [Any?](), "values": ["net.proto"]],
                "could not fetch value for key: net.proto, Error: key not found"
            ),
            (
                doc, ["fields": [Any?](), "values": ["Net.Proto.x"], "ignore_missing": true],
                "could not fetch value for key: Net.Proto.x, Error: expected map but type is string"
            ),
        ]
        for (input, options, message) in cases {
            let (out, outcome) = run(try build("lowercase", options), input)
            #expect(outcome == .failed(message))
            #expect(out == restored(input, message: message))
        }
    }

    @Test func withoutFailOnErrorTheRestIsStillDone() throws {
        let p = try build(
            "lowercase", ["fields": ["nope", "Host"], "values": ["Net.Port", "Net.Proto"], "fail_on_error": false])
        let (out, outcome) = run(p, doc)
        #expect(out?.value(at: "host.Name") == .string("Edge-1"))
        #expect(out?.value(at: "Net.Proto") == .string("tcp"))
        #expect(out?.value(at: "error.message") == nil)
        #expect(failure(outcome) == "could not alter nope: key not found; value of key \"Net.Port\" is not a string")
    }

    @Test func optionErrors() {
        #expect(buildError("lowercase", ["values": ["a"]])?.contains("requires \"fields\"") == true)
        #expect(
            buildError("uppercase", ["fields": ["a"], "alter_full_field": "yes"])?.contains("expected a boolean")
                == true)
        #expect(buildError("uppercase", ["fields": ["a"], "full_path": true])?.contains("unknown option") == true)
    }
}
