// Per-worker copies of the processors' configuration.
//
// A processor copies parts of its configuration into events (the fields of `add_fields`, the tags of
// `add_tags`) and reads others for each event (paths, condition operands). Every such copy or read retains the
// storage and every release undoes it: atomic operations on a counter that, when the configuration is shared,
// the cores of all publish workers update in turn, each move of its cache line costing far more than the
// operation itself. Each publish worker therefore runs on copies of its own (`ProcessorChain.unshared`); paths
// are the exception, as they are interned and copied without a reference count (`FieldPath`). The
// processors below are those the common configurations use; the others stay shared, which is correct, only
// slower. State that must be shared (caches, resolvers, the public suffix list) is not copied.

import Config
import Events

extension Condition {
    /// The condition with its paths and operands in storage of its own.
    func unshared() -> Condition {
        switch self {
        case .equals(let items):
            return .equals(items.map { (field: $0.field.unshared(), value: $0.value.unshared()) })
        case .contains(let items):
            return .contains(items.map { (field: $0.field.unshared(), substring: $0.substring.unshared()) })
        case .regexp(let items):
            return .regexp(items.map { (field: $0.field.unshared(), pattern: $0.pattern) })
        case .range(let items):
            return .range(items.map { (field: $0.field.unshared(), bounds: $0.bounds) })
        case .network(let items):
            return .network(items.map { (field: $0.field.unshared(), ranges: $0.ranges.map { $0 }) })
        case .hasFields(let fields):
            return .hasFields(fields.map { $0.unshared() })
        case .or(let conditions):
            return .or(conditions.map { $0.unshared() })
        case .and(let conditions):
            return .and(conditions.map { $0.unshared() })
        case .not(let condition):
            return .not(condition.unshared())
        }
    }
}

extension EqualsOperand {
    func unshared() -> EqualsOperand {
        if case .string(let s) = self { return .string(s.unshared()) }
        return self
    }
}

extension ConditionalProcessor {
    func unshared() -> any Processor { ConditionalProcessor(condition: condition.unshared(), inner: inner.unshared()) }
}

extension AddFields {
    func unshared() -> any Processor { AddFields(target: target?.unshared(), fields: fields.unshared()) }
}

extension AddTags {
    func unshared() -> any Processor { AddTags(tags: tags.map { $0.unshared() }, target: target.unshared()) }
}

extension DropFields {
    func unshared() -> any Processor {
        DropFields(fields: fields.map { $0.unshared() }, patterns: patterns, ignoreMissing: ignoreMissing)
    }
}

extension RenameFields {
    func unshared() -> any Processor {
        RenameFields(
            fields: fields.map { FieldMove(from: $0.from.text, to: $0.to.text) }, ignoreMissing: ignoreMissing,
            failOnError: failOnError)
    }
}

extension Convert {
    func unshared() -> any Processor {
        Convert(
            conversions: conversions.map { Conversion(from: $0.from.unshared(), to: $0.to?.unshared(), type: $0.type) },
            ignoreMissing: ignoreMissing, failOnError: failOnError, rename: rename, tag: tag)
    }
}

extension AddNetworkDirection {
    func unshared() -> any Processor {
        AddNetworkDirection(
            source: source.unshared(), destination: destination.unshared(), target: target.unshared(),
            internalNetworks: internalNetworks.map { $0 })
    }
}

extension TruncateFields {
    func unshared() -> any Processor {
        TruncateFields(fields: fields.map { $0.unshared() }, limit: limit, failOnError: failOnError, ignoreMissing: ignoreMissing)
    }
}

extension RegisteredDomain {
    func unshared() -> any Processor {
        RegisteredDomain(
            field: field.unshared(), targetField: targetField.unshared(), targetETLDField: targetETLDField?.unshared(),
            targetSubdomainField: targetSubdomainField?.unshared(), ignoreMissing: ignoreMissing,
            ignoreFailure: ignoreFailure, list: list)
    }
}
