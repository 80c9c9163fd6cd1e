// rename and copy_fields: targets that exist, missing and blocked sources, ignore_missing and
// fail_on_error both ways, nested objects, arrays, @metadata and @timestamp, option checks.

import Events
import Testing

@testable import Processors

private let renamePrefix = "Failed to rename fields in processor: "
private let copyPrefix = "Failed to copy fields in copy_fields processor: "

@Suite struct RenameTests {
    let packet = event(
        [
            "src.addr": .string("10.0.0.1"),
            "src.port": .int(5353),
            "names": .strings(["a", "b"]),
            "status": .string("OK"),
        ], metadata: ["topic": .string("net")])

    /// The documentation's example, with our own names: a nested field moves to another nested path.
    @Test func docsExampleMovesANestedField() throws {
        let p = try build(
            "rename",
            [
                "fields": [["from": "src.addr", "to": "source.ip"]],
                "ignore_missing": false,
                "fail_on_error": true,
            ])
        let (out, outcome) = run(p, packet)
        #expect(outcome == .keep)
        #expect(out?.value(at: "source.ip") == .string("10.0.0.1"))
        #expect(out?.value(at: "src.addr") == nil)
        #expect(out?.value(at: "src.port") == .int(5353))
    }

    @Test func table() throws {
        struct Case {
            let name: String
            let options: KeyValuePairs<String, Any?>
            let expect: [String: FieldValue?]
            let error: String?
        }
        let cases: [Case] = [
            Case(
                name: "object moved whole", options: ["fields": [["from": "src", "to": "source"]]],
                expect: ["source.port": .int(5353), "src": nil], error: nil),
            Case(
                name: "array moved whole", options: ["fields": [["from": "names", "to": "dns.names"]]],
                expect: ["dns.names": .strings(["a", "b"]), "names": nil], error: nil),
            Case(
                name: "a becomes a.b", options: ["fields": [["from": "status", "to": "status.text"]]],
                expect: ["status.text": .string("OK")], error: nil),
            Case(
                name: "several pairs in order",
                options: ["fields": [["from": "status", "to": "s"], ["from": "s", "to": "t"]]],
                expect: ["t": .string("OK"), "s": nil, "status": nil], error: nil),
            Case(
                name: "into metadata", options: ["fields": [["from": "status", "to": "@metadata.status"]]],
                expect: ["@metadata.status": .string("OK"), "status": nil], error: nil),
            Case(
                name: "out of metadata", options: ["fields": [["from": "@metadata.topic", "to": "topic"]]],
                expect: ["topic": .string("net"), "@metadata.topic": nil], error: nil),
            Case(
                name: "target exists", options: ["fields": [["from": "status", "to": "src.port"]]],
                expect: ["status": .string("OK"), "src.port": .int(5353)],
                error: "target field src.port already exists, drop or rename this field first"),
            Case(
                name: "target exists beats ignore_missing",
                options: ["fields": [["from": "nope", "to": "status"]], "ignore_missing": true],
                expect: ["status": .string("OK")],
                error: "target field status already exists, drop or rename this field first"),
            Case(
                name: "missing source", options: ["fields": [["from": "nope", "to": "x"]]], expect: ["x": nil],
                error: "could not fetch value for key: nope, Error: key not found"),
            Case(
                name: "missing source ignored",
                options: ["fields": [["from": "nope", "to": "x"]], "ignore_missing": true],
                expect: ["x": nil], error: nil),
            Case(
                name: "source through a scalar is not 'missing'",
                options: ["fields": [["from": "status.code", "to": "x"]], "ignore_missing": true], expect: ["x": nil],
                error: "could not fetch value for key: status.code, Error: expected map but type is string"),
            Case(
                name: "target under a scalar", options: ["fields": [["from": "names", "to": "status.names"]]],
                expect: ["names": .strings(["a", "b"]), "status": .string("OK")],
                error: "could not put value: status.names: expected map but type is string"),
            Case(
                name: "timestamp cannot be removed", options: ["fields": [["from": "@timestamp", "to": "ts"]]],
                expect: ["ts": nil], error: "could not delete key: @timestamp"),
        ]
        for c in cases {
            let (out, outcome) = run(try build("rename", c.options), packet)
            let e = try #require(out)
            for (path, value) in c.expect { #expect(e.value(at: path) == value, "\(c.name): \(path)") }
            if let error = c.error {
                #expect(outcome == .failed(renamePrefix + error), "\(c.name)")
                #expect(e == restored(packet, message: renamePrefix + error), "\(c.name): restored")
            } else {
                #expect(outcome == .keep, "\(c.name)")
                #expect(e.value(at: "error.message") == nil, "\(c.name)")
            }
        }
    }

    /// Two keys of one object are renamed in place (Fields.renameKey); the event must come out exactly as
    /// removing `from` and putting `to` leaves it, key order included, and every case the shortcut does not take
    /// must still be reported as before.
    @Test func siblingKeysRenameLikeRemoveThenPut() throws {
        let nested = try build("rename", ["fields": [["from": "src.addr", "to": "src.ip"]]])
        let out = try #require(run(nested, packet).event)
        #expect(out.fields["src"]?.object?.entries.map(\.key) == ["port", "ip"])
        #expect(out.value(at: "src.ip") == .string("10.0.0.1"))
        #expect(out.fields.entries.map(\.key) == packet.fields.entries.map(\.key))

        let top = try build("rename", ["fields": [["from": "status", "to": "state"]]])
        let moved = try #require(run(top, packet).event)
        #expect(moved.fields.entries.map(\.key) == ["src", "names", "state"])
        #expect(moved.value(at: "state") == .string("OK"))

        let cases: [(from: String, to: String, error: String)] = [
            ("src.addr", "src.port", "target field src.port already exists, drop or rename this field first"),
            ("src.nope", "src.x", "could not fetch value for key: src.nope, Error: key not found"),
            ("none.a", "none.b", "could not fetch value for key: none.a, Error: key not found"),
            ("status.a", "status.b", "could not fetch value for key: status.a, Error: expected map but type is string"),
        ]
        for c in cases {
            let (e, outcome) = run(try build("rename", ["fields": [["from": c.from, "to": c.to]]]), packet)
            #expect(outcome == .failed(renamePrefix + c.error), "\(c.from)")
            #expect(e == restored(packet, message: renamePrefix + c.error), "\(c.from)")
        }
        let ignored = try build("rename", ["fields": [["from": "none.a", "to": "none.b"]], "ignore_missing": true])
        #expect(run(ignored, packet).event == packet)
    }

    @Test func failOnErrorRestoresEarlierPairs() throws {
        let p = try build("rename", ["fields": [["from": "status", "to": "state"], ["from": "nope", "to": "x"]]])
        let (out, outcome) = run(p, packet)
        #expect(
            out == restored(packet, message: renamePrefix + "could not fetch value for key: nope, Error: key not found")
        )
        #expect(failure(outcome) != nil)
    }

    @Test func withoutFailOnErrorTheOtherPairsStillMove() throws {
        let p = try build(
            "rename",
            [
                "fields": [
                    ["from": "nope", "to": "x"], ["from": "status", "to": "src.port"], ["from": "names", "to": "list"],
                ],
                "fail_on_error": false,
            ])
        let (out, outcome) = run(p, packet)
        #expect(out?.value(at: "list") == .strings(["a", "b"]))
        #expect(out?.value(at: "names") == nil)
        #expect(out?.value(at: "status") == .string("OK"))
        #expect(out?.value(at: "error.message") == nil)
        #expect(
            failure(outcome) == renamePrefix + "could not fetch value for key: nope, Error: key not found; "
                + renamePrefix + "target field src.port already exists, drop or rename this field first")
    }

    @Test func optionErrors() {
        #expect(buildError("rename", ["ignore_missing": true])?.contains("requires \"fields\"") == true)
        #expect(buildError("rename", ["fields": [Any?]()])?.contains("requires \"fields\"") == true)
        #expect(
            buildError("rename", ["fields": [["from": "a"]]])?.contains("rename.fields.0.to: rename requires \"to\"")
                == true)
        #expect(buildError("rename", ["fields": [["to": "a"]]])?.contains("rename.fields.0.from") == true)
        #expect(
            buildError("rename", ["fields": [["from": "a", "to": "b", "type": "x"]]])?.contains("unknown option")
                == true)
        #expect(buildError("rename", ["fields": ["a"]])?.contains("expected a map") == true)
        #expect(
            buildError("rename", ["fields": [["from": "a", "to": "b"]], "fail_on_error": 1])?.contains(
                "expected a boolean") == true)
    }
}

@Suite struct CopyFieldsTests {
    let packet = event(
        [
            "message": .string("GET / HTTP/1.1"),
            "http.request": .object(["method": .string("GET"), "headers": .object(["host": .string("h")])]),
            "ids": .array([.int(1), .int(2)]),
        ], metadata: ["key": .string("k1")])

    /// The documentation's example, with our own value: `message` copied to `event.original`.
    @Test func docsExampleCopiesMessageToEventOriginal() throws {
        let p = try build(
            "copy_fields",
            [
                "fields": [["from": "message", "to": "event.original"]],
                "fail_on_error": false,
                "ignore_missing": true,
            ])
        let out = run(p, packet).event
        #expect(out?.value(at: "message") == .string("GET / HTTP/1.1"))
        #expect(out?.value(at: "event.original") == .string("GET / HTTP/1.1"))
    }

    @Test func table() throws {
        struct Case {
            let name: String
            let options: KeyValuePairs<String, Any?>
            let expect: [String: FieldValue?]
            let error: String?
        }
        let cases: [Case] = [
            Case(
                name: "object copied whole", options: ["fields": [["from": "http.request", "to": "req"]]],
                expect: ["req.headers.host": .string("h"), "http.request.method": .string("GET")], error: nil),
            Case(
                name: "array copied", options: ["fields": [["from": "ids", "to": "copy.ids"]]],
                expect: ["copy.ids": .array([.int(1), .int(2)]), "ids": .array([.int(1), .int(2)])], error: nil),
            Case(
                name: "metadata to field", options: ["fields": [["from": "@metadata.key", "to": "doc.key"]]],
                expect: ["doc.key": .string("k1"), "@metadata.key": .string("k1")], error: nil),
            Case(
                name: "field to metadata", options: ["fields": [["from": "message", "to": "@metadata.message"]]],
                expect: ["@metadata.message": .string("GET / HTTP/1.1")], error: nil),
            Case(
                name: "timestamp copied as a time",
                options: ["fields": [["from": "@timestamp", "to": "event.created"]]],
                expect: ["event.created": .timestamp(packet.timestamp)], error: nil),
            Case(
                name: "target exists", options: ["fields": [["from": "message", "to": "ids"]]], expect: [:],
                error: "target field ids already exists, drop or rename this field first"),
            Case(
                name: "timestamp target always exists", options: ["fields": [["from": "message", "to": "@timestamp"]]],
                expect: [:], error: "target field @timestamp already exists, drop or rename this field first"),
            Case(
                name: "missing source", options: ["fields": [["from": "nope", "to": "x"]]], expect: ["x": nil],
                error: "could not fetch value for key: nope, Error: key not found"),
            Case(
                name: "missing source ignored",
                options: ["fields": [["from": "nope", "to": "x"]], "ignore_missing": true],
                expect: ["x": nil], error: nil),
            Case(
                name: "source through a scalar",
                options: ["fields": [["from": "message.x", "to": "x"]], "ignore_missing": true],
                expect: [:], error: "could not fetch value for key: message.x, Error: expected map but type is string"),
            Case(
                name: "target under a scalar", options: ["fields": [["from": "ids", "to": "message.ids"]]], expect: [:],
                error: "could not copy value to message.ids: expected map but type is string"),
        ]
        for c in cases {
            let (out, outcome) = run(try build("copy_fields", c.options), packet)
            let e = try #require(out)
            for (path, value) in c.expect { #expect(e.value(at: path) == value, "\(c.name): \(path)") }
            if let error = c.error {
                #expect(outcome == .failed(copyPrefix + error), "\(c.name)")
                #expect(e == restored(packet, message: copyPrefix + error), "\(c.name): restored")
            } else {
                #expect(outcome == .keep, "\(c.name)")
            }
        }
    }

    @Test func theCopyIsIndependentOfTheSource() throws {
        let chain = ProcessorChain([
            try build("copy_fields", ["fields": [["from": "http.request", "to": "saved"]]]),
            try build("drop_fields", ["fields": ["http.request.headers"]]),
        ])
        var e = packet
        var counters = ProcessorCounters()
        #expect(chain.run(&e, counters: &counters))
        #expect(e.value(at: "saved.headers.host") == .string("h"))
        #expect(e.value(at: "http.request.headers") == nil)
    }

    @Test func withoutFailOnErrorGoodPairsStay() throws {
        let p = try build(
            "copy_fields",
            [
                "fields": [["from": "message", "to": "ids"], ["from": "message", "to": "event.original"]],
                "fail_on_error": false,
            ])
        let (out, outcome) = run(p, packet)
        #expect(out?.value(at: "event.original") == .string("GET / HTTP/1.1"))
        #expect(out?.value(at: "ids") == .array([.int(1), .int(2)]))
        #expect(out?.value(at: "error.message") == nil)
        #expect(failure(outcome)?.contains("target field ids already exists") == true)
    }

    @Test func optionErrors() {
        #expect(buildError("copy_fields", [:])?.contains("requires \"fields\"") == true)
        #expect(
            buildError("copy_fields", ["fields": [["from": "", "to": "b"]]])?.contains(
                "copy_fields.fields.0.from: must not be empty") == true)
        #expect(
            buildError("copy_fields", ["fields": [["from": "a", "to": "b"]], "target": "x"])?.contains("unknown option")
                == true)
        #expect(
            buildError("copy_fields", ["fields": [["from": "a", "to": "b"]], "ignore_missing": "no"])?.contains(
                "expected a boolean") == true)
    }
}
