// JSON text to event values for `decode_json_fields`, and the two libbeat helpers that write decoded objects:
// de-dotting keys (`expand_keys`, jsontransform's expandFields) and reading an `@timestamp` string.
//
// Parsing is Foundation's JSONSerialization; numbers are mapped as libbeat maps them: a number written as an
// integer that fits int64 stays an integer, anything else (fraction, exponent, too large) is a double. Object
// keys come out sorted (by UTF-8 bytes) where Go's maps give a random order, so events are reproducible.
// Known differences: a lone UTF-16 surrogate escape (`"\ud800"`) is an error here where Go substitutes U+FFFD,
// and parse errors are worded by Foundation, not by Go's encoding/json.

import Events
import Foundation
import NetModel

/// JSON decoding into `FieldValue`s.
enum JSONValues {
    /// Parses one JSON value (object, array or scalar) from `text`.
    static func decode(_ text: String) throws(ProcessorFailure) -> FieldValue {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw ProcessorFailure("invalid JSON: \(detail ?? error.localizedDescription)")
        }
        return value(parsed)
    }

    /// One JSONSerialization result as an event value.
    static func value(_ any: Any) -> FieldValue {
        switch any {
        case is NSNull:
            return .null
        case let s as String:
            return .string(s)
        case let decimal as NSDecimalNumber:
            // Foundation falls back to NSDecimalNumber for integers that overflow its integer parse (and for
            // Int64.min); Go keeps an integer when it fits int64 and uses float64 otherwise.
            return integralInt64(decimal.decimalValue).map(FieldValue.int) ?? .double(decimal.doubleValue)
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "d", "f": return .double(n.doubleValue)
            case "Q", "L", "I", "S", "C":
                let u = n.uint64Value
                return u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
            default: return .int(n.int64Value)
            }
        case let items as [Any]:
            return .array(items.map(value))
        case let dict as [String: Any]:
            var fields = Fields(capacity: dict.count)
            for key in dict.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                fields.append(key, value(dict[key]!))
            }
            return .object(fields)
        default:
            return .string(String(describing: any))
        }
    }

    /// `d` as an Int64 when it is a whole number within Int64's range.
    static func integralInt64(_ d: Decimal) -> Int64? {
        guard d >= Decimal(Int64.min), d <= Decimal(Int64.max) else { return nil }
        var source = d
        var whole = Decimal()
        NSDecimalRound(&whole, &source, 0, .plain)
        guard whole == d else { return nil }
        return Int64(NSDecimalNumber(decimal: whole).stringValue)
    }

    /// libbeat's check before decoding a nested string: after trimming white space it starts and ends with
    /// brackets or braces.
    static func isStructured(_ s: String) -> Bool {
        let trimmed = Array(s.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard trimmed.count > 1, let first = trimmed.first, let last = trimmed.last else { return false }
        return (first == UInt8(ascii: "[") && last == UInt8(ascii: "]"))
            || (first == UInt8(ascii: "{") && last == UInt8(ascii: "}"))
    }

    /// An `@timestamp` from decoded JSON, in the two layouts libbeat accepts: RFC 3339 (`Z` or `±hh:mm`, any
    /// fraction, as Go's parser allows) and `2006-01-02T15:04:05.000Z0700` (three fraction digits, `Z` or
    /// `±hhmm`). Written out because Foundation's date parsers stop at microseconds.
    static func parseTimestamp(_ s: String) -> Timestamp? {
        let b = Array(s.utf8)
        var i = 0
        func number(_ width: Int) -> Int64? {
            guard i + width <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[i..<i + width] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            i += width
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2), expect("T"),
            let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2)
        else { return nil }
        var nanos: Int64 = 0
        var fractionDigits = 0
        if expect(".") {
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if fractionDigits < 9 { nanos = nanos * 10 + Int64(b[i] - 0x30) }
                fractionDigits += 1
                i += 1
            }
            guard fractionDigits > 0 else { return nil }
            for _ in min(fractionDigits, 9)..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        if expect("Z") {
            guard i == b.count else { return nil }
        } else {
            guard i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
            let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = number(2) else { return nil }
            let colon = expect(":")
            // RFC 3339 writes the offset with a colon; the ISO 8601 layout has none and exactly 3 fraction digits.
            guard colon || fractionDigits == 3, let om = number(2), i == b.count, oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        }
        let monthDays: [Int64] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        guard (1...12).contains(month), day >= 1,
            day <= monthDays[Int(month) - 1] + (month == 2 && leap ? 1 : 0),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = RFC3339.days(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Timestamp(seconds: seconds, nanoseconds: nanos)
    }
}

extension Fields {
    /// De-dots keys in place (jsontransform's expandFields): `{"a.b": 1}` becomes `{"a": {"b": 1}}`, objects
    /// under a common prefix merge, and a conflict (a value where an object is needed, or two values for one
    /// key) is an error that leaves the object partly expanded, as in libbeat. Keys are handled in their
    /// current order, so the result is deterministic where Go's depends on map order.
    mutating func expandDottedKeys() throws(ProcessorFailure) {
        for key in entries.map(\.key) {
            guard var value = self[key] else { continue }
            var newObject: Fields? = nil
            if case .object(var inner) = value {
                do {
                    try inner.expandDottedKeys()
                } catch {
                    self[key] = .object(inner)
                    throw ProcessorFailure("error expanding \"\(key)\": \(error.message)")
                }
                value = .object(inner)
                self[key] = value
                newObject = inner
            }
            guard key.contains(".") else { continue }
            self[key] = nil
            let old: FieldValue?
            do {
                old = try strictPut(key, value)
            } catch {
                throw ProcessorFailure("cannot expand \"\(key)\": found conflicting key")
            }
            guard let old else { continue }
            guard var merged = newObject else {
                throw ProcessorFailure("cannot expand \"\(key)\": found existing (\(old.goTypeName)) value")
            }
            guard case .object(let oldObject) = old else {
                throw ProcessorFailure("cannot expand \"\(key)\": found conflicting key")
            }
            defer { set(key, .object(merged)) }
            do {
                try merged.mergeObjects(oldObject)
            } catch {
                throw ProcessorFailure("cannot expand \"\(key)\": \(error.message)")
            }
        }
    }

    /// jsontransform's mergeObjects: adds `other`'s keys, merging objects on both sides; two values for one key
    /// that are not both objects are an error.
    mutating func mergeObjects(_ other: Fields) throws(ProcessorFailure) {
        for (key, incoming) in other.entries {
            guard let existing = self[key] else {
                self[key] = incoming
                continue
            }
            guard case .object(var mine) = existing else {
                throw ProcessorFailure("cannot merge \"\(key)\": found (\(existing.goTypeName)) value")
            }
            guard case .object(let theirs) = incoming else {
                throw ProcessorFailure("cannot merge \"\(key)\": found (\(incoming.goTypeName)) value")
            }
            defer { self[key] = .object(mine) }
            do {
                try mine.mergeObjects(theirs)
            } catch {
                throw ProcessorFailure("cannot merge \"\(key)\": \(error.message)")
            }
        }
    }
}
