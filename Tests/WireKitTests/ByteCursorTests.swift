import Testing
import WireKit

@Suite struct ByteCursorTests {
    /// A stable copy of `bytes` for the duration of a test (freed by the returned guard's deinit).
    final class Buffer {
        let raw: UnsafeMutableRawBufferPointer
        init(_ bytes: [UInt8]) {
            raw = .allocate(byteCount: bytes.count, alignment: 8)
            raw.copyBytes(from: bytes)
        }
        deinit { raw.deallocate() }
        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(raw) }
    }

    @Test func readsBigAndLittleEndianValues() throws {
        let bytes: [UInt8] = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]
        do {
            let storage = Buffer(bytes)
            let buf = storage.bytes
            var c = ByteCursor(buf)
            #expect(try c.readUInt8() == 0x12)
            #expect(try c.readUInt16() == 0x3456)
            #expect(try c.readUInt24() == 0x789abc)
            #expect(try c.readUInt16LE() == 0xf0de)
            #expect(try c.readUInt32() == 0x0102_0304)
            #expect(c.remaining == 4)
            #expect(try c.readUInt32LE() == 0x0807_0605)
            #expect(c.isAtEnd)
        }
        do {
            let storage = Buffer(bytes)
            let buf = storage.bytes
            var c = ByteCursor(buf)
            #expect(try c.readUInt64() == 0x1234_5678_9abc_def0)
            #expect(try c.peekUInt8() == 0x01)
            #expect(c.offset == 8)
        }
    }

    @Test func readingPastTheEndThrowsTruncatedWithTheShortfall() throws {
        do {
            let storage = Buffer([1, 2, 3])
            let buf = storage.bytes
            var c = ByteCursor(buf)
            _ = try c.readUInt16()
            #expect(throws: WireError.truncated(at: 2, needed: 1)) { try c.readUInt16() }
            #expect(c.offset == 2)  // a failed read consumes nothing
            #expect(throws: WireError.truncated(at: 2, needed: 3)) { try c.readUInt32() }
        }
    }

    @Test func lengthPrefixedWindowsStayInsideTheirBounds() throws {
        // 0x02 'a' 'b' | 0x00 0x03 'c' 'd' 'e' | 0x00 0x00 0x05 'f' (declares 5, has 1)
        let bytes: [UInt8] = [2, 0x61, 0x62, 0, 3, 0x63, 0x64, 0x65, 0, 0, 5, 0x66]
        do {
            let storage = Buffer(bytes)
            let buf = storage.bytes
            var c = ByteCursor(buf)
            var w8 = try c.lengthPrefixed8()
            #expect(w8.remaining == 2)
            #expect(try w8.readUInt16() == 0x6162)
            #expect(throws: WireError.self) { try w8.readUInt8() }
            var w16 = try c.lengthPrefixed16()
            #expect(Array(try w16.readBytes(3)) == [0x63, 0x64, 0x65])
            #expect(w16.offset == 8)  // offsets stay absolute
            #expect(throws: WireError.truncated(at: 11, needed: 4)) { try c.lengthPrefixed24() }
        }
    }

    @Test func negativeLengthsAreMalformed() throws {
        do {
            let storage = Buffer([1, 2])
            let buf = storage.bytes
            var c = ByteCursor(buf)
            #expect(throws: WireError.malformed(at: 0, "negative length")) { try c.skip(-1) }
            #expect(throws: WireError.malformed(at: 0, "negative length")) { try c.readBytes(-2) }
        }
    }
}
