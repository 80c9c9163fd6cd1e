// Decimal digits written straight into memory, two at a time: every event carries a dozen numbers and three
// times, and a digit per division by ten was most of their cost.

/// Writing unsigned integers as decimal text.
public enum DecimalText {
    /// The most digits a `UInt64` has.
    public static let maxDigits = 20

    /// The number of decimal digits of `value` (1 for 0).
    @inlinable @inline(__always)
    public static func count(_ value: UInt64) -> Int {
        var n = 1
        var v = value
        while v >= 100 {
            v /= 100
            n &+= 2
        }
        return v >= 10 ? n &+ 1 : n
    }

    /// Writes the last `width` decimal digits of `value` at `p`, with leading zeros.
    @inlinable @inline(__always)
    public static func write(_ value: UInt64, width: Int, to p: UnsafeMutablePointer<UInt8>) {
        var v = value
        var i = width
        while i >= 2 {
            let q = v / 100
            let pair = UInt8(truncatingIfNeeded: v &- q &* 100)
            p[i &- 2] = pair / 10 &+ UInt8(ascii: "0")
            p[i &- 1] = pair % 10 &+ UInt8(ascii: "0")
            v = q
            i &-= 2
        }
        if i == 1 { p[0] = UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0") }
    }

    /// `value` as decimal text, as `String(value)` gives it; up to 15 characters fit in the String itself.
    public static func string(_ value: Int64) -> String {
        let magnitude = value.magnitude
        let digits = count(magnitude)
        let length = value < 0 ? digits &+ 1 : digits
        return String(unsafeUninitializedCapacity: length) { buffer in
            let p = buffer.baseAddress!
            if value < 0 { p[0] = UInt8(ascii: "-") }
            write(magnitude, width: digits, to: p + (length &- digits))
            return length
        }
    }

    /// `value` as decimal text, as `String(value)` gives it.
    public static func string(_ value: UInt64) -> String {
        let digits = count(value)
        return String(unsafeUninitializedCapacity: digits) { buffer in
            write(value, width: digits, to: buffer.baseAddress!)
            return digits
        }
    }
}
