// `convert` (reference/libbeat.md §4.5): changes the type of fields, in place or into another field (copied or
// moved). Conversions follow libbeat's: integers from decimal text or `0x` hex (Go's ParseInt, so "017" is 17
// and "1_000" is an error), `integer` is 32-bit and wraps numbers the way Go's int32(...) does, booleans from
// Go's ParseBool words ("1", "t", "TRUE", "false", ...), `ip` keeps the text after checking it is an IPv4 or
// IPv6 address, and `string` is Go's `%v` text of the value.
//
// Errors: every conversion is computed before anything is written; with `fail_on_error` (the default) the first
// failure leaves the event as it was and is reported, and without it failed fields are skipped silently.
// libbeat's convert does not set `error.message` (rename, replace and urldecode do), and neither does this.
//
// Deliberate differences: a float converted to `integer`/`long` that is NaN, infinite or out of range is an
// error (Go gives a machine-dependent number); `float` values are stored as the double nearest to the float32's
// shortest text, so they print as Go prints a float32 ("1.1", not "1.100000023841858").

import Events
import NetModel

/// The types `convert` knows.
enum ConvertType: String, CaseIterable, Sendable {
    case integer, long, float, double, string, boolean, ip
}

/// `convert`: per-field type conversion.
struct Convert: Processor {
    /// One `fields` entry.
    struct Conversion: Sendable {
        let from: EventPath
        /// nil for in-place conversion.
        let to: EventPath?
        /// nil copies or moves the value unchanged.
        let type: ConvertType?
    }

    let conversions: [Conversion]
    let ignoreMissing: Bool
    let failOnError: Bool
    let rename: Bool
    let tag: String
    var name: String { "convert" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        // One entry (the usual case) needs no list of results: read, convert, store.
        if conversions.count == 1 {
            let conversion = conversions[0]
            let result: FieldValue?
            do {
                result = try convert(conversion, in: event)
            } catch {
                return failOnError ? .failed(error.message) : .keep
            }
            guard let value = result else { return .keep }
            return store(conversion, value, in: &event, restoring: nil) ?? .keep
        }
        // Every value is read before any is written, as Beats does.
        var results: [FieldValue?] = []
        results.reserveCapacity(conversions.count)
        for conversion in conversions {
            do {
                results.append(try convert(conversion, in: event))
            } catch {
                if failOnError { return .failed(error.message) }
                results.append(nil)
            }
        }
        let before = failOnError ? event : nil
        for (conversion, result) in zip(conversions, results) {
            guard let value = result else { continue }
            if let failure = store(conversion, value, in: &event, restoring: before) { return failure }
        }
        return .keep
    }

    /// Writes one converted value (and removes the source under `rename`); the failure to return, if any,
    /// after restoring `before` (`fail_on_error` with several entries).
    private func store(_ conversion: Conversion, _ value: FieldValue, in event: inout Event, restoring before: Event?)
        -> ProcessorOutcome?
    {
        guard let to = conversion.to else {
            try? event.putChecked(conversion.from, value)
            return nil
        }
        do {
            try event.putChecked(to, value)
        } catch {
            if failOnError {
                if let before { event = before }
                return .failed(describe(conversion, "failed to put field [\(to)]: \(error.message)"))
            }
        }
        if rename { event.delete(conversion.from) }
        return nil
    }

    /// The converted value of one entry; nil when the source is missing and `ignore_missing` is set.
    func convert(_ conversion: Conversion, in event: Event) throws(ProcessorFailure) -> FieldValue? {
        let found: FieldValue?
        do {
            found = try event.strictValue(at: conversion.from)
        } catch {
            throw ProcessorFailure(describe(conversion, "field [\(conversion.from)] is missing: \(error.message)"))
        }
        guard let value = found else {
            if ignoreMissing { return nil }
            throw ProcessorFailure(describe(conversion, "field [\(conversion.from)] is missing: key not found"))
        }
        guard let type = conversion.type else { return value }
        do {
            return try Convert.transform(value, to: type)
        } catch {
            throw ProcessorFailure(describe(conversion, "unable to convert value [\(value.goText)]: \(error.message)"))
        }
    }

    /// libbeat's message layout: `failed in processor.convert[ with instance_id=tag]: conversion of field [a] to
    /// type [integer][ with target field [b]] failed: why`.
    func describe(_ conversion: Conversion, _ why: String) -> String {
        var text = "failed in processor.convert"
        if !tag.isEmpty { text += " with instance_id=\(tag)" }
        text += ": conversion of field [\(conversion.from)] to type [\(conversion.type?.rawValue ?? "[unset]")]"
        if let to = conversion.to { text += " with target field [\(to)]" }
        return text + " failed: " + why
    }

    /// `value` as `type`.
    static func transform(_ value: FieldValue, to type: ConvertType) throws(ProcessorFailure) -> FieldValue {
        switch type {
        case .string:
            if value == .null { throw ProcessorFailure("invalid conversion of [null] to string") }
            return .string(value.goText)
        case .long:
            return .int(try integer(value, bits: 64, typeName: "long"))
        case .integer:
            return .int(try integer(value, bits: 32, typeName: "integer"))
        case .double:
            return .double(try double(value, typeName: "float"))
        case .float:
            let d = try double(value, typeName: "float", singlePrecision: true)
            return .double(Double(Float(d).description) ?? d)
        case .boolean:
            switch value {
            case .bool(let b): return .bool(b)
            case .string(let s):
                guard let b = parseBool(s) else {
                    throw ProcessorFailure("strconv.ParseBool: parsing \"\(s)\": invalid syntax")
                }
                return .bool(b)
            default: throw ProcessorFailure("invalid conversion of [\(value.goTypeName)] to boolean")
            }
        case .ip:
            guard case .string(let s) = value else {
                throw ProcessorFailure("invalid conversion of [\(value.goTypeName)] to IP")
            }
            guard IPAddress(s) != nil else { throw ProcessorFailure("value is not a valid IP address") }
            return .string(s)
        }
    }

    /// An integer of `bits` (32 or 64) as Go converts to int32/int64: text is parsed with range checks,
    /// numbers are truncated and wrapped.
    static func integer(_ value: FieldValue, bits: Int, typeName: String) throws(ProcessorFailure) -> Int64 {
        let wide: Int64
        switch value {
        case .string(let s):
            guard let parsed = parseInt(s, bits: bits) else {
                throw ProcessorFailure("strconv.ParseInt: parsing \"\(s)\": invalid syntax or value out of range")
            }
            return parsed
        case .int(let i): wide = i
        case .uint(let u): wide = Int64(bitPattern: u)
        case .double(let d):
            let limit = bits == 32 ? 2_147_483_648.0 : 9_223_372_036_854_775_808.0
            guard d.isFinite, d > -limit - 1, d < limit else {
                throw ProcessorFailure("value \(GoFormat.float(d)) is out of the range of \(typeName)")
            }
            wide = Int64(d.rounded(.towardZero))
        default:
            throw ProcessorFailure("invalid conversion of [\(value.goTypeName)] to \(typeName)")
        }
        return bits == 32 ? Int64(Int32(truncatingIfNeeded: wide)) : wide
    }

    /// A float as Go's ParseFloat (64 or 32 bits) reads text, or as Go converts numbers.
    static func double(_ value: FieldValue, typeName: String, singlePrecision: Bool = false) throws(ProcessorFailure)
        -> Double
    {
        switch value {
        case .string(let s):
            guard let d = parseFloat(s, singlePrecision: singlePrecision) else {
                throw ProcessorFailure("strconv.ParseFloat: parsing \"\(s)\": invalid syntax or value out of range")
            }
            return d
        case .int(let i): return singlePrecision ? Double(Float(i)) : Double(i)
        case .uint(let u): return singlePrecision ? Double(Float(u)) : Double(u)
        case .double(let d): return singlePrecision ? Double(Float(d)) : d
        default: throw ProcessorFailure("invalid conversion of [\(value.goTypeName)] to \(typeName)")
        }
    }

    /// Go's `strconv.ParseBool`.
    static func parseBool(_ s: String) -> Bool? {
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }

    /// libbeat's `strToInt`: `strconv.ParseInt(s, 10, bits)`, or base 0 when the text (after a sign) starts
    /// with `0x`/`0X`, where Go also accepts `_` between digits.
    static func parseInt(_ s: String, bits: Int) -> Int64? {
        var body = Substring(s)
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        let magnitude: UInt64?
        if body.count >= 3, body.hasPrefix("0x") || body.hasPrefix("0X") {
            magnitude = hexMagnitude(body.dropFirst(2))
        } else {
            guard !body.isEmpty, body.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            magnitude = UInt64(body)
        }
        guard let m = magnitude else { return nil }
        let limit: UInt64 = bits == 32 ? 1 << 31 : 1 << 63
        if negative {
            guard m <= limit else { return nil }
            return m == limit ? (bits == 32 ? Int64(Int32.min) : Int64.min) : -Int64(m)
        }
        guard m < limit else { return nil }
        return Int64(m)
    }

    /// Hex digits after `0x`, with Go's underscore rule: each `_` sits after the prefix or a digit and
    /// before a digit.
    static func hexMagnitude(_ digits: Substring) -> UInt64? {
        var clean = ""
        var previousWasDigit = true  // the prefix counts as a digit for the rule
        for c in digits {
            if c == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard c.isHexDigit else { return nil }
            clean.append(c)
            previousWasDigit = true
        }
        guard previousWasDigit, !clean.isEmpty else { return nil }
        return UInt64(clean, radix: 16)
    }

    /// Go's `strconv.ParseFloat`: decimal or hex (`0x1p-2`, exponent required) text, `inf`/`infinity`/`nan`
    /// in any case; a finite number too large for the precision is an error.
    static func parseFloat(_ s: String, singlePrecision: Bool) -> Double? {
        let lower = s.lowercased()
        let unsigned = lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
        if unsigned == "inf" || unsigned == "infinity" { return lower.hasPrefix("-") ? -.infinity : .infinity }
        if unsigned == "nan" { return .nan }
        guard let first = unsigned.first, first.isNumber || first == "." else { return nil }
        if unsigned.hasPrefix("0x") && !unsigned.contains("p") { return nil }
        if unsigned.contains("_") { return nil }
        if singlePrecision {
            guard let f = Float(s), f.isFinite else { return nil }
            return Double(f)
        }
        guard let d = Double(s), d.isFinite else { return nil }
        return d
    }
}
