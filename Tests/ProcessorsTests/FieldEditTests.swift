// The path helpers the field processors share (lookup that tells missing from blocked, checked writes,
// flattened keys, the fail_on_error loop), and small helpers for the field processor tests.

import Events
import Testing

@testable import Processors

/// The failure message of `outcome`, or nil when it is not a failure.
func failure(_ outcome: ProcessorOutcome) -> String? {
    if case .failed(let message) = outcome { return message }
    return nil
}

/// `event` with `error.message` set, as a fail_on_error processor leaves the event it restores.
func restored(_ event: Event, message: String) -> Event {
    var e = event
    e.fields.set("error.message", .string(message))
    return e
}

@Suite struct FieldLookupTests {
    let sample = event(
        [
            "a.b": .string("x"), "list": .array([.int(1)]), "empty": .object(Fields()),
        ], metadata: ["pipeline": .string("p")])

    @Test func tellsMissingFromBlocked() {
        #expect(sample.lookup("a.b") == .found(.string("x")))
        #expect(sample.lookup("a.c") == .missing)
        #expect(sample.lookup("nope.deeper") == .missing)
        #expect(sample.lookup("a.b.c") == .blocked("expected map but type is string"))
        #expect(sample.lookup("list.0") == .blocked("expected map but type is array"))
        #expect(sample.lookup("empty") == .found(.object(Fields())))
    }

    @Test func timestampAndMetadataAreAddressable() {
        #expect(sample.lookup("@metadata.pipeline") == .found(.string("p")))
        #expect(sample.lookup("@metadata.other") == .missing)
        #expect(sample.lookup("@timestamp") == .found(.timestamp(sample.timestamp)))
        #expect(sample.lookup("@metadata") == .found(.object(["pipeline": .string("p")])))
    }

    @Test func checkedPutRefusesToReplaceAScalar() {
        var e = sample
        #expect(throws: ProcessorFailure("expected map but type is string")) { try e.putChecked("a.b.c", .int(1)) }
        #expect(e == sample)
        #expect(throws: ProcessorFailure.self) { try e.putChecked("@timestamp", .string("now")) }
        #expect(throws: ProcessorFailure.self) { try e.putChecked("@metadata.pipeline.x", .int(1)) }
        try? e.putChecked("new.deep.key", .int(2))
        try? e.putChecked("@metadata.extra", .bool(true))
        #expect(e.value(at: "new.deep.key") == .int(2))
        #expect(e.metadata["extra"] == .bool(true))
    }

    @Test func flattenedKeysListChildrenBeforeTheirObject() {
        let f: Fields = ["a": .object(["b": .int(1), "c": .object(["d": .int(2)])]), "e": .int(3)]
        #expect(f.flattenedKeys() == ["a.b", "a.c.d", "a.c", "a", "e"])
    }

    @Test func applyEachRestoresOrCarriesOn() {
        let items = ["one", "bad", "three"]
        let body: (inout Event, String) throws(ProcessorFailure) -> Void = { event, item throws(ProcessorFailure) in
            if item == "bad" { throw ProcessorFailure("no \(item)") }
            event.fields.set(item, .bool(true))
        }
        var strict = event()
        #expect(strict.applyEach(items, failOnError: true, errorPrefix: "P: ", body) == .failed("P: no bad"))
        #expect(strict == restored(event(), message: "P: no bad"))

        var lenient = event()
        #expect(lenient.applyEach(items, failOnError: false, errorPrefix: "P: ", body) == .failed("P: no bad"))
        #expect(lenient.fields == ["one": .bool(true), "three": .bool(true)])

        var silent = event()
        _ = silent.applyEach(items, failOnError: true, errorPrefix: nil, body)
        #expect(silent == event())
    }
}
