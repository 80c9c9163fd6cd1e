// TCP sequence numbers as a 32-bit serial number space.
//
// Implements RFC 1982 §3 (serial number arithmetic, SERIAL_BITS = 32) as RFC 9293 §3.4 requires for
// sequence numbers: every comparison is "modulo 2^32", so a stream whose numbers wrap past 2^32 − 1 to 0
// keeps its order. Addition is defined only for increments below 2^31 (RFC 1982 §3.1); a pair exactly
// 2^31 apart is, as RFC 1982 §3.2 says, undefined — here neither is before the other.

/// A TCP sequence or acknowledgment number compared with wrap-around (RFC 1982).
///
/// Not `Comparable`: serial order is not transitive across the whole space, so sorting a mixed set of
/// sequence numbers would be meaningless. Compare numbers that are known to be within 2^31 of each other,
/// as the numbers of one TCP window always are.
public struct SequenceNumber: Hashable, Sendable, CustomStringConvertible {
    /// The number as carried in the TCP header.
    public var rawValue: UInt32

    /// A sequence number from its header value.
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The signed distance from `self` forward to `other`: positive when `other` is later.
    ///
    /// The result lies in −2^31 ..< 2^31; two numbers exactly 2^31 apart give −2^31 both ways.
    @inlinable
    public func distance(to other: SequenceNumber) -> Int {
        Int(Int32(bitPattern: other.rawValue &- rawValue))
    }

    /// The number `n` positions later (earlier when `n` is negative), wrapping modulo 2^32.
    @inlinable
    public func advanced(by n: Int) -> SequenceNumber {
        SequenceNumber(rawValue &+ UInt32(truncatingIfNeeded: n))
    }

    /// True when `a` comes strictly before `b` in serial order (RFC 1982 §3.2).
    @inlinable
    public static func < (a: SequenceNumber, b: SequenceNumber) -> Bool { a.distance(to: b) > 0 }

    /// True when `a` comes strictly after `b` in serial order.
    @inlinable
    public static func > (a: SequenceNumber, b: SequenceNumber) -> Bool { b.distance(to: a) > 0 }

    /// True when `a` equals or comes before `b`.
    @inlinable
    public static func <= (a: SequenceNumber, b: SequenceNumber) -> Bool { a == b || a < b }

    /// True when `a` equals or comes after `b`.
    @inlinable
    public static func >= (a: SequenceNumber, b: SequenceNumber) -> Bool { a == b || a > b }

    /// `a` advanced by `n` bytes.
    @inlinable
    public static func + (a: SequenceNumber, n: Int) -> SequenceNumber { a.advanced(by: n) }

    /// The signed number of bytes from `b` forward to `a`.
    @inlinable
    public static func - (a: SequenceNumber, b: SequenceNumber) -> Int { b.distance(to: a) }

    /// The later of two numbers in serial order (`a` when they are not ordered).
    @inlinable
    public static func latest(_ a: SequenceNumber, _ b: SequenceNumber) -> SequenceNumber { b > a ? b : a }

    /// The earlier of two numbers in serial order (`a` when they are not ordered).
    @inlinable
    public static func earliest(_ a: SequenceNumber, _ b: SequenceNumber) -> SequenceNumber { b < a ? b : a }

    /// The header value in decimal.
    public var description: String { String(rawValue) }
}
