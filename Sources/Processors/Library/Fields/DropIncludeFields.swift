// `drop_fields` and `include_fields` (reference/libbeat.md §4.5): removing fields by name or by
// `/regex/`, and keeping only the named ones.
//
// drop_fields deletes the exact names first, then every flattened key of the document that one of the
// regular expressions matches (an unanchored search, as libbeat's `match.Matcher`). A missing name is an
// error unless `ignore_missing`, but the other fields are still dropped, as in Beats, where the errors
// are collected and only logged. `@timestamp` and `type` (with anything under `type.`) are never
// removed; the Beats documentation promises this for the list, and we keep the promise for regular
// expressions too, which libbeat's code does not (a `/^ty/` entry would drop `type` there).
//
// include_fields keeps the named fields, whole subtrees for object names, plus `type`; `@timestamp` and
// `@metadata` are not document fields and always stay. Names under `@metadata.` or `@timestamp` in the
// list are ignored here: libbeat would copy them into the document as `@metadata` keys, a defect.
// Fields keep their original order.

import Config
import Events

extension ProcessorFactory {
    /// The `drop_fields` builder.
    static let dropFieldsBuilder = ProcessorBuilder(options: ["fields", "ignore_missing"]) { o throws(ConfigError) in
        let names = try o.presentStringList("fields")
        var exact: [EventPath] = []
        var patterns: [Pattern] = []
        for (i, name) in names.enumerated() where !DropFields.isProtected(name) {
            if name.count > 2, name.hasPrefix("/"), name.hasSuffix("/") {
                do throws(ProcessorFailure) {
                    patterns.append(try Pattern(String(name.dropFirst().dropLast())))
                } catch {
                    throw o.error("fields.\(i)", error.message)
                }
            } else {
                exact.append(EventPath(name))
            }
        }
        return DropFields(
            fields: exact, patterns: patterns, ignoreMissing: try o.bool("ignore_missing", default: false))
    }

    /// The `include_fields` builder.
    static let includeFieldsBuilder = ProcessorBuilder(options: ["fields"]) { o throws(ConfigError) in
        let names = try o.presentStringList("fields").filter {
            !$0.hasPrefix("@timestamp") && !$0.hasPrefix("@metadata")
        }
        return IncludeFields(fields: names.contains("type") ? names : names + ["type"])
    }
}

/// `drop_fields`: removes fields named exactly or matched by regular expressions.
struct DropFields: Processor {
    let fields: [EventPath]
    let patterns: [Pattern]
    let ignoreMissing: Bool
    /// Per name of the document with two keys (`agent.ephemeral_id`), what removing it from an object shared
    /// by many events gave (Events/SharedRemoval.swift); nil for other names.
    let memos: [SharedRemovalMemo?]
    var name: String { "drop_fields" }

    init(fields: [EventPath], patterns: [Pattern], ignoreMissing: Bool) {
        self.fields = fields
        self.patterns = patterns
        self.ignoreMissing = ignoreMissing
        memos = fields.map { $0.root == .fields && $0.path.count == 2 ? SharedRemovalMemo() : nil }
    }

    /// `@timestamp` and `type` cannot be dropped.
    static func isProtected(_ path: String) -> Bool {
        path == "@timestamp" || path == "type" || path.hasPrefix("type.")
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        var errors: [String] = []
        for i in fields.indices {
            let field = fields[i]
            // Removing first walks the path once when the field is there (the usual case); the lookup after a
            // miss tells a missing key from a path blocked by a scalar, and finds `@timestamp`, which stays. The
            // memo is lent where it lies (`memos` holds it): taking it out of the list retained it per event.
            let removed = memos.withUnsafeBufferPointer { list in
                guard let memo = list[i].map(Unmanaged.passUnretained) else { return event.delete(field) != nil }
                return memo._withUnsafeGuaranteedRef { event.fields.remove(field.path, memo: $0) }
            }
            if removed { continue }
            switch event.lookup(field) {
            case .found:
                continue
            case .missing where ignoreMissing:
                continue
            case .missing:
                errors.append("failed to drop field [\(field)], error: \(FieldLookup.keyNotFound)")
            case .blocked(let why):
                errors.append("failed to drop field [\(field)], error: \(why)")
            }
        }
        if !patterns.isEmpty {
            for key in event.fields.flattenedKeys() where !DropFields.isProtected(key) {
                if patterns.contains(where: { $0.matches(key) }) { event.fields.remove(key) }
            }
        }
        return errors.isEmpty ? .keep : .failed(errors.joined(separator: "; "))
    }
}

/// `include_fields`: keeps only the named document fields (and `type`).
struct IncludeFields: Processor {
    let fields: [String]
    var name: String { "include_fields" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        // libbeat reports names that run into a scalar ("expected map ..."), but filters all the same.
        let errors = fields.compactMap { field -> String? in
            if case .blocked(let why) = FieldLookup(event.fields.walk(field)) { return why }
            return nil
        }
        event.fields = IncludeFields.keep(event.fields, prefix: "", names: fields)
        return errors.isEmpty ? .keep : .failed(errors.joined(separator: ", "))
    }

    /// The part of `fields` (found at `prefix`) that the names select.
    static func keep(_ fields: Fields, prefix: String, names: [String]) -> Fields {
        var out = Fields()
        fields.forEach { key, value in
            let full = prefix.isEmpty ? key : prefix + "." + key
            if names.contains(full) {
                out.append(key, value)
            } else if case .object(let inner) = value, names.contains(where: { $0.hasPrefix(full + ".") }) {
                let kept = keep(inner, prefix: full, names: names)
                if !kept.isEmpty { out.append(key, .object(kept)) }
            }
        }
        return out
    }
}
