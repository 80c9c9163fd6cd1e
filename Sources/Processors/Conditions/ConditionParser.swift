// From a condition's configuration to a `Condition`. Field names are flattened back to dotted paths (the
// loader nests dotted keys, and libbeat flattens them the same way), so `equals.http.response.status_code: 200`
// and `equals: {http: {response: {status_code: 200}}}` are one condition.
//
// Deliberate difference from libbeat: libbeat uses the first operator it finds and silently ignores other
// keys at the same level; wirebeat rejects unknown keys and several operators in one map, because both are
// always mistakes that would otherwise change which events a processor touches without a word.

import Config
import Events
import NetModel

/// Parses conditions with errors pointing into one processor entry.
public struct ConditionParser {
    /// The entry whose locations errors use.
    public let entry: ProcessorEntry

    /// A parser for conditions inside `entry`.
    public init(entry: ProcessorEntry) { self.entry = entry }

    /// The operators, in libbeat's order of precedence.
    public static let operators = ["equals", "contains", "regexp", "range", "has_fields", "network", "or", "and", "not"]

    /// Parses the condition `value` written at `path` (relative to the entry).
    public func parse(_ value: ConfigValue, at path: String) throws(ConfigError) -> Condition {
        guard case .map(let map) = value, !map.isEmpty else {
            throw entry.error(
                at: path, "missing or invalid condition: expected a map with one of \(Self.operators.joined(separator: ", "))")
        }
        let keys = map.entries.map(\.key)
        if let unknown = keys.first(where: { !Self.operators.contains($0) }) {
            throw entry.keyError(
                at: path + "." + unknown,
                "unknown condition \"\(unknown)\" (expected one of \(Self.operators.joined(separator: ", ")))")
        }
        guard keys.count == 1, let op = keys.first, let operand = map[op] else {
            throw entry.error(
                at: path, "a condition has one operator; found \(keys.joined(separator: ", ")) (combine them with and/or)")
        }
        let at = path + "." + op
        switch op {
        case "equals":
            return .equals(try fields(operand, at: at).map { (f, v) throws(ConfigError) in
                (EventPath(f), try equalsOperand(v, at: at + "." + f))
            })
        case "contains":
            return .contains(try fields(operand, at: at).map { (f, v) throws(ConfigError) in
                guard case .string(let s) = v else { throw entry.error(at: at + "." + f, "contains needs a string, got \(v.shapeName)") }
                return (EventPath(f), s)
            })
        case "regexp":
            return .regexp(try fields(operand, at: at).map { (f, v) throws(ConfigError) in
                guard case .string(let s) = v else { throw entry.error(at: at + "." + f, "regexp needs a string, got \(v.shapeName)") }
                do throws(ProcessorFailure) {
                    return (EventPath(f), try Pattern(s))
                } catch {
                    throw entry.error(at: at + "." + f, error.message)
                }
            })
        case "range":
            return .range(try rangeFields(operand, at: at))
        case "network":
            return .network(try fields(operand, at: at).map { (f, v) throws(ConfigError) in
                (EventPath(f), try networks(v, at: at + "." + f))
            })
        case "has_fields":
            guard case .list(let items) = operand, !items.isEmpty else {
                throw entry.error(at: at, "has_fields needs a list of field names")
            }
            return .hasFields(try items.enumerated().map { (i, item) throws(ConfigError) in
                guard case .string(let s) = item else { throw entry.error(at: "\(at).\(i)", "expected a field name, got \(item.shapeName)") }
                return EventPath(s)
            })
        case "or", "and":
            guard case .list(let items) = operand else { throw entry.error(at: at, "\(op) needs a list of conditions") }
            let parts = try items.enumerated().map { (i, item) throws(ConfigError) in try parse(item, at: "\(at).\(i)") }
            return op == "or" ? .or(parts) : .and(parts)
        default:
            return .not(try parse(operand, at: at))
        }
    }

    /// The `field: value` pairs of an operator, with nested maps flattened to dotted field names.
    func fields(_ operand: ConfigValue, at path: String) throws(ConfigError) -> [(String, ConfigValue)] {
        guard case .map(let map) = operand, !map.isEmpty else {
            throw entry.error(at: path, "expected a map of field names to values, got \(operand.shapeName)")
        }
        var out: [(String, ConfigValue)] = []
        func flatten(_ map: ConfigMap, _ prefix: String) {
            for item in map {
                let name = prefix.isEmpty ? item.key : prefix + "." + item.key
                if case .map(let inner) = item.value, !inner.isEmpty { flatten(inner, name) } else { out.append((name, item.value)) }
            }
        }
        flatten(map, "")
        return out
    }

    func equalsOperand(_ v: ConfigValue, at path: String) throws(ConfigError) -> EqualsOperand {
        switch v {
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        default: throw entry.error(at: path, "equals compares with an integer, a string or a boolean, got \(v.shapeName)")
        }
    }

    /// `range` operands: `field.gte: 1` (the last part names the bound); several bounds of one field combine.
    func rangeFields(
        _ operand: ConfigValue, at path: String
    ) throws(ConfigError) -> [(field: EventPath, bounds: RangeBounds)] {
        var out: [(field: EventPath, bounds: RangeBounds)] = []
        for (name, value) in try fields(operand, at: path) {
            guard let dot = name.lastIndex(of: ".") else {
                throw entry.error(at: path + "." + name, "range needs field.gte, field.gt, field.lte or field.lt")
            }
            let field = String(name[..<dot]), bound = String(name[name.index(after: dot)...])
            let number: Double
            switch value {
            case .int(let i): number = Double(i)
            case .double(let d): number = d
            case .string(let s) where Double(s) != nil: number = Double(s)!
            default: throw entry.error(at: path + "." + name, "range bounds are numbers, got \(value.shapeName)")
            }
            let index = out.firstIndex { $0.field.text == field } ?? {
                out.append((EventPath(field), RangeBounds()))
                return out.count - 1
            }()
            switch bound {
            case "gte": out[index].bounds.gte = number
            case "gt": out[index].bounds.gt = number
            case "lte": out[index].bounds.lte = number
            case "lt": out[index].bounds.lt = number
            default: throw entry.error(at: path + "." + name, "unknown range bound \"\(bound)\" (expected gte, gt, lte or lt)")
            }
        }
        return out
    }

    func networks(_ v: ConfigValue, at path: String) throws(ConfigError) -> [NetworkRange] {
        let items: [ConfigValue]
        if case .list(let l) = v { items = l } else { items = [v] }
        guard !items.isEmpty else { throw entry.error(at: path, "network needs at least one range") }
        return try items.enumerated().map { (i, item) throws(ConfigError) in
            guard case .string(let s) = item, let range = NetworkRange(s) else {
                let named = NamedNetwork.allCases.map(\.rawValue).joined(separator: ", ")
                throw entry.error(at: items.count == 1 ? path : "\(path).\(i)", "invalid network \(item.shapeName == "a string" ? "\"\(item.stringValue!)\"" : item.shapeName) (a CIDR such as 10.0.0.0/8 or one of: \(named))")
            }
            return range
        }
    }
}
