// Processors that add, remove and move fields (reference/libbeat.md §4.5): the table of their builders,
// and add_fields, add_tags and drop_event. The others live in Fields/, one file per family: add_labels,
// drop_fields and include_fields, rename and copy_fields, truncate_fields, move_fields, append,
// lowercase and uppercase.

import Config
import Events

extension ProcessorFactory {
    /// Processors that add, remove and move fields.
    static let fieldProcessors: [String: ProcessorBuilder] = [
        "add_fields": ProcessorBuilder(options: ["target", "fields"]) { o throws(ConfigError) in
            guard let fields = try o.configMap("fields"), !fields.isEmpty else {
                throw o.error("fields", "add_fields requires \"fields\" with at least one field")
            }
            let target = try o.string("target") ?? "fields"
            return AddFields(target: target.isEmpty ? nil : EventPath(target), fields: eventFields(fields))
        },
        "add_tags": ProcessorBuilder(options: ["tags", "target"]) { o throws(ConfigError) in
            AddTags(
                tags: try o.requiredStringList("tags"), target: EventPath(try o.nonEmptyString("target") ?? "tags"))
        },
        "drop_event": ProcessorBuilder(options: []) { _ throws(ConfigError) in DropEvent() },
        "add_labels": addLabelsBuilder,
        "drop_fields": dropFieldsBuilder,
        "include_fields": includeFieldsBuilder,
        "rename": renameBuilder,
        "copy_fields": copyFieldsBuilder,
        "truncate_fields": truncateFieldsBuilder,
        "move_fields": moveFieldsBuilder,
        "append": appendBuilder,
        "lowercase": lowercaseBuilder,
        "uppercase": uppercaseBuilder,
    ]

    /// Configuration values as event fields; dotted keys nest, as Beats' `fields` do.
    public static func eventFields(_ map: ConfigMap) -> Fields {
        var out = Fields()
        for entry in map { out.set(entry.key, eventValue(entry.value)) }
        return out
    }

    /// One configuration value as an event value.
    public static func eventValue(_ v: ConfigValue) -> FieldValue {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items): return .array(items.map(eventValue))
        case .map(let m): return .object(eventFields(m))
        }
    }
}

/// `add_fields`: merges static fields under `target` (`fields` by default, the root for "", `@metadata`).
struct AddFields: Processor {
    /// nil for the document's root (`target: ""`).
    let target: EventPath?
    let fields: Fields
    var name: String { "add_fields" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        switch target {
        case nil:
            event.fields.merge(fields, overwrite: true)
        case let target? where target.root == .metadata:
            event.metadata.merge(fields, overwrite: true)
        case let target?:
            Self.merge(fields, under: target, into: &event)
        }
        return .keep
    }

    /// Merges `fields` into the object at `target` (made when absent). A static function, so that its closure
    /// captures the two values rather than a copy of the processor (`AddTags.add`).
    private static func merge(_ fields: Fields, under target: EventPath, into event: inout Event) {
        event.update(target) { value in
            guard case .object(var under)? = value else {
                value = .object(fields)
                return
            }
            value = nil  // the only reference is now `under`: merged in place
            under.merge(fields, overwrite: true)
            value = .object(under)
        }
    }
}

/// `add_tags`: appends to a list of strings (`tags` by default), creating it when absent.
struct AddTags: Processor {
    let tags: [String]
    let target: EventPath
    /// The tags as values, made once: a new list shares this one (copied only if something changes it later).
    let values: [FieldValue]
    var name: String { "add_tags" }

    init(tags: [String], target: EventPath) {
        self.tags = tags
        self.target = target
        values = tags.map(FieldValue.string)
    }

    func process(_ event: inout Event) -> ProcessorOutcome { Self.add(values, at: target, to: &event) }

    /// The work of `process`, on its parts: a closure in `process` itself captured the whole processor, a copy
    /// of each of its lists per event.
    private static func add(_ values: [FieldValue], at target: EventPath, to event: inout Event) -> ProcessorOutcome {
        event.update(target) { value in
            switch value {
            case nil:
                value = .array(values)
                return .keep
            case .array(var list)?:
                value = nil  // the only reference is now `list`: appended in place
                list.append(contentsOf: values)
                value = .array(list)
                return .keep
            case let other?:
                return .failed("cannot add tags to \(target): it holds a \(other.typeName), not a list")
            }
        }
    }
}

/// `drop_event`: drops every event it sees (it is used with `when`).
struct DropEvent: Processor {
    var name: String { "drop_event" }
    func process(_ event: inout Event) -> ProcessorOutcome { .drop }
}
