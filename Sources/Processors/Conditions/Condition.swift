// The condition language of `when`, `if` and Kafka `topics[].when` (reference/libbeat.md §4.3), with
// libbeat's typing rules: `equals` never coerces ("200" is not 200), `contains` is a plain substring,
// `regexp` an unanchored search, `range` reads numbers only, and a field that does not exist makes an
// operator false.

import Config
import Events
import NetModel

/// A parsed condition.
public indirect enum Condition: Sendable {
    /// Every field equals its value.
    case equals([(field: EventPath, value: EqualsOperand)])
    /// Every field contains its substring (a string, or any element of a list of strings).
    case contains([(field: EventPath, substring: String)])
    /// Every field matches its expression somewhere.
    case regexp([(field: EventPath, pattern: Pattern)])
    /// Every field is a number within its bounds.
    case range([(field: EventPath, bounds: RangeBounds)])
    /// Every field holds an address in one of its ranges.
    case network([(field: EventPath, ranges: [NetworkRange])])
    /// Every field exists.
    case hasFields([EventPath])
    /// Any condition holds (false when empty).
    case or([Condition])
    /// Every condition holds (true when empty).
    case and([Condition])
    /// The condition does not hold.
    case not(Condition)

    /// Whether the condition holds for `event`.
    ///
    /// Lists are visited through buffer pointers: an element of an array read by subscript or by a closure is a
    /// copy, a retain and a release of its paths and operands, for every event.
    public func matches(_ event: Event) -> Bool {
        switch self {
        case .equals(let items): return Self.matches(equals: items, event)
        case .contains(let items): return Self.matches(contains: items, event)
        case .regexp(let items): return Self.matches(regexp: items, event)
        case .range(let items): return Self.matches(range: items, event)
        case .network(let items): return Self.matches(network: items, event)
        case .hasFields(let fields): return Self.matches(hasFields: fields, event)
        case .or(let conditions): return !Self.all(conditions) { !$0.matches(event) }
        case .and(let conditions): return Self.all(conditions) { $0.matches(event) }
        case .not(let condition): return !condition.matches(event)
        }
    }

    // The operators, shared with `ConditionMatcher`. Inlined, so that a list kept in a matcher's property is read
    // where it lies: passed to a call, it was retained and released around it.

    @inline(__always)
    static func matches(equals items: [(field: EventPath, value: EqualsOperand)], _ event: Event) -> Bool {
        all(items) { item in
            guard let value = event.value(at: item.field) else { return false }
            return item.value.equals(value)
        }
    }

    @inline(__always)
    static func matches(contains items: [(field: EventPath, substring: String)], _ event: Event) -> Bool {
        all(items) { item in
            event.value(at: item.field).map { Condition.anyString($0) { $0.contains(item.substring) } } ?? false
        }
    }

    @inline(__always)
    static func matches(regexp items: [(field: EventPath, pattern: Pattern)], _ event: Event) -> Bool {
        all(items) { item in event.value(at: item.field).map { Condition.anyString($0, item.pattern.matches) } ?? false }
    }

    @inline(__always)
    static func matches(range items: [(field: EventPath, bounds: RangeBounds)], _ event: Event) -> Bool {
        all(items) { item in
            guard let value = event.value(at: item.field) else { return false }
            return item.bounds.contains(value)
        }
    }

    @inline(__always)
    static func matches(network items: [(field: EventPath, ranges: [NetworkRange])], _ event: Event) -> Bool {
        all(items) { item in
            guard let value = event.value(at: item.field) else { return false }
            return item.ranges.withUnsafeBufferPointer { Condition.anyAddress(value, in: $0) }
        }
    }

    @inline(__always)
    static func matches(hasFields fields: [EventPath], _ event: Event) -> Bool {
        all(fields) { event.value(at: $0) != nil }
    }

    /// Whether `test` holds for every element of `list`, each lent where it lies.
    @inline(__always)
    static func all<T>(_ list: [T], _ test: (borrowing T) -> Bool) -> Bool {
        list.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where !test(buffer[i]) { return false }
            return true
        }
    }

    /// A string, or any string element of an array, satisfying `test`.
    static func anyString(_ value: FieldValue, _ test: (String) -> Bool) -> Bool {
        switch value {
        case .string(let s): return test(s)
        case .array(let items): return items.contains { if case .string(let s) = $0 { return test(s) } else { return false } }
        default: return false
        }
    }

    /// An address in an IP string, or any address in a list of them, in one of `ranges`; text that is not an
    /// address is skipped.
    static func anyAddress(_ value: FieldValue, in ranges: UnsafeBufferPointer<NetworkRange>) -> Bool {
        switch value {
        case .string(let s):
            guard let address = IPAddress(s) else { return false }
            return ranges.contains { $0.contains(address) }
        case .array(let items): return items.contains { anyAddress($0, in: ranges) }
        default: return false
        }
    }
}

/// The value of an `equals` operand: libbeat accepts integers, strings and booleans.
public enum EqualsOperand: Sendable, Equatable {
    case int(Int64)
    case string(String)
    case bool(Bool)

    /// Equality without coercion across types; integers match signed and unsigned event integers.
    func equals(_ value: FieldValue) -> Bool {
        switch (self, value) {
        case (.int(let a), .int(let b)): return a == b
        case (.int(let a), .uint(let b)): return a >= 0 && UInt64(a) == b
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        default: return false
        }
    }
}

/// The bounds of one `range` field.
public struct RangeBounds: Sendable, Equatable {
    public var gte: Double?
    public var gt: Double?
    public var lte: Double?
    public var lt: Double?

    /// True for a number within every bound; other types never are.
    func contains(_ value: FieldValue) -> Bool {
        let x: Double
        switch value {
        case .int(let i): x = Double(i)
        case .uint(let u): x = Double(u)
        case .double(let d): x = d
        default: return false
        }
        if let gte, !(x >= gte) { return false }
        if let gt, !(x > gt) { return false }
        if let lte, !(x <= lte) { return false }
        if let lt, !(x < lt) { return false }
        return true
    }
}
