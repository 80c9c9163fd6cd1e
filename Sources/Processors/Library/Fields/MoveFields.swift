// `move_fields` (reference/libbeat.md §4.5): moving the keys of one object (or of the document root) to
// another place, typically to put a prefix in front of them.
//
// The keys are `fields` (relative to `from`), or every key of the `from` object when `fields` is empty,
// less the `exclude`d ones; each goes to the path `to` + key, `to` being a plain string prefix counted
// from the document root. (The Beats documentation's first example shows the result nested inside
// `from`; libbeat's code and its own tests put it at the root, and so do we.) A missing key is an error
// unless `ignore_missing`; a missing or non-object `from` is always an error. Only document fields move,
// never `@metadata`.
//
// Deliberate difference from Beats: on any error libbeat returns no event at all, which the pipeline
// takes as a drop; wirebeat leaves the event as it was (the moves are made on a copy, applied only when
// all succeed, as libbeat does) and reports the failure.

import Config
import Events

extension ProcessorFactory {
    /// The `move_fields` builder.
    static let moveFieldsBuilder = ProcessorBuilder(options: ["from", "fields", "exclude", "to", "ignore_missing"]) {
        o throws(ConfigError) in
        guard o.contains("to") else { throw o.error("to", "move_fields requires \"to\"") }
        return MoveFields(
            from: try o.string("from") ?? "", fields: try o.stringList("fields") ?? [],
            exclude: Set(try o.stringList("exclude") ?? []), to: try o.string("to") ?? "",
            ignoreMissing: try o.bool("ignore_missing", default: false))
    }
}

/// `move_fields`: moves keys of `from` to `to` + key.
struct MoveFields: Processor {
    let from: String
    let fields: [String]
    let exclude: Set<String>
    let to: String
    let ignoreMissing: Bool
    var name: String { "move_fields" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        do throws(ProcessorFailure) {
            event.fields = try moved(event.fields)
            return .keep
        } catch {
            return .failed(error.message)
        }
    }

    /// `document` with the keys moved.
    func moved(_ document: Fields) throws(ProcessorFailure) -> Fields {
        var root = document
        let parent: Fields
        if from.isEmpty {
            parent = root
        } else {
            switch root.lookup(from) {
            case .found(.object(let object)): parent = object
            case .found(let other):
                throw ProcessorFailure("'\(from)' does not contain an object, it contains a \(other.typeName)")
            case .missing: throw ProcessorFailure("cannot get value from key '\(from)': \(FieldLookup.keyNotFound)")
            case .blocked(let why): throw ProcessorFailure("cannot get value from key '\(from)': \(why)")
            }
        }
        let keys = fields.isEmpty ? parent.entries.map(\.key) : fields
        for key in keys where !exclude.contains(key) {
            let source = from.isEmpty ? key : from + "." + key
            let value: FieldValue
            switch root.lookup(source) {
            case .found(let v): value = v
            case .missing where ignoreMissing: continue
            case .missing:
                throw ProcessorFailure(
                    "move field read field from parent, sub key: \(key), failed: \(FieldLookup.keyNotFound)")
            case .blocked(let why):
                throw ProcessorFailure("move field read field from parent, sub key: \(key), failed: \(why)")
            }
            root.remove(source)
            let target = to + key
            if let blocker = root.putBlocker(target) {
                throw ProcessorFailure(
                    "move field write field to sub key: \(key), new key: \(target), failed: \(blocker)")
            }
            root.set(target, value)
        }
        return root
    }
}
