// Go's `%v` text of values and mapstr's strict GetValue/Put, which the value processors build on.

import Events
import NetModel
import Testing
@testable import Processors

@Suite struct GoValuesTests {
    @Test(arguments: [
        (0.0, "0"), (-0.0, "-0"), (1, "1"), (1.5, "1.5"), (-2.5, "-2.5"), (100_000, "100000"), (999_999, "999999"),
        (1_000_000, "1e+06"), (1_234_567, "1.234567e+06"), (123_456.789, "123456.789"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (1e-7, "1e-07"), (1e21, "1e+21"), (1e100, "1e+100"),
        (Double.leastNonzeroMagnitude, "5e-324"),
        (0.1 + 0.2, "0.30000000000000004"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"),
    ] as [(Double, String)])
    func floats(_ value: Double, _ text: String) {
        #expect(GoFormat.float(value) == text)
    }

    @Test func times() {
        #expect(GoFormat.time(Timestamp(seconds: 0, nanoseconds: 0)) == "1970-01-01 00:00:00 +0000 UTC")
        #expect(GoFormat.time(Timestamp(seconds: 1, nanoseconds: 120_000_000)) == "1970-01-01 00:00:01.12 +0000 UTC")
        #expect(GoFormat.time(Timestamp(seconds: 1, nanoseconds: 7)) == "1970-01-01 00:00:01.000000007 +0000 UTC")
    }

    @Test func compositeValues() {
        let value: FieldValue = .object(["z": .array([.int(1), .null]), "a": .object(["k": .bool(false)])])
        #expect(value.goText == "map[a:map[k:false] z:[1 <nil>]]")
    }

    @Test func strictPutRefusesToGoThroughAValue() throws {
        var e = event(["a": .string("x")])
        #expect(throws: ProcessorFailure.self) { try e.putChecked("a.b", .int(1)) }
        #expect(e.value(at: "a") == .string("x"))
        try e.putChecked("c.d.e", .int(2))
        #expect(e.value(at: "c.d.e") == .int(2))
        try e.putChecked("@metadata.m.n", .int(3))
        #expect(e.metadata.value(at: "m.n") == .int(3))
        #expect(throws: ProcessorFailure.self) { try e.putChecked("@timestamp", .string("now")) }
    }

    @Test func strictValueSeparatesMissingFromBlocked() throws {
        let e = event(["a": .string("x"), "o.k": .int(1)])
        #expect(try e.strictValue(at: "o.k") == .int(1))
        #expect(try e.strictValue(at: "o.missing") == nil)
        #expect(try e.strictValue(at: "@timestamp") == .timestamp(e.timestamp))
        #expect(throws: ProcessorFailure("expected map but type is string")) { try e.strictValue(at: "a.b") }
    }
}
