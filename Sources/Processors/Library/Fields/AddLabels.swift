// `add_labels` (reference/libbeat.md §4.5): static key/value pairs under `labels`, flattened.
//
// Nested maps and lists in the configuration become one level of dotted keys (`nested.with.dots`,
// `array.0`, `array.2.with.field`), kept as literal keys of the `labels` object, as Beats writes them.
// Values are stored as strings: libbeat reads every flattened value with go-ucfg's `String`, so the
// ECS `labels.*` keyword fields get `"1"` and `"true"`, not numbers and booleans. (The Beats
// documentation's example prints `"number": 1` unquoted; the code, which we follow, writes `"1"`.)
// Existing labels are kept and same-named ones overwritten, as add_fields does.

import Config
import Events
import Foundation

extension ProcessorFactory {
    /// The `add_labels` builder: `labels` (a non-empty map) is the only option.
    static let addLabelsBuilder = ProcessorBuilder(options: ["labels"]) { o throws(ConfigError) in
        guard let labels = try o.configMap("labels"), !labels.isEmpty else {
            throw o.error("labels", "add_labels requires \"labels\" with at least one label")
        }
        var flat = Fields()
        try AddLabels.flatten(.map(labels), prefix: "", into: &flat, options: o)
        return AddLabels(labels: flat)
    }
}

/// `add_labels`: merges flattened keyword labels into the `labels` object.
struct AddLabels: Processor {
    /// Literal (possibly dotted) keys and their string values.
    let labels: Fields
    var name: String { "add_labels" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        var under = event.fields["labels"]?.object ?? Fields()
        labels.forEach { key, value in under[key] = value }
        event.fields["labels"] = .object(under)
        return .keep
    }

    /// Flattens `value` into `out` under `prefix`, maps by key and lists by index; empty maps and lists
    /// add nothing, as go-ucfg's `FlattenedKeys` lists only leaves.
    static func flatten(_ value: ConfigValue, prefix: String, into out: inout Fields, options o: ProcessorOptions)
        throws(ConfigError)
    {
        func join(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }
        switch value {
        case .map(let map):
            for entry in map { try flatten(entry.value, prefix: join(entry.key), into: &out, options: o) }
        case .list(let items):
            for (i, item) in items.enumerated() { try flatten(item, prefix: join(String(i)), into: &out, options: o) }
        case .null:
            throw o.error("labels.\(prefix)", "a label needs a value")
        case .string(let s):
            out[prefix] = .string(s)
        case .int(let i):
            out[prefix] = .string(String(i))
        case .bool(let b):
            out[prefix] = .string(b ? "true" : "false")
        case .double(let d):
            out[prefix] = .string(goText(d))
        }
    }

    /// A float as Go's `%v` prints it (go-ucfg's conversion to string): integral values below 1e21
    /// without a fraction or exponent, others in the shortest form that reads back.
    static func goText(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), d.magnitude < 1e21 { return String(format: "%.0f", d) }
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        return "\(d)"
    }
}
