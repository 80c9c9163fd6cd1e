// In-order delivery, reordering, retransmission and overlap: segment tables in, chunks out.

import NetModel
import PacketDecoding
import TCPStreams
import Testing

/// One table row: segments in, merged chunks out.
struct ReassemblyCase: Sendable, CustomTestStringConvertible {
    let name: String
    let steps: [Step]
    let expected: [Chunk]
    var testDescription: String { name }
}

@Suite("StreamReassembler ordering")
struct ReassemblerOrderingTests {
    static let cases: [ReassemblyCase] = [
        ReassemblyCase(
            name: "in order after SYN",
            steps: [.syn(100), .data(101, "hello "), .data(107, "world"), .fin(112)],
            expected: [.data("hello world"), .end(.fin)]),
        ReassemblyCase(
            name: "two segments swapped",
            steps: [.syn(100), .data(107, "world"), .data(101, "hello "), .fin(112)],
            expected: [.data("hello world"), .end(.fin)]),
        ReassemblyCase(
            name: "three segments in reverse",
            steps: [.syn(100), .data(109, "ijk"), .data(105, "efgh"), .data(101, "abcd"), .fin(112)],
            expected: [.data("abcdefghijk"), .end(.fin)]),
        ReassemblyCase(
            name: "exact duplicate dropped",
            steps: [.syn(100), .data(101, "abc"), .data(101, "abc"), .data(104, "def"), .fin(107)],
            expected: [.data("abcdef"), .end(.fin)]),
        ReassemblyCase(
            name: "partial overlap delivers only the new tail",
            steps: [.syn(100), .data(101, "abcd"), .data(103, "cdefg"), .fin(108)],
            expected: [.data("abcdefg"), .end(.fin)]),
        ReassemblyCase(
            name: "out-of-order duplicate of held bytes stored once",
            steps: [.syn(100), .data(104, "def"), .data(104, "def"), .data(101, "abc"), .fin(107)],
            expected: [.data("abcdef"), .end(.fin)]),
        ReassemblyCase(
            name: "segment spanning two held pieces fills only the holes",
            steps: [.syn(100), .data(103, "c"), .data(106, "f"), .data(102, "bXdeYg"), .data(101, "a"), .fin(108)],
            expected: [.data("abcdefg"), .end(.fin)]),
        ReassemblyCase(
            name: "zero-length segments carry nothing",
            steps: [.syn(100), .data(101, ""), .data(101, "ab"), .data(103, ""), .data(200, ""), .fin(103)],
            expected: [.data("ab"), .end(.fin)]),
    ]

    @Test("segments in, chunks out", arguments: cases)
    func table(_ row: ReassemblyCase) {
        #expect(run(row.steps).chunks == row.expected)
    }

    @Test("an exact retransmission is counted, not delivered")
    func retransmissionCounted() {
        let (chunks, r) = run([.syn(100), .data(101, "abc"), .data(101, "abc")])
        #expect(chunks == [.data("abc")])
        #expect(r.counters.retransmittedBytes == 3)
        #expect(r.counters.bytesDelivered == 3)
    }

    @Test("a partial overlap counts only the repeated bytes as retransmitted")
    func partialOverlapCounted() {
        let (_, r) = run([.syn(100), .data(101, "abcd"), .data(103, "cdefg")])
        #expect(r.counters.retransmittedBytes == 2)
        #expect(r.counters.bytesDelivered == 7)
    }

    @Test("conflicting bytes over a held piece: the first copy wins and the conflict is counted")
    func conflictAgainstHeldPiece() {
        let (chunks, r) = run([.syn(100), .data(104, "def"), .data(104, "XYZgh"), .data(101, "abc")])
        #expect(chunks == [.data("abcdefgh")])
        #expect(r.counters.overlapConflicts == 1)
        #expect(r.counters.retransmittedBytes == 3)
    }

    @Test("an in-order segment rewriting a held piece: held bytes win, conflict counted")
    func conflictOnInOrderPath() {
        let (chunks, r) = run([.syn(100), .data(106, "world"), .data(101, "helloWORLD!")])
        #expect(chunks == [.data("helloworld!")])
        #expect(r.counters.overlapConflicts == 1)
    }

    @Test("an agreeing overlap is not a conflict")
    func agreeingOverlapIsNoConflict() {
        let (_, r) = run([.syn(100), .data(106, "world"), .data(101, "helloworld!")])
        #expect(r.counters.overlapConflicts == 0)
        #expect(r.counters.retransmittedBytes == 5)
    }

    @Test("out-of-order segments are counted as stored")
    func outOfOrderCounted() {
        let (_, r) = run([.syn(100), .data(109, "ijk"), .data(105, "efgh")])
        #expect(r.counters.outOfOrderSegments == 2)
        #expect(r.bufferedBytes == 7)
        #expect(r.bufferedSegments == 2)
    }

    @Test("in-order data is lent straight from the caller's buffer, not copied")
    func inOrderIsZeroCopy() {
        var r = StreamReassembler()
        r.receive(seq: 100, flags: [.syn], payload: UnsafeRawBufferPointer(start: nil, count: 0), timestamp: .zero) {
            _ in
        }
        let payload: [UInt8] = Array("hello".utf8)
        var delivered: UnsafeRawPointer?
        payload.withUnsafeBytes { buffer in
            r.receive(seq: 101, flags: [.ack], payload: buffer, timestamp: .zero) { chunk in
                if case .data(let bytes) = chunk { delivered = bytes.baseAddress }
            }
            #expect(delivered == buffer.baseAddress)
        }
        #expect(r.bufferedBytes == 0)
    }

    @Test("sequence numbers wrapping past 2^32, in order and reordered")
    func wrapAround() {
        let isn = UInt32.max - 10  // data starts at 2^32 − 9 and crosses 0 after 9 bytes
        let first = isn &+ 1
        let second = first &+ 6  // 2^32 − 3
        let third = second &+ 6  // 3
        let inOrder = run([
            .syn(isn), .data(first, "abcdef"), .data(second, "ghijkl"), .data(third, "mno"), .fin(third &+ 3),
        ])
        #expect(inOrder.chunks == [.data("abcdefghijklmno"), .end(.fin)])
        let reordered = run([
            .syn(isn), .data(third, "mno"), .data(second, "ghijkl"), .data(first, "abcdef"), .fin(third &+ 3),
        ])
        #expect(reordered.chunks == [.data("abcdefghijklmno"), .end(.fin)])
    }

    @Test("a segment far beyond any TCP window is dropped and counted")
    func outOfWindowDropped() {
        let (chunks, r) = run([.syn(100), .data(101 &+ (1 << 30) &+ 1, "far"), .data(101, "ok")])
        #expect(chunks == [.data("ok")])
        #expect(r.counters.outOfWindow == 1)
        #expect(r.bufferedBytes == 0)
    }
}
