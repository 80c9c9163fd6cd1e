// replace and urldecode: rewriting, missing and mistyped fields, fail_on_error both ways.

import Config
import Events
import Testing
@testable import Processors

@Suite struct ReplaceTests {
    @Test func docsExampleRewritesAPathPrefix() throws {
        let p = try build("replace", [
            "fields": [["field": "file.path", "pattern": "/usr/", "replacement": "/usr/local/"]],
            "ignore_missing": false, "fail_on_error": true,
        ])
        #expect(run(p, event(["file.path": .string("/usr/sbin/tcpdump")])).event?.value(at: "file.path")
            == .string("/usr/local/sbin/tcpdump"))
    }

    @Test func everyMatchIsReplacedWithGroups() throws {
        let p = try build("replace", [
            "fields": [["field": "url.query", "pattern": "(token|key)=[^&]*", "replacement": "${1}=REDACTED"]],
        ])
        let out = run(p, event(["url.query": .string("key=abc&x=1&token=zz")])).event
        #expect(out?.value(at: "url.query") == .string("key=REDACTED&x=1&token=REDACTED"))
    }

    @Test func emptyReplacementMasks() throws {
        let p = try build("replace", ["fields": [["field": "user.name", "pattern": "[0-9]", "replacement": ""]]])
        #expect(run(p, event(["user.name": .string("ann42")])).event?.value(at: "user.name") == .string("ann"))
    }

    @Test func metadataField() throws {
        let p = try build("replace", ["fields": [["field": "@metadata.index", "pattern": "-raw$", "replacement": ""]]])
        #expect(run(p, event(metadata: ["index": .string("net-raw")])).event?.metadata["index"] == .string("net"))
    }

    @Test func missingFieldFailsAndSetsErrorMessage() throws {
        let p = try build("replace", ["fields": [["field": "dns.question.name", "pattern": "a", "replacement": "b"]]])
        let (out, outcome) = run(p, event(["other": .string("a")]))
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        let why = "could not fetch value for key: dns.question.name, Error: key not found"
        #expect(out?.value(at: "error.message") == .string("Failed to replace fields in processor: " + why))
        #expect(out?.value(at: "other") == .string("a"))
    }

    @Test func ignoreMissingSkipsSilently() throws {
        let p = try build("replace", [
            "fields": [
                ["field": "absent", "pattern": "a", "replacement": "b"],
                ["field": "s", "pattern": "a", "replacement": "b"],
            ],
            "ignore_missing": true,
        ])
        let (out, outcome) = run(p, event(["s": .string("aa")]))
        #expect(outcome == .keep)
        #expect(out?.value(at: "s") == .string("bb"))
    }

    @Test(arguments: [
        (FieldValue.int(5), "key 'v' expected type string, but got int64 with value '5'"),
        (.array([.string("a")]), "key 'v' expected type string, but got []interface {} with value '[a]'"),
        (.object(["a": .string("b")]), "key 'v' expected type string, but got mapstr.M with value 'map[a:b]'"),
    ])
    func nonStringValuesFail(_ value: FieldValue, _ why: String) throws {
        let p = try build("replace", ["fields": [["field": "v", "pattern": "a", "replacement": "b"]]])
        let (out, outcome) = run(p, event(["v": value]))
        let message = "Failed to replace fields in processor: " + why
        #expect(outcome == .failed(message))
        #expect(out?.value(at: "v") == value)
        #expect(out?.value(at: "error.message") == .string(message))
    }

    @Test func failOnErrorUndoesEarlierEntries() throws {
        let p = try build("replace", [
            "fields": [
                ["field": "a", "pattern": "x", "replacement": "y"], ["field": "n", "pattern": "1", "replacement": "2"],
            ],
        ])
        let (out, outcome) = run(p, event(["a": .string("xx"), "n": .int(1)]))
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(out?.value(at: "a") == .string("xx"))
        #expect(out?.has("error.message") == true)
    }

    @Test func withoutFailOnErrorLaterEntriesStillRunAndNothingIsReported() throws {
        let p = try build("replace", [
            "fields": [
                ["field": "n", "pattern": "1", "replacement": "2"],
                ["field": "nested.a", "pattern": "x", "replacement": "y"],
            ],
            "fail_on_error": false,
        ])
        let (out, outcome) = run(p, event(["n": .int(1), "nested.a": .string("xx")]))
        #expect(outcome == .keep)
        #expect(out?.value(at: "nested.a") == .string("yy"))
        #expect(out?.has("error") == false)
    }

    @Test func configErrors() {
        #expect(buildError("replace", ["fields": [["field": "a", "pattern": "(", "replacement": "b"]]])?
            .contains("invalid regular expression") == true)
        #expect(rejects("replace", ["fields": [["field": "a", "pattern": "x"]]], "requires \"replacement\""))
        #expect(rejects("replace", ["fields": [["field": "a", "replacement": "x"]]], "requires \"pattern\""))
        #expect(rejects("replace", ["fields": [["pattern": "a", "replacement": "x"]]], "requires \"field\""))
        #expect(buildError("replace", ["ignore_missing": true])?.contains("requires \"fields\"") == true)
    }
}

@Suite struct URLDecodeTests {
    @Test func docsExampleDecodesIntoAnotherField() throws {
        let p = try build("urldecode", [
            "fields": [["from": "field1", "to": "field2"]], "ignore_missing": false, "fail_on_error": true,
        ])
        let out = run(p, event(["field1": .string("q%3Dnet+flow%26x%3D%C3%A9")])).event
        #expect(out?.value(at: "field2") == .string("q=net flow&x=é"))
        #expect(out?.value(at: "field1") == .string("q%3Dnet+flow%26x%3D%C3%A9"))
    }

    @Test func withoutToDecodesInPlace() throws {
        let p = try build("urldecode", ["fields": [["from": "url.path"]]])
        #expect(run(p, event(["url.path": .string("/a%2Fb%20c")])).event?.value(at: "url.path") == .string("/a/b c"))
    }

    @Test(arguments: [
        ("a%zz", "invalid URL escape \"%zz\""), ("abc%4", "invalid URL escape \"%4\""),
        ("%", "invalid URL escape \"%\""),
    ])
    func badEscapesFail(_ input: String, _ why: String) throws {
        let p = try build("urldecode", ["fields": [["from": "v", "to": "w"]]])
        let (out, outcome) = run(p, event(["v": .string(input)]))
        let message = "failed to decode fields in urldecode processor: error trying to URL-decode \(input): \(why)"
        #expect(outcome == .failed(message))
        #expect(out?.has("w") == false)
        #expect(out?.value(at: "error.message") == .string(message))
    }

    @Test func bytesThatAreNotUTF8BecomeReplacementCharacters() throws {
        let p = try build("urldecode", ["fields": [["from": "v"]]])
        #expect(run(p, event(["v": .string("%C3%28")])).event?.value(at: "v") == .string("\u{FFFD}("))
    }

    @Test func metadataAndNestedPaths() throws {
        let p = try build("urldecode", ["fields": [["from": "@metadata.q", "to": "http.request.query"]]])
        let out = run(p, event(metadata: ["q": .string("a+b")])).event
        #expect(out?.value(at: "http.request.query") == .string("a b"))
    }

    @Test func missingAndMistypedFields() throws {
        let strict = try build("urldecode", ["fields": [["from": "absent"]]])
        let prefix = "failed to decode fields in urldecode processor: "
        let missing = "could not fetch value for key: absent, Error: key not found"
        #expect(run(strict, event()).outcome == .failed(prefix + missing))
        let lenient = try build("urldecode", ["fields": [["from": "absent"]], "ignore_missing": true])
        #expect(run(lenient, event()).outcome == .keep)
        let (out, outcome) = run(strict, event(["absent": .array([.string("a")])]))
        #expect(outcome == .failed(prefix + "invalid type for `from`, expecting a string received []interface {}"))
        #expect(out?.has("error.message") == true)
    }

    @Test func failOnErrorBothWays() throws {
        let fields: [[String: Any?]] = [["from": "a", "to": "a2"], ["from": "b"]]
        let strict = try build("urldecode", ["fields": fields])
        let (restored, outcome) = run(strict, event(["a": .string("x%20y"), "b": .string("%%")]))
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(restored?.has("a2") == false)
        let lenient = try build("urldecode", ["fields": fields, "fail_on_error": false])
        let (kept, keptOutcome) = run(lenient, event(["a": .string("x%20y"), "b": .string("%%")]))
        #expect(keptOutcome == .keep)
        #expect(kept?.value(at: "a2") == .string("x y"))
        #expect(kept?.value(at: "b") == .string("%%"))
        #expect(kept?.has("error") == false)
    }

    @Test func configErrors() {
        #expect(buildError("urldecode", ["fields": [["to": "x"]]])?.contains("requires \"from\"") == true)
        #expect(buildError("urldecode", ["fields": [["from": "a", "target": "x"]]])?.contains("unknown option") == true)
        #expect(buildError("urldecode", nil)?.contains("requires \"fields\"") == true)
    }
}
