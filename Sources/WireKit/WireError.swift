// WireKit: the only code in wirebeat that reads bytes by offset.
//
// Parsers elsewhere describe grammar in terms of `ByteCursor` reads; every read is bounds-checked here,
// and every failure is a `WireError` carrying the offset where the bytes ran out or made no sense.

/// Why a read from the wire failed, and where.
///
/// Errors are values with an open `Code`, so protocol parsers can add their own codes without
/// touching this target. Factories are `@inline(never)` to keep the failure path out of hot loops.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An open set of failure kinds.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The input ended before the value was complete: more bytes may fix it.
        public static let truncated = Code(rawValue: "truncated")
        /// A length or field value contradicts the grammar: more bytes will not fix it.
        public static let malformed = Code(rawValue: "malformed")
        /// A declared length exceeds a named limit.
        public static let overLimit = Code(rawValue: "over_limit")
    }

    /// The kind of failure.
    public let code: Code
    /// The offset, from the start of the cursor's buffer, where the failure was detected.
    public let offset: Int
    /// For `.truncated`: how many more bytes were needed at `offset` (at least).
    public let needed: Int
    /// A short static reason, for logs and anomaly listings.
    public let reason: StaticString

    /// Creates an error.
    public init(code: Code, offset: Int, needed: Int = 0, reason: StaticString = "") {
        self.code = code
        self.offset = offset
        self.needed = needed
        self.reason = reason
    }

    /// The input ended `needed` bytes short at `offset`.
    @inline(never)
    public static func truncated(at offset: Int, needed: Int) -> WireError {
        WireError(code: .truncated, offset: offset, needed: needed, reason: "input ended early")
    }

    /// A value at `offset` breaks the grammar.
    @inline(never)
    public static func malformed(at offset: Int, _ reason: StaticString) -> WireError {
        WireError(code: .malformed, offset: offset, reason: reason)
    }

    /// A declared length at `offset` exceeds a named limit.
    @inline(never)
    public static func overLimit(at offset: Int, _ reason: StaticString) -> WireError {
        WireError(code: .overLimit, offset: offset, reason: reason)
    }

    public var description: String {
        let why = reason.description
        return "\(code.rawValue) at offset \(offset)" + (needed > 0 ? " (need \(needed) more)" : "")
            + (why.isEmpty ? "" : ": \(why)")
    }

    public static func == (lhs: WireError, rhs: WireError) -> Bool {
        lhs.code == rhs.code && lhs.offset == rhs.offset && lhs.needed == rhs.needed
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(offset)
        hasher.combine(needed)
    }
}
