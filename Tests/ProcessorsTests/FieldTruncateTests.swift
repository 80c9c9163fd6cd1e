// truncate_fields: bytes versus characters, UTF-8 boundaries, log.flags, @metadata paths, wrong types,
// missing fields, fail_on_error and ignore_missing both ways, option checks.

import Events
import Testing

@testable import Processors

@Suite struct TruncateFieldsTests {
    let packet = event(
        [
            "message": .string("hello world"),
            "query": .string("héllo"),
            "count": .int(12345),
            "list": .strings(["abcdef"]),
            "nested.text": .string("abcdefgh"),
        ], metadata: ["raw": .string("0123456789")])

    /// The documentation's example, with our own text: `message` cut to five characters.
    @Test func docsExampleCutsMessageToFiveCharacters() throws {
        let p = try build(
            "truncate_fields",
            [
                "fields": ["message"], "max_characters": 5, "fail_on_error": false, "ignore_missing": true,
            ])
        let out = run(p, packet).event
        #expect(out?.value(at: "message") == .string("hello"))
        #expect(out?.value(at: "log.flags") == .strings(["truncated"]))
    }

    @Test func table() throws {
        struct Case {
            let name: String
            let options: KeyValuePairs<String, Any?>
            let expect: [String: FieldValue?]
            let flags: Int
        }
        let cases: [Case] = [
            Case(
                name: "bytes", options: ["fields": ["message"], "max_bytes": 4],
                expect: ["message": .string("hell")], flags: 1),
            Case(
                name: "bytes never split a character", options: ["fields": ["query"], "max_bytes": 2],
                expect: ["query": .string("h")], flags: 1),
            Case(
                name: "bytes ending right after a character", options: ["fields": ["query"], "max_bytes": 3],
                expect: ["query": .string("hé")], flags: 1),
            Case(
                name: "characters count a two-byte letter once", options: ["fields": ["query"], "max_characters": 2],
                expect: ["query": .string("hé")], flags: 1),
            Case(
                name: "value that fits is untouched and not flagged", options: ["fields": ["query"], "max_bytes": 6],
                expect: ["query": .string("héllo")], flags: 0),
            Case(
                name: "exact length is untouched", options: ["fields": ["message"], "max_characters": 11],
                expect: ["message": .string("hello world")], flags: 0),
            Case(
                name: "nested field", options: ["fields": ["nested.text"], "max_characters": 3],
                expect: ["nested.text": .string("abc")], flags: 1),
            Case(
                name: "metadata field, flag in the document", options: ["fields": ["@metadata.raw"], "max_bytes": 3],
                expect: ["@metadata.raw": .string("012")], flags: 1),
            Case(
                name: "one flag per field cut", options: ["fields": ["message", "nested.text"], "max_bytes": 2],
                expect: ["message": .string("he"), "nested.text": .string("ab")], flags: 2),
            Case(
                name: "zero empties the value", options: ["fields": ["message"], "max_bytes": 0],
                expect: ["message": .string("")], flags: 1),
            Case(
                name: "missing ignored",
                options: ["fields": ["nope", "message"], "max_bytes": 1, "ignore_missing": true],
                expect: ["message": .string("h")], flags: 1),
            Case(
                name: "empty list does nothing", options: ["fields": [Any?](), "max_bytes": 1],
                expect: ["message": .string("hello world")], flags: 0),
        ]
        for c in cases {
            let (out, outcome) = run(try build("truncate_fields", c.options), packet)
            let e = try #require(out)
            #expect(outcome == .keep, "\(c.name)")
            for (path, value) in c.expect { #expect(e.value(at: path) == value, "\(c.name): \(path)") }
            let flags = e.value(at: "log.flags")
            #expect(
                flags == (c.flags == 0 ? nil : .strings(Array(repeating: "truncated", count: c.flags))), "\(c.name)")
        }
    }

    @Test func charactersAreUnicodeScalarsNotGraphemes() throws {
        // "e" + combining acute accent is one grapheme but two scalars (two Go runes).
        let p = try build("truncate_fields", ["fields": ["word"], "max_characters": 1])
        #expect(run(p, event(["word": .string("e\u{301}te")])).event?.value(at: "word") == .string("e"))
        let bytes = try build("truncate_fields", ["fields": ["word"], "max_bytes": 5])
        #expect(run(bytes, event(["word": .string("ab😀")])).event?.value(at: "word") == .string("ab"))
    }

    @Test func flagsAppendToAnExistingList() throws {
        let p = try build("truncate_fields", ["fields": ["message"], "max_bytes": 1])
        let out = run(p, event(["message": .string("xyz"), "log.flags": .strings(["multiline"])])).event
        #expect(out?.value(at: "log.flags") == .strings(["multiline", "truncated"]))
    }

    @Test func aNonListFlagsFieldIsLeftAlone() throws {
        let p = try build("truncate_fields", ["fields": ["message"], "max_bytes": 1])
        for existing: (String, FieldValue) in [("log.flags", .string("odd")), ("log", .string("text"))] {
            var input = event(["message": .string("xyz")])
            input.fields.set(existing.0, existing.1)
            let (out, outcome) = run(p, input)
            #expect(outcome == .keep)
            #expect(out?.value(at: "message") == .string("x"))
            #expect(out?.value(at: existing.0) == existing.1)
        }
    }

    @Test func failuresWithFailOnErrorRestoreWithoutErrorMessage() throws {
        let cases: [(String, String)] = [
            ("count", "value cannot be truncated: count is of type number"),
            ("list", "value cannot be truncated: list is of type array"),
            ("nested", "value cannot be truncated: nested is of type object"),
            ("nope", "could not fetch value for key: nope: key not found"),
            ("message.deeper", "could not fetch value for key: message.deeper: expected map but type is string"),
        ]
        for (field, message) in cases {
            let p = try build("truncate_fields", ["fields": ["message", field], "max_bytes": 2])
            let (out, outcome) = run(p, packet)
            #expect(outcome == .failed(message), "\(field)")
            #expect(out == packet, "\(field): restored, no error.message")
        }
    }

    @Test func ignoreMissingDoesNotForgiveWrongTypes() throws {
        let p = try build("truncate_fields", ["fields": ["count"], "max_bytes": 2, "ignore_missing": true])
        #expect(failure(run(p, packet).outcome) != nil)
    }

    @Test func withoutFailOnErrorTheOtherFieldsAreStillCut() throws {
        let p = try build(
            "truncate_fields",
            [
                "fields": ["count", "nope", "message"], "max_characters": 3, "fail_on_error": false,
            ])
        let (out, outcome) = run(p, packet)
        #expect(out?.value(at: "message") == .string("hel"))
        #expect(out?.value(at: "count") == .int(12345))
        #expect(out?.value(at: "log.flags") == .strings(["truncated"]))
        #expect(
            failure(outcome) == "value cannot be truncated: count is of type number; "
                + "could not fetch value for key: nope: key not found")
    }

    @Test func optionErrors() {
        #expect(buildError("truncate_fields", ["max_bytes": 3])?.contains("requires \"fields\"") == true)
        #expect(
            buildError("truncate_fields", ["fields": ["a"]])?.contains(
                "requires one of \"max_bytes\" or \"max_characters\"") == true)
        #expect(
            buildError("truncate_fields", ["fields": ["a"], "max_bytes": 3, "max_characters": 3])?.contains(
                "mutually exclusive") == true)
        #expect(
            buildError("truncate_fields", ["fields": ["a"], "max_bytes": -1])?.contains(
                "truncate_fields.max_bytes: must be between 0") == true)
        #expect(
            buildError("truncate_fields", ["fields": ["a"], "max_characters": "many"])?.contains("expected an integer")
                == true)
        #expect(
            buildError("truncate_fields", ["fields": ["a"], "max_bytes": 3, "target": "x"])?.contains("unknown option")
                == true)
    }
}
