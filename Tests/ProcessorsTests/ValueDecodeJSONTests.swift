// decode_json_fields: value mapping, targets, depth and arrays, root merging with and without overwrite_keys,
// expand_keys, document_id and error reporting.

import Config
import Events
import NetModel
import Testing
@testable import Processors

@Suite struct DecodeJSONFieldsTests {
    @Test func docsExampleMergesIntoTheRootWithoutOverwriting() throws {
        let p = try build("decode_json_fields", [
            "fields": ["field1", "field2"], "process_array": false, "max_depth": 1, "target": "",
            "overwrite_keys": false, "add_error_key": true,
        ])
        let input = event([
            "field1": .string(#"{"user": {"name": "ann"}, "status": 200}"#),
            "field2": .string(#"{"status": 500, "user": {"id": 7}}"#),
        ])
        let (out, outcome) = run(p, input)
        #expect(outcome == .keep)
        #expect(out?.value(at: "user.name") == .string("ann"))
        #expect(out?.value(at: "user.id") == .int(7))
        #expect(out?.value(at: "status") == .int(200))
        #expect(out?.has("error") == false)
    }

    @Test func replacesTheStringByDefaultWithTypedValuesAndSortedKeys() throws {
        let p = try build("decode_json_fields", ["fields": ["msg"]])
        let text = #"{"z": 1, "b": 2.5, "a": [1, "x", false], "n": null, "t": true, "o": {"k": "v"}}"#
        let out = run(p, event(["msg": .string(text)])).event
        let expected: Fields = [
            "a": .array([.int(1), .string("x"), .bool(false)]), "b": .double(2.5), "n": .null,
            "o": .object(["k": .string("v")]), "t": .bool(true), "z": .int(1),
        ]
        #expect(out?.value(at: "msg") == .object(expected))
        #expect(out?.value(at: "msg")?.object?.entries.map(\.key) == ["a", "b", "n", "o", "t", "z"])
    }

    @Test(arguments: [
        ("1", FieldValue.int(1)), ("1.0", .double(1)), ("1e3", .double(1000)), ("-0", .int(0)),
        ("12345678901234567890", .double(Double(UInt64(12_345_678_901_234_567_890)))),
        ("-9223372036854775808", .int(Int64.min)), ("9223372036854775807", .int(Int64.max)),
        ("99999999999999999999999", .double(1e23)), ("\"text\"", .string("text")), ("null", .null),
    ])
    func numbersFollowGoRules(_ json: String, _ expected: FieldValue) throws {
        let p = try build("decode_json_fields", ["fields": ["v"]])
        #expect(run(p, event(["v": .string(json)])).event?.value(at: "v") == expected)
    }

    @Test func targetKeepsTheSource() throws {
        let p = try build("decode_json_fields", ["fields": ["raw"], "target": "parsed.body"])
        let out = run(p, event(["raw": .string(#"{"a": 1}"#)])).event
        #expect(out?.value(at: "parsed.body.a") == .int(1))
        #expect(out?.value(at: "raw") == .string(#"{"a": 1}"#))
    }

    @Test func nullTargetMeansTheSourceField() throws {
        let p = try build("decode_json_fields", ["fields": ["raw"], "target": nil])
        #expect(run(p, event(["raw": .string("[1]")])).event?.value(at: "raw") == .array([.int(1)]))
    }

    @Test func scalarCannotGoToTheRoot() throws {
        let p = try build("decode_json_fields", ["fields": ["raw"], "target": ""])
        let (out, outcome) = run(p, event(["raw": .string("42")]))
        #expect(outcome == .failed("failed to add target to root"))
        #expect(out?.value(at: "raw") == .string("42"))
    }

    @Test func invalidJSONIsReportedAndDescribedWithAddErrorKey() throws {
        let quiet = try build("decode_json_fields", ["fields": ["raw"]])
        let (plain, outcome) = run(quiet, event(["raw": .string("{nope")]))
        guard case .failed(let message) = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(message.hasPrefix("invalid JSON"))
        #expect(plain?.value(at: "raw") == .string("{nope"))
        #expect(plain?.has("error") == false)

        let loud = try build("decode_json_fields", ["fields": ["raw"], "add_error_key": true])
        let described = run(loud, event(["raw": .string("{nope"), "error": .string("old")])).event
        #expect(described?.value(at: "error.type") == .string("json"))
        #expect(described?.value(at: "error.data") == .string("{nope"))
        #expect(described?.value(at: "error.field") == .string("raw"))
        #expect(described?.value(at: "error.message")?.string?.hasPrefix("parsing input as JSON: invalid JSON") == true)
    }

    @Test func missingAndNonStringFieldsAreSkipped() throws {
        let p = try build("decode_json_fields", ["fields": ["absent", "n", "s"]])
        let (out, outcome) = run(p, event(["n": .int(3), "s": .string("[true]")]))
        #expect(outcome == .keep)
        #expect(out?.value(at: "n") == .int(3))
        #expect(out?.value(at: "s") == .array([.bool(true)]))
    }

    @Test func nestedAndMetadataSources() throws {
        let p = try build("decode_json_fields", ["fields": ["http.body", "@metadata.raw"]])
        let out = run(p, event(["http.body": .string(#"{"ok": true}"#)], metadata: ["raw": .string("[2]")])).event
        #expect(out?.value(at: "http.body.ok") == .bool(true))
        #expect(out?.metadata["raw"] == .array([.int(2)]))
    }

    @Test func maxDepthDecodesNestedStrings() throws {
        let text = #"{"inner": "{\"x\": {\"y\": \"{\\\"z\\\": 1}\"}}", "plain": "not json"}"#
        let shallow = try build("decode_json_fields", ["fields": ["v"]])
        #expect(run(shallow, event(["v": .string(text)])).event?.value(at: "v.inner")?.string != nil)
        let deep = try build("decode_json_fields", ["fields": ["v"], "max_depth": 3])
        let out = run(deep, event(["v": .string(text)])).event
        #expect(out?.value(at: "v.inner.x.y") == .string(#"{"z": 1}"#), "only strings directly inside are decoded")
        #expect(out?.value(at: "v.plain") == .string("not json"))
    }

    @Test func processArrayControlsArrays() throws {
        let nested = #"{"list": "[\"{\\\"a\\\": 1}\"]"}"#
        let off = try build("decode_json_fields", ["fields": ["v"], "max_depth": 3])
        #expect(run(off, event(["v": .string(nested)])).event?.value(at: "v.list") == .string(#"["{\"a\": 1}"]"#))
        let on = try build("decode_json_fields", ["fields": ["v"], "max_depth": 3, "process_array": true])
        #expect(run(on, event(["v": .string(nested)])).event?.value(at: "v.list") == .array([.object(["a": .int(1)])]))

        let (topLevel, outcome) = run(off, event(["v": .string("[1]")]))
        #expect(outcome == .failed("processing skipped"), "libbeat refuses a top-level array at depth > 1")
        #expect(topLevel?.value(at: "v") == .string("[1]"))
    }

    @Test func rootWithoutOverwriteKeepsExistingValuesAndDropsReservedKeys() throws {
        let p = try build("decode_json_fields", ["fields": ["m"], "target": ""])
        let json = #"{"a": {"b": 2, "c": 3}, "d": 4, "@timestamp": "2020-01-01T00:00:00Z", "@metadata": {"x": 1}}"#
        let input = event(["m": .string(json), "a.b": .int(1), "d": .string("keep")])
        let out = run(p, input).event
        #expect(out?.value(at: "a.b") == .int(1))
        #expect(out?.value(at: "a.c") == .int(3))
        #expect(out?.value(at: "d") == .string("keep"))
        #expect(out?.timestamp == input.timestamp)
        #expect(out?.fields["@timestamp"] == nil)
        #expect(out?.metadata.isEmpty == true)
    }

    @Test func rootWithOverwriteSetsTimestampMetadataAndType() throws {
        let p = try build("decode_json_fields", ["fields": ["m"], "target": "", "overwrite_keys": true])
        let json = #"{"d": 4, "type": "flow", "@metadata": {"x": 1}, "@timestamp": "#
            + #""2020-01-02T03:04:05.123456789+01:00"}"#
        let out = run(p, event(["m": .string(json), "d": .string("old")])).event
        #expect(out?.value(at: "d") == .int(4))
        #expect(out?.value(at: "type") == .string("flow"))
        #expect(out?.metadata["x"] == .int(1))
        #expect(out?.timestamp == Timestamp(seconds: 1_577_930_645, nanoseconds: 123_456_789))
    }

    @Test(arguments: [
        (#"{"@timestamp": 5}"#, "@timestamp not overwritten (not string)"),
        (#"{"@timestamp": "yesterday"}"#, "@timestamp not overwritten (parse error on yesterday)"),
        (#"{"@metadata": "x"}"#, "failed to update @metadata"),
        (#"{"type": "_doc"}"#, "type not overwritten (invalid value [_doc])"),
        (#"{"type": 1}"#, "type not overwritten (not string)"),
    ])
    func rootOverwriteRefusals(_ json: String, _ message: String) throws {
        let p = try build("decode_json_fields", [
            "fields": ["m"], "target": "", "overwrite_keys": true, "add_error_key": true,
        ])
        let input = event(["m": .string(json)])
        let out = run(p, input).event
        #expect(out?.value(at: "error.message") == .string(message))
        #expect(out?.timestamp == input.timestamp)
        #expect(out?.has("type") == false)
    }

    @Test(arguments: [
        ("2021-06-01T10:00:00Z", Timestamp(seconds: 1_622_541_600, nanoseconds: 0)),
        ("2021-06-01T10:00:00.5-02:30", Timestamp(seconds: 1_622_550_600, nanoseconds: 500_000_000)),
        ("2021-06-01T10:00:00.250+0200", Timestamp(seconds: 1_622_534_400, nanoseconds: 250_000_000)),
    ])
    func timestampLayouts(_ text: String, _ expected: Timestamp) {
        #expect(JSONValues.parseTimestamp(text) == expected)
    }

    @Test(arguments: [
        "2021-06-01T10:00:00+0200", "2021-02-29T00:00:00Z", "2021-06-01 10:00:00Z", "2021-06-01T24:00:00Z",
    ])
    func timestampRejects(_ text: String) {
        #expect(JSONValues.parseTimestamp(text) == nil)
    }

    @Test func expandKeysAtTheRoot() throws {
        let p = try build("decode_json_fields", ["fields": ["m"], "target": "", "expand_keys": true])
        let out = run(p, event(["m": .string(#"{"a.b": 1, "a": {"c.d": 2}}"#)])).event
        #expect(out?.value(at: "a.b") == .int(1))
        #expect(out?.value(at: "a.c.d") == .int(2))
    }

    @Test func expandKeysConflictWritesNothingAtTheRoot() throws {
        let p = try build("decode_json_fields", [
            "fields": ["m"], "target": "", "expand_keys": true, "add_error_key": true,
        ])
        let out = run(p, event(["m": .string(#"{"a": 1, "a.b": 2}"#)])).event
        #expect(out?.has("a") == false)
        #expect(out?.value(at: "error.message") == .string("cannot expand \"a.b\": found conflicting key"))
    }

    @Test func expandKeysUnderATarget() throws {
        let p = try build("decode_json_fields", ["fields": ["m"], "target": "out", "expand_keys": true])
        let out = run(p, event(["m": .string(#"{"x.y": true}"#)])).event
        #expect(out?.value(at: "out.x.y") == .bool(true))
        let (scalar, outcome) = run(p, event(["m": .string("3")]))
        #expect(outcome == .failed("failed to expand keys"))
        #expect(scalar?.value(at: "out") == .int(3))
    }

    @Test func documentIDMovesToMetadata() throws {
        let p = try build("decode_json_fields", ["fields": ["m"], "document_id": "meta.id"])
        let out = run(p, event(["m": .string(#"{"meta": {"id": "doc-7", "v": 1}}"#)])).event
        #expect(out?.metadata["_id"] == .string("doc-7"))
        #expect(out?.value(at: "m.meta") == .object(["v": .int(1)]))
        let numeric = run(p, event(["m": .string(#"{"meta": {"id": 7}}"#)])).event
        #expect(numeric?.metadata["_id"] == nil)
        #expect(numeric?.value(at: "m.meta.id") == .int(7))
    }

    @Test func targetThroughAValueFails() throws {
        let p = try build("decode_json_fields", ["fields": ["m"], "target": "s.inner"])
        let (out, outcome) = run(p, event(["m": .string("{}"), "s": .string("x")]))
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(out?.value(at: "s") == .string("x"))
    }

    @Test func configErrors() {
        #expect(buildError("decode_json_fields", ["max_depth": 2])?.contains("requires \"fields\"") == true)
        #expect(rejects("decode_json_fields", ["fields": ["a"], "max_depth": 0], "must be between 1"))
        #expect(rejects("decode_json_fields", ["fields": ["a"], "overwrite": true], "unknown option"))
    }
}
