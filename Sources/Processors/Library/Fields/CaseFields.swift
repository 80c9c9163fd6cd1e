// `lowercase` and `uppercase` (reference/libbeat.md §4.5): changing the case of key names (`fields`) and
// of string values (`values`).
//
// A `fields` path is matched one key at a time without regard to case (`a.b` finds `A.b`); two keys of
// one object matching the same segment is a "key collision" error. Every key along the path is changed
// (`alter_full_field`, the default) or only the last one; keys keep their place in the object. `type` and
// anything under it are never renamed. A `values` path is exact and must hold a string. Missing paths are
// errors unless `ignore_missing`; with `fail_on_error` (the default) the first error restores the event
// and sets `error.message`. Only document keys are renamed; values may be under `@metadata.`.
// Case mapping is Swift's full Unicode mapping, so `ß` upper-cases to `SS`, where Go's per-character
// mapping leaves it.

import Config
import Events

extension ProcessorFactory {
    /// The `lowercase` builder.
    static let lowercaseBuilder = caseBuilder(name: "lowercase") { $0.lowercased() }
    /// The `uppercase` builder.
    static let uppercaseBuilder = caseBuilder(name: "uppercase") { $0.uppercased() }

    static func caseBuilder(name: String, _ transform: @escaping @Sendable (String) -> String) -> ProcessorBuilder {
        ProcessorBuilder(options: ["fields", "values", "ignore_missing", "fail_on_error", "alter_full_field"]) {
            o throws(ConfigError) in
            let keys = try o.presentStringList("fields").filter {
                let lower = $0.lowercased()
                return lower != "type" && !lower.hasPrefix("type.")
            }
            return CaseFields(
                name: name, keys: keys, values: try o.stringList("values") ?? [],
                ignoreMissing: try o.bool("ignore_missing", default: false),
                failOnError: try o.bool("fail_on_error", default: true),
                alterFullField: try o.bool("alter_full_field", default: true), transform: transform)
        }
    }
}

/// `lowercase` / `uppercase`: renames keys and rewrites string values with a case mapping.
struct CaseFields: Processor {
    let name: String
    let keys: [String]
    let values: [String]
    let ignoreMissing: Bool
    let failOnError: Bool
    let alterFullField: Bool
    let transform: @Sendable (String) -> String

    /// One thing to change: the keys along a path, or the value at a path.
    enum Target {
        case key(String)
        case value(String)
    }

    /// Why a target failed, and whether `ignore_missing` forgives it.
    struct Failure: Error {
        let message: String
        let missing: Bool
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        let targets = keys.map(Target.key) + values.map(Target.value)
        return event.applyEach(targets, failOnError: failOnError, errorPrefix: "") {
            (event, target) throws(ProcessorFailure) in
            do throws(Failure) {
                switch target {
                case .key(let path):
                    let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    event.fields = try renamed(event.fields, segments[...], path: path)
                case .value(let path):
                    try rewrite(&event, path)
                }
            } catch {
                if !(error.missing && ignoreMissing) { throw ProcessorFailure(error.message) }
            }
        }
    }

    /// `fields` with the keys along `segments` renamed.
    func renamed(_ fields: Fields, _ segments: ArraySlice<String>, path: String) throws(Failure) -> Fields {
        guard let segment = segments.first else { return fields }
        let wanted = segment.lowercased()
        let matches = fields.entries.filter { $0.key.lowercased() == wanted }
        guard matches.count < 2 else {
            throw Failure(
                message: "could not alter \(path): key collision between \(matches[0].key) and \(matches[1].key)",
                missing: false)
        }
        guard let match = matches.first else {
            throw Failure(message: "could not alter \(path): \(FieldLookup.keyNotFound)", missing: true)
        }
        let rest = segments.dropFirst()
        var value = match.value
        if !rest.isEmpty {
            guard case .object(let inner) = value else {
                throw Failure(message: "could not alter \(path): \(FieldLookup.notAnObject(value))", missing: false)
            }
            value = .object(try renamed(inner, rest, path: path))
        }
        let newKey = alterFullField || rest.isEmpty ? transform(match.key) : match.key
        var out = Fields(capacity: fields.count)
        fields.forEach { key, old in out.append(key == match.key ? newKey : key, key == match.key ? value : old) }
        return out
    }

    /// Rewrites the string at `path`.
    func rewrite(_ event: inout Event, _ path: String) throws(Failure) {
        switch event.lookup(path) {
        case .found(.string(let s)):
            do throws(ProcessorFailure) {
                try event.putChecked(path, .string(transform(s)))
            } catch {
                throw Failure(message: error.message, missing: false)
            }
        case .found:
            throw Failure(message: "value of key \"\(path)\" is not a string", missing: false)
        case .missing:
            throw Failure(
                message: "could not fetch value for key: \(path), Error: \(FieldLookup.keyNotFound)", missing: true)
        case .blocked(let why):
            throw Failure(message: "could not fetch value for key: \(path), Error: \(why)", missing: false)
        }
    }
}
