// RFC 1982 serial arithmetic on 32-bit TCP sequence numbers.

import TCPStreams
import Testing

@Suite("SequenceNumber")
struct SequenceNumberTests {
    struct Pair: Sendable, CustomTestStringConvertible {
        let a: UInt32
        let b: UInt32
        let distance: Int
        var testDescription: String { "\(a) → \(b)" }
    }

    @Test(
        "distance is signed and wraps at 2^32",
        arguments: [
            Pair(a: 100, b: 150, distance: 50),
            Pair(a: 150, b: 100, distance: -50),
            Pair(a: UInt32.max - 9, b: 5, distance: 15),
            Pair(a: 5, b: UInt32.max - 9, distance: -15),
            Pair(a: 0, b: 0x7FFF_FFFF, distance: Int(Int32.max)),
            Pair(a: 7, b: 7, distance: 0),
        ])
    func distance(_ pair: Pair) {
        let a = SequenceNumber(pair.a)
        let b = SequenceNumber(pair.b)
        #expect(a.distance(to: b) == pair.distance)
        #expect(b - a == pair.distance)
        #expect(a + pair.distance == b)
        #expect((a < b) == (pair.distance > 0))
        #expect((a > b) == (pair.distance < 0))
        #expect((a <= b) == (pair.distance >= 0))
    }

    @Test("a number just past the wrap is after one just before it")
    func orderAcrossWrap() {
        let before = SequenceNumber(UInt32.max)
        let after = SequenceNumber(0)
        #expect(before < after)
        #expect(after > before)
        #expect(before.advanced(by: 1) == after)
        #expect(after.advanced(by: -1) == before)
        #expect(SequenceNumber.latest(before, after) == after)
        #expect(SequenceNumber.earliest(before, after) == before)
    }

    @Test("numbers exactly 2^31 apart are unordered (RFC 1982 §3.2)")
    func halfSpaceIsUndefined() {
        let a = SequenceNumber(0)
        let b = SequenceNumber(0x8000_0000)
        #expect(!(a < b))
        #expect(!(b < a))
        #expect(a != b)
    }
}
