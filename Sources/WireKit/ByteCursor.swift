// A forward-only, bounds-checked reader over borrowed bytes.
//
// The cursor never owns or copies the bytes: it is valid only while the buffer it was made from is
// (for packets, the duration of the capture callback). All multi-byte reads are big-endian (network
// order) unless the name says otherwise. Reads throw `WireError` with typed throws, so a failed read
// costs no existential boxing.

/// A bounds-checked reader over an `UnsafeRawBufferPointer` it does not own.
public struct ByteCursor {
    /// The bytes being read; offsets in errors are relative to `base.baseAddress`.
    public let base: UnsafeRawBufferPointer
    /// Where the next read starts.
    @inlinable public var offset: Int { position }
    /// Storage for `offset`, settable from inlinable code in this module.
    @usableFromInline var position: Int
    /// One past the last readable byte (a window may end before `base.count`).
    public let end: Int

    /// A cursor over all of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.base = bytes
        self.position = 0
        self.end = bytes.count
    }

    /// A cursor over `bytes[start..<end]`, reporting offsets relative to `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) {
        precondition(start >= 0 && start <= end && end <= bytes.count, "cursor window out of range")
        self.base = bytes
        self.position = start
        self.end = end
    }

    /// Bytes left before `end`.
    @inlinable public var remaining: Int { end - offset }

    /// True when nothing is left to read.
    @inlinable public var isAtEnd: Bool { offset >= end }

    /// The unread bytes, without consuming them.
    @inlinable
    public var rest: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: base[offset..<end])
    }

    @inlinable @inline(__always)
    func require(_ count: Int) throws(WireError) {
        if count > end - offset { throw WireError.truncated(at: offset, needed: count - (end - offset)) }
    }

    /// Reads one byte.
    @inlinable
    public mutating func readUInt8() throws(WireError) -> UInt8 {
        try require(1)
        let v = base[offset]
        position &+= 1
        return v
    }

    /// Reads a big-endian 16-bit value.
    @inlinable
    public mutating func readUInt16() throws(WireError) -> UInt16 {
        try require(2)
        let v = base.loadBE16(at: offset)
        position &+= 2
        return v
    }

    /// Reads a big-endian 24-bit value (TLS handshake lengths).
    @inlinable
    public mutating func readUInt24() throws(WireError) -> UInt32 {
        try require(3)
        let v = UInt32(base[offset]) << 16 | UInt32(base[offset + 1]) << 8 | UInt32(base[offset + 2])
        position &+= 3
        return v
    }

    /// Reads a big-endian 32-bit value.
    @inlinable
    public mutating func readUInt32() throws(WireError) -> UInt32 {
        try require(4)
        let v = base.loadBE32(at: offset)
        position &+= 4
        return v
    }

    /// Reads a big-endian 64-bit value.
    @inlinable
    public mutating func readUInt64() throws(WireError) -> UInt64 {
        try require(8)
        let v = UInt64(base.loadBE32(at: offset)) << 32 | UInt64(base.loadBE32(at: offset + 4))
        position &+= 8
        return v
    }

    /// Reads a little-endian 16-bit value (BSD loopback headers, pcap metadata).
    @inlinable
    public mutating func readUInt16LE() throws(WireError) -> UInt16 {
        try require(2)
        let v = UInt16(base[offset]) | UInt16(base[offset + 1]) << 8
        position &+= 2
        return v
    }

    /// Reads a little-endian 32-bit value.
    @inlinable
    public mutating func readUInt32LE() throws(WireError) -> UInt32 {
        try require(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(base[offset + i]) << (8 * UInt32(i)) }
        position &+= 4
        return v
    }

    /// Returns the byte `ahead` positions past the cursor without consuming anything.
    @inlinable
    public func peekUInt8(ahead: Int = 0) throws(WireError) -> UInt8 {
        if ahead < 0 || ahead >= end - offset { throw WireError.truncated(at: offset + ahead, needed: 1) }
        return base[offset + ahead]
    }

    /// Returns the next `count` bytes and consumes them. The result borrows from `base`.
    @inlinable
    public mutating func readBytes(_ count: Int) throws(WireError) -> UnsafeRawBufferPointer {
        if count < 0 { throw WireError.malformed(at: offset, "negative length") }
        try require(count)
        let v = UnsafeRawBufferPointer(rebasing: base[offset..<(offset + count)])
        position &+= count
        return v
    }

    /// Skips `count` bytes.
    @inlinable
    public mutating func skip(_ count: Int) throws(WireError) {
        if count < 0 { throw WireError.malformed(at: offset, "negative length") }
        try require(count)
        position &+= count
    }

    /// Returns a cursor over the next `count` bytes and consumes them here; offsets stay absolute.
    @inlinable
    public mutating func window(_ count: Int) throws(WireError) -> ByteCursor {
        if count < 0 { throw WireError.malformed(at: offset, "negative length") }
        try require(count)
        let w = ByteCursor(base, start: offset, end: offset + count)
        position &+= count
        return w
    }

    /// Reads a 1-byte length and returns a window over that many following bytes.
    @inlinable
    public mutating func lengthPrefixed8() throws(WireError) -> ByteCursor {
        let n = Int(try readUInt8())
        return try window(n)
    }

    /// Reads a 2-byte length and returns a window over that many following bytes.
    @inlinable
    public mutating func lengthPrefixed16() throws(WireError) -> ByteCursor {
        let n = Int(try readUInt16())
        return try window(n)
    }

    /// Reads a 3-byte length and returns a window over that many following bytes.
    @inlinable
    public mutating func lengthPrefixed24() throws(WireError) -> ByteCursor {
        let n = Int(try readUInt24())
        return try window(n)
    }
}

extension UnsafeRawBufferPointer {
    /// Big-endian 16-bit load at `offset`; the caller has checked bounds.
    @inlinable
    public func loadBE16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// Big-endian 32-bit load at `offset`; the caller has checked bounds.
    @inlinable
    public func loadBE32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Big-endian 64-bit load at `offset`; the caller has checked bounds.
    @inlinable
    public func loadBE64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
