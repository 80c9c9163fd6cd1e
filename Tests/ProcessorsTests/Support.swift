// Helpers shared by the processor tests: build processors from YAML-shaped values, run them on events.

import Config
import Events
import NetModel
@testable import Processors

/// A configuration value from a compact literal: strings, integers, doubles, booleans, arrays, dictionaries
/// (`KeyValuePairs` keep their order, nested dictionaries are sorted by key) and `nil` for null.
func cv(_ any: Any?) -> ConfigValue {
    switch any {
    case nil: return .null
    case let v as ConfigValue: return v
    case let b as Bool: return .bool(b)
    case let i as Int: return .int(Int64(i))
    case let d as Double: return .double(d)
    case let s as String: return .string(s)
    case let pairs as KeyValuePairs<String, Any?>:
        return .map(ConfigMap(pairs.map { ConfigMap.Entry(key: $0.key, value: cv($0.value)) }))
    case let dict as [String: Any?]:
        // Nested dictionary literals lose their order; keys are sorted. Use KeyValuePairs where order matters.
        return .map(ConfigMap(dict.keys.sorted().map { ConfigMap.Entry(key: $0, value: cv(dict[$0]!)) }))
    case let list as [Any?]: return .list(list.map(cv))
    default: fatalError("unsupported literal \(String(describing: any))")
    }
}

/// A processor entry named `name` with `options`, as the loader would produce it for `processors.0`.
func entry(_ name: String, _ options: KeyValuePairs<String, Any?>?) -> ProcessorEntry {
    ProcessorEntry(
        name: name, config: options.map { cv($0) } ?? .null, location: SourceLocation(file: "test.yml", line: 1, column: 3),
        index: 0)
}

/// Builds one processor from its name and options.
func build(
    _ name: String, _ options: KeyValuePairs<String, Any?>? = nil, environment: ProcessorEnvironment = ProcessorEnvironment()
) throws -> any Processor {
    var notices: [String] = []
    return try ProcessorFactory.processor(entry(name, options), environment: environment, notices: &notices)
}

/// The error message building `name` with `options` fails with, or nil when it builds.
func buildError(_ name: String, _ options: KeyValuePairs<String, Any?>? = nil) -> String? {
    do {
        _ = try build(name, options)
        return nil
    } catch let error as ConfigError {
        return error.description
    } catch {
        return "\(error)"
    }
}

/// An event with the given fields (a dictionary literal of dotted paths).
func event(_ fields: KeyValuePairs<String, FieldValue> = [:], metadata: Fields = Fields()) -> Event {
    var e = Event(timestamp: Timestamp(nanoseconds: 1_700_000_000_123_000_000), metadata: metadata)
    for (k, v) in fields { e.fields.set(k, v) }
    return e
}

/// Runs `processor` on `event`: the event after it (nil when dropped) and the outcome.
func run(_ processor: any Processor, _ event: Event) -> (event: Event?, outcome: ProcessorOutcome) {
    var e = event
    let outcome = processor.process(&e)
    return (outcome == .drop ? nil : e, outcome)
}

extension ProcessorFactory {
    /// One processor, for tests that do not look at the start-up notices.
    static func processor(_ entry: ProcessorEntry, environment: ProcessorEnvironment) throws(ConfigError) -> any Processor {
        var notices: [String] = []
        return try processor(entry, environment: environment, notices: &notices)
    }
}
