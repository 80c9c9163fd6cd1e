// Holes declared lost: by storage bounds (at the bound and one over) and by the peer's acknowledgment.

import NetModel
import PacketDecoding
import TCPStreams
import Testing

@Suite("StreamReassembler gaps")
struct ReassemblerLimitTests {
    static let small = StreamLimits(maxBufferedBytes: 10, maxBufferedSegments: 3)

    struct Bound: Sendable, CustomTestStringConvertible {
        let held: Int
        let overflows: Bool
        var testDescription: String { "\(held) bytes held" }
    }

    @Test(
        "the byte bound: holding exactly the bound waits, one byte more declares the hole",
        arguments: [Bound(held: 10, overflows: false), Bound(held: 11, overflows: true)])
    func byteBound(_ bound: Bound) {
        let payload = String(repeating: "x", count: bound.held)
        let (chunks, r) = run([.syn(100), .data(111, payload)], limits: Self.small)
        if bound.overflows {
            #expect(chunks == [.gap(10), .data(payload)])
            #expect(r.counters.storageLimitHits == 1)
            #expect(r.bufferedBytes == 0)
        } else {
            #expect(chunks == [])
            #expect(r.counters.storageLimitHits == 0)
            #expect(r.bufferedBytes == 10)
        }
    }

    @Test(
        "the segment bound: holding exactly the bound waits, one piece more declares the oldest hole",
        arguments: [Bound(held: 3, overflows: false), Bound(held: 4, overflows: true)])
    func segmentBound(_ bound: Bound) {
        // Pieces at 103, 105, 107, 109: one byte each, one-byte holes before each.
        let steps: [Step] = [.syn(100), .data(101, "a")] + (0..<bound.held).map { .data(103 + 2 * UInt32($0), "p") }
        let (chunks, r) = run(steps, limits: Self.small)
        if bound.overflows {
            #expect(chunks == [.data("a"), .gap(1), .data("p")])
            #expect(r.bufferedSegments == 3)
            #expect(r.counters.storageLimitHits == 1)
        } else {
            #expect(chunks == [.data("a")])
            #expect(r.bufferedSegments == 3)
            #expect(r.counters.storageLimitHits == 0)
        }
    }

    @Test("the oldest hole goes first, then delivery continues from held data")
    func oldestHoleFirst() {
        let steps: [Step] = [.syn(100), .data(111, "abcdef"), .data(120, "vwxyz"), .finish(.endOfCapture)]
        let (chunks, r) = run(steps, limits: Self.small)
        #expect(chunks == [.gap(10), .data("abcdef"), .gap(3), .data("vwxyz"), .end(.endOfCapture)])
        #expect(r.counters.gapBytes == 13)
        #expect(r.counters.gaps == 2)
    }

    @Test("a shared budget smaller than the direction's own bound applies")
    func sharedLimitApplies() {
        var r = StreamReassembler(limits: Self.small)
        let chunks = run([.syn(100), .data(111, "12345")], into: &r, sharedLimit: 4)
        #expect(chunks == [.gap(10), .data("12345")])
        #expect(r.counters.storageLimitHits == 1)
    }

    static let ackCases: [ReassemblyCase] = [
        ReassemblyCase(
            name: "ACK past the delivery point with nothing held",
            steps: [.syn(100), .data(101, "ab"), .ack(106), .data(106, "fg")],
            expected: [.data("ab"), .gap(3), .data("fg")]),
        ReassemblyCase(
            name: "ACK reaching into held data delivers it after the gap",
            steps: [.syn(100), .data(101, "a"), .data(104, "de"), .data(108, "h"), .ack(105)],
            expected: [.data("a"), .gap(2), .data("de")]),
        ReassemblyCase(
            name: "ACK stopping before held data declares only what it covers",
            steps: [.syn(100), .data(101, "a"), .data(105, "ef"), .ack(103), .data(103, "cd")],
            expected: [.data("a"), .gap(1), .data("cdef")]),
        ReassemblyCase(
            name: "ACK across several holes",
            steps: [.syn(100), .data(102, "b"), .data(104, "d"), .ack(106)],
            expected: [.gap(1), .data("b"), .gap(1), .data("d"), .gap(1)]),
        ReassemblyCase(
            name: "ACK at or behind the delivery point does nothing",
            steps: [.syn(100), .data(101, "ab"), .ack(103), .ack(101), .ack(90)],
            expected: [.data("ab")]),
        ReassemblyCase(
            name: "ACK of the SYN only",
            steps: [.syn(100), .ack(101)],
            expected: []),
        ReassemblyCase(
            name: "ACK before the direction started does nothing",
            steps: [.ack(500), .data(101, "ab")],
            expected: [.data("ab")]),
        ReassemblyCase(
            name: "ACK across the 2^32 wrap",
            steps: [.syn(UInt32.max - 2), .data(UInt32.max - 1, "ab"), .ack(3), .data(3, "z")],
            expected: [.data("ab"), .gap(3), .data("z")]),
    ]

    @Test("gaps declared by the peer's acknowledgment", arguments: ackCases)
    func ackTable(_ row: ReassemblyCase) {
        #expect(run(row.steps).chunks == row.expected)
    }

    @Test("an acknowledgment far beyond any window is ignored and counted")
    func farAckIgnored() {
        let (chunks, r) = run([.syn(100), .data(101, "ab"), .ack(103 &+ (1 << 30) &+ 1)])
        #expect(chunks == [.data("ab")])
        #expect(r.counters.outOfWindow == 1)
        #expect(r.counters.gapBytes == 0)
    }

    @Test("data arriving after its hole was declared lost is a retransmission")
    func lateDataAfterGap() {
        let (chunks, r) = run([.syn(100), .data(101, "ab"), .ack(106), .data(103, "cde")])
        #expect(chunks == [.data("ab"), .gap(3)])
        #expect(r.counters.retransmittedBytes == 3)
    }
}
