// Formatting capture time as RFC 3339 text in UTC, without Foundation (this runs once per event field).

/// RFC 3339 formatting of `Timestamp` values in UTC.
public enum RFC3339 {
    /// Formats `t` as `YYYY-MM-DDTHH:MM:SS[.fff…]Z` with exactly `fractionDigits` (0…9) fraction digits,
    /// truncating (not rounding) as Go's time formatting does.
    public static func format(_ t: Timestamp, fractionDigits: Int = 3) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(30)
        append(t, fractionDigits: fractionDigits, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the formatted time as UTF-8 to `out`.
    public static func append(_ t: Timestamp, fractionDigits: Int = 3, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLength) { buffer in
            let count = write(t, fractionDigits: fractionDigits, to: buffer.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: count))
        }
    }

    /// The longest text `write` makes: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
    public static let maxLength = 30

    /// Writes the text of `t` at `p` (which has room for `maxLength` bytes) and returns its length: digit by
    /// digit into memory, with no per-byte append (several times stamped into every event).
    @inlinable
    public static func write(_ t: Timestamp, fractionDigits: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var cache = DayCache()
        return write(t, fractionDigits: fractionDigits, to: p, cache: &cache)
    }

    /// The text of the last day written (`YYYY-MM-DD`), kept by a caller that writes several times in a row:
    /// the times of one event (and of one capture) nearly all fall on the same day, and working out the
    /// calendar date took about a third of each write.
    public struct DayCache {
        @usableFromInline var day = Int64.min
        @usableFromInline var text: (UInt64, UInt16) = (0, 0)

        public init() {}
    }

    /// `write(_:fractionDigits:to:)`, taking the date from `cache` when `t` falls on its day (and keeping the
    /// date of `t` there otherwise).
    @inlinable
    public static func write(
        _ t: Timestamp, fractionDigits: Int, to p: UnsafeMutablePointer<UInt8>, cache: inout DayCache
    ) -> Int {
        let ns = t.nanoseconds
        var secs = ns / 1_000_000_000
        var sub = ns % 1_000_000_000
        if sub < 0 {
            sub += 1_000_000_000
            secs -= 1
        }
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let raw = UnsafeMutableRawPointer(p)
        if days == cache.day {
            raw.storeBytes(of: cache.text.0, as: UInt64.self)
            raw.storeBytes(of: cache.text.1, toByteOffset: 8, as: UInt16.self)
        } else {
            let (y, m, d) = civil(fromDays: days)
            digits(y, 4, p)
            p[4] = UInt8(ascii: "-")
            digits(m, 2, p + 5)
            p[7] = UInt8(ascii: "-")
            digits(d, 2, p + 8)
            cache.day = days
            cache.text = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        }
        p[10] = UInt8(ascii: "T")
        digits(rem / 3600, 2, p + 11)
        p[13] = UInt8(ascii: ":")
        digits(rem / 60 % 60, 2, p + 14)
        p[16] = UInt8(ascii: ":")
        digits(rem % 60, 2, p + 17)
        var count = 19
        let n = max(0, min(9, fractionDigits))
        if n > 0 {
            p[19] = UInt8(ascii: ".")
            var scale: Int64 = 1
            for _ in 0..<(9 - n) { scale *= 10 }
            digits(sub / scale, n, p + 20)
            count = 20 + n
        }
        p[count] = UInt8(ascii: "Z")
        return count + 1
    }

    /// Writes the last `width` decimal digits of `value` (0 for a negative one) at `p`.
    @inlinable @inline(__always)
    static func digits(_ value: Int64, _ width: Int, _ p: UnsafeMutablePointer<UInt8>) {
        DecimalText.write(value < 0 ? 0 : UInt64(value), width: width, to: p)
    }

    /// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
    /// (the well-known era-based algorithm; exact for all Int64 day counts that fit a 4-digit year).
    @usableFromInline
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// (year, month, day) to days since 1970-01-01; the inverse of `civil(fromDays:)`.
    public static func days(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = m > 2 ? m - 3 : m + 9
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
