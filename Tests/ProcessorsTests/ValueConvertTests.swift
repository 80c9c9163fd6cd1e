// convert: the conversion table (libbeat's parsing rules per type) and the processor's options, modes and
// error handling.

import Config
import Events
import NetModel
import Testing
@testable import Processors

/// One conversion of one value; a nil `expected` means the conversion fails.
struct ConversionCase: Sendable, CustomTestStringConvertible {
    let input: FieldValue
    let type: ConvertType
    let expected: FieldValue?
    init(_ input: FieldValue, _ type: ConvertType, _ expected: FieldValue?) {
        self.input = input
        self.type = type
        self.expected = expected
    }
    var testDescription: String { "\(input) as \(type.rawValue) → \(expected.map { "\($0)" } ?? "error")" }
}

@Suite struct ConvertTableTests {
    static let strings: [ConversionCase] = [
        .init(.null, .string, nil),
        .init(.string("x"), .string, .string("x")),
        .init(.int(-7), .string, .string("-7")),
        .init(.uint(UInt64.max), .string, .string("18446744073709551615")),
        .init(.double(1.1), .string, .string("1.1")),
        .init(.double(2_000_000), .string, .string("2e+06")),
        .init(.bool(true), .string, .string("true")),
        .init(.array([.int(1), .string("a")]), .string, .string("[1 a]")),
        .init(.object(["b": .int(1), "a": .string("x")]), .string, .string("map[a:x b:1]")),
        .init(.timestamp(Timestamp(seconds: 1_635_443_183, nanoseconds: 500_000_000)), .string,
              .string("2021-10-28 17:46:23.5 +0000 UTC")),
    ]

    static let longs: [ConversionCase] = [
        .init(.null, .long, nil), .init(.string("x"), .long, nil), .init(.string("0x"), .long, nil),
        .init(.string("0b1"), .long, nil), .init(.string("1x2"), .long, nil), .init(.bool(true), .long, nil),
        .init(.string(" 1"), .long, nil), .init(.string("1_000"), .long, nil), .init(.string("0x1__F"), .long, nil),
        .init(.string("1"), .long, .int(1)), .init(.string("-1"), .long, .int(-1)),
        .init(.string("+5"), .long, .int(5)),
        .init(.string("017"), .long, .int(17)), .init(.string("08"), .long, .int(8)),
        .init(.string("0X0A"), .long, .int(10)), .init(.string("-0x12"), .long, .int(-18)),
        .init(.string("0x_1F"), .long, .int(31)),
        .init(.string("9223372036854775807"), .long, .int(Int64.max)),
        .init(.string("9223372036854775808"), .long, nil),
        .init(.string("-9223372036854775808"), .long, .int(Int64.min)),
        .init(.int(5), .long, .int(5)), .init(.uint(UInt64.max), .long, .int(-1)),
        .init(.double(1.9), .long, .int(1)), .init(.double(-1.9), .long, .int(-1)),
        .init(.double(.infinity), .long, nil), .init(.double(1e19), .long, nil),
        .init(.array([.int(1)]), .long, nil), .init(.object(["a": .int(1)]), .long, nil),
    ]

    static let integers: [ConversionCase] = [
        .init(.string("2147483647"), .integer, .int(2_147_483_647)),
        .init(.string("2147483648"), .integer, nil),
        .init(.string("-2147483648"), .integer, .int(-2_147_483_648)),
        .init(.string("0x7fffffff"), .integer, .int(2_147_483_647)),
        .init(.int(4_294_967_297), .integer, .int(1)),
        .init(.int(2_147_483_648), .integer, .int(-2_147_483_648)),
        .init(.double(42.99), .integer, .int(42)),
        .init(.double(3e9), .integer, nil),
        .init(.bool(false), .integer, nil),
    ]

    static let floats: [ConversionCase] = [
        .init(.string("1.1"), .float, .double(1.1)), .init(.string("x"), .float, nil),
        .init(.string("3.5e38"), .float, nil), .init(.int(16_777_217), .float, .double(16_777_216)),
        .init(.bool(true), .float, nil), .init(.string("inf"), .float, .double(.infinity)),
        .init(.string("1.1"), .double, .double(1.1)), .init(.string(".5"), .double, .double(0.5)),
        .init(.string("1e400"), .double, nil), .init(.string("0x1p-2"), .double, .double(0.25)),
        .init(.string("0x1"), .double, nil), .init(.string("1_0"), .double, nil),
        .init(.int(3), .double, .double(3)), .init(.uint(10), .double, .double(10)),
        .init(.null, .double, nil),
    ]

    static let booleans: [ConversionCase] =
        ["1", "t", "T", "TRUE", "true", "True"].map { .init(.string($0), .boolean, .bool(true)) }
        + ["0", "f", "F", "FALSE", "false", "False"].map { .init(.string($0), .boolean, .bool(false)) }
        + [
            .init(.string("TrUe"), .boolean, nil), .init(.string("yes"), .boolean, nil),
            .init(.int(1), .boolean, nil), .init(.bool(true), .boolean, .bool(true)), .init(.null, .boolean, nil),
        ]

    static let ips: [ConversionCase] = [
        .init(.null, .ip, nil), .init(.string("x"), .ip, nil), .init(.string("365.0.0.0"), .ip, nil),
        .init(.string("0.0.0.0"), .ip, .string("0.0.0.0")), .init(.string("::1"), .ip, .string("::1")),
        .init(.string("::ffff:10.0.0.1"), .ip, .string("::ffff:10.0.0.1")),
        .init(.string("fe80::1%eth0"), .ip, nil), .init(.string("010.0.0.1"), .ip, nil), .init(.int(1), .ip, nil),
    ]

    @Test(arguments: strings + longs + integers + floats + booleans + ips)
    func conversion(_ c: ConversionCase) throws {
        let p = try build("convert", ["fields": [["from": "v", "type": c.type.rawValue]]])
        let (out, outcome) = run(p, event(["v": c.input]))
        if let expected = c.expected {
            #expect(outcome == .keep)
            #expect(out?.value(at: "v") == expected)
        } else {
            guard case .failed(let message) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(message.hasPrefix("failed in processor.convert: conversion of field [v] to type [\(c.type)]"))
            #expect(out?.value(at: "v") == c.input)
        }
    }
}

@Suite struct ConvertTests {
    @Test func docsExampleCopiesIntoECSFields() throws {
        let p = try build("convert", [
            "fields": [
                ["from": "src_ip", "to": "source.ip", "type": "ip"],
                ["from": "src_port", "to": "source.port", "type": "integer"],
            ],
            "ignore_missing": true, "fail_on_error": false,
        ])
        let out = run(p, event(["src_ip": .string("192.0.2.10"), "src_port": .string("8443")])).event
        #expect(out?.value(at: "source.ip") == .string("192.0.2.10"))
        #expect(out?.value(at: "source.port") == .int(8443))
        #expect(out?.value(at: "src_port") == .string("8443"))
        let partial = run(p, event(["src_ip": .string("2001:db8::5")]))
        #expect(partial.outcome == .keep)
        #expect(partial.event?.value(at: "source.ip") == .string("2001:db8::5"))
        #expect(partial.event?.has("source.port") == false)
    }

    @Test func withoutToConvertsInPlace() throws {
        let p = try build("convert", ["fields": [["from": "http.status", "type": "long"]]])
        #expect(run(p, event(["http.status": .string("404")])).event?.value(at: "http.status") == .int(404))
    }

    @Test func renameModeRemovesTheSource() throws {
        let p = try build("convert", [
            "fields": [["from": "a.port", "to": "b.port", "type": "integer"]], "mode": "rename",
        ])
        let out = run(p, event(["a.port": .string("53"), "a.keep": .bool(true)])).event
        #expect(out?.value(at: "b.port") == .int(53))
        #expect(out?.has("a.port") == false)
        #expect(out?.value(at: "a.keep") == .bool(true))
    }

    @Test func withoutTypeCopiesTheValueAsItIs() throws {
        let p = try build("convert", ["fields": [["from": "tls.client", "to": "copy"]]])
        let object: FieldValue = .object(["sni": .string("example.com"), "ja3": .array([.int(1)])])
        let out = run(p, event(["tls.client": object])).event
        #expect(out?.value(at: "copy") == object)
        #expect(out?.value(at: "tls.client") == object)
    }

    @Test func metadataSourceAndTarget() throws {
        let p = try build("convert", ["fields": [["from": "@metadata.raw", "to": "@metadata.n", "type": "long"]]])
        let out = run(p, event(metadata: ["raw": .string("12")])).event
        #expect(out?.metadata["n"] == .int(12))
        #expect(out?.metadata["raw"] == .string("12"))
    }

    @Test func missingFieldFailsWithoutTouchingTheEvent() throws {
        let p = try build("convert", [
            "fields": [["from": "port", "type": "integer"], ["from": "addr", "to": "ip", "type": "ip"]],
        ])
        let (out, outcome) = run(p, event(["port": .string("80")]))
        guard case .failed(let message) = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(message.contains("field [addr] is missing"))
        #expect(message.contains("with target field [ip]"))
        #expect(out?.value(at: "port") == .string("80"))
        #expect(out?.has("error.message") == false)
    }

    @Test func ignoreMissingSkipsOnlyTheMissingField() throws {
        let p = try build("convert", [
            "fields": [["from": "port", "type": "integer"], ["from": "addr", "to": "ip", "type": "ip"]],
            "ignore_missing": true,
        ])
        let (out, outcome) = run(p, event(["port": .string("80")]))
        #expect(outcome == .keep)
        #expect(out?.value(at: "port") == .int(80))
        #expect(out?.has("ip") == false)
    }

    @Test func ignoreMissingDoesNotCoverAPathThroughAValue() throws {
        let p = try build("convert", ["fields": [["from": "a.b", "type": "long"]], "ignore_missing": true])
        guard case .failed = run(p, event(["a": .string("x")])).outcome else {
            Issue.record("expected a failure")
            return
        }
    }

    @Test func failOnErrorFalseSkipsBadValuesAndKeepsGoodOnes() throws {
        let p = try build("convert", [
            "fields": [["from": "a", "type": "integer"], ["from": "b", "type": "boolean"]], "fail_on_error": false,
        ])
        let (out, outcome) = run(p, event(["a": .string("nope"), "b": .string("t")]))
        #expect(outcome == .keep)
        #expect(out?.value(at: "a") == .string("nope"))
        #expect(out?.value(at: "b") == .bool(true))
    }

    @Test func failOnErrorRestoresEarlierWritesWhenAPutFails() throws {
        let p = try build("convert", [
            "fields": [
                ["from": "id", "to": "event.id", "type": "integer"],
                ["from": "port", "to": "port.number", "type": "integer"],
            ],
        ])
        let (out, outcome) = run(p, event(["id": .string("32"), "port": .string("80")]))
        guard case .failed(let message) = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(message.contains("failed to put field [port.number]"))
        #expect(out?.has("event.id") == false)
        #expect(out?.value(at: "port") == .string("80"))
    }

    @Test func putFailureWithoutFailOnErrorStillConvertsTheRest() throws {
        let p = try build("convert", [
            "fields": [
                ["from": "id", "to": "event.id", "type": "integer"],
                ["from": "port", "to": "port.number", "type": "integer"],
            ],
            "fail_on_error": false,
        ])
        let (out, outcome) = run(p, event(["id": .string("32"), "port": .string("80")]))
        #expect(outcome == .keep)
        #expect(out?.value(at: "event.id") == .int(32))
        #expect(out?.value(at: "port") == .string("80"))
    }

    @Test func wrongTypeNamesTheGoType() throws {
        let p = try build("convert", ["fields": [["from": "flag", "type": "integer"]], "tag": "conv1"])
        guard case .failed(let message) = run(p, event(["flag": .bool(true)])).outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.hasPrefix("failed in processor.convert with instance_id=conv1: "))
        #expect(message.contains("unable to convert value [true]: invalid conversion of [bool] to integer"))
    }

    @Test func typeAndModeAreCaseInsensitive() throws {
        let p = try build("convert", ["fields": [["from": "a", "to": "b", "type": "IP"]], "mode": "Rename"])
        let out = run(p, event(["a": .string("10.1.2.3")])).event
        #expect(out?.value(at: "b") == .string("10.1.2.3"))
        #expect(out?.has("a") == false)
    }

    @Test func configErrors() {
        #expect(buildError("convert", ["ignore_missing": true])?.contains("requires \"fields\"") == true)
        #expect(buildError("convert", ["fields": []])?.contains("requires \"fields\"") == true)
        #expect(buildError("convert", ["fields": [["from": "a"]]])?.contains("'to' or a 'type'") == true)
        #expect(rejects("convert", ["fields": [["from": "a", "type": "int"]]], "invalid data type \"int\""))
        #expect(buildError("convert", ["fields": [["to": "a", "type": "long"]]])?.contains("requires \"from\"") == true)
        let move: KeyValuePairs<String, Any?> = ["fields": [["from": "a", "type": "long"]], "mode": "move"]
        #expect(rejects("convert", move, "invalid value \"move\""))
        #expect(rejects("convert", ["fields": [["from": "a", "type": "long", "target": "b"]]], "unknown option"))
    }
}

/// True when building `name` with `options` fails with a message containing `text`.
func rejects(_ name: String, _ options: KeyValuePairs<String, Any?>, _ text: String) -> Bool {
    buildError(name, options)?.contains(text) == true
}
