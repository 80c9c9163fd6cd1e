// Start, FIN, RST, keep-alive and finish: how a direction begins and ends.

import NetModel
import PacketDecoding
import TCPStreams
import Testing

@Suite("StreamReassembler lifecycle")
struct ReassemblerLifecycleTests {
    static let cases: [ReassemblyCase] = [
        ReassemblyCase(
            name: "FIN with data in the same segment",
            steps: [.syn(100), .data(101, "GET "), .fin(105, "/")],
            expected: [.data("GET /"), .end(.fin)]),
        ReassemblyCase(
            name: "FIN before the missing data: end only after the hole fills",
            steps: [.syn(100), .data(104, "def"), .fin(107), .data(101, "abc")],
            expected: [.data("abcdef"), .end(.fin)]),
        ReassemblyCase(
            name: "FIN before the missing data: finish reports the hole, then ends with its reason",
            steps: [.syn(100), .data(101, "ab"), .data(106, "fg"), .fin(108), .finish(.timeout)],
            expected: [.data("ab"), .gap(3), .data("fg"), .end(.timeout)]),
        ReassemblyCase(
            name: "FIN seen, bytes before it never seen: finish gaps up to the FIN",
            steps: [.syn(100), .data(101, "ab"), .fin(110), .finish(.endOfCapture)],
            expected: [.data("ab"), .gap(7), .end(.endOfCapture)]),
        ReassemblyCase(
            name: "an acknowledgment of the FIN settles the hole before it",
            steps: [.syn(100), .data(101, "ab"), .fin(106), .ack(107)],
            expected: [.data("ab"), .gap(3), .end(.fin)]),
        ReassemblyCase(
            name: "data after the FIN is ignored",
            steps: [.syn(100), .data(101, "ab"), .fin(103), .data(103, "zz")],
            expected: [.data("ab"), .end(.fin)]),
        ReassemblyCase(
            name: "data straddling a known FIN is cut at the FIN",
            steps: [.syn(100), .fin(104), .data(101, "abcXY")],
            expected: [.data("abc"), .end(.fin)]),
        ReassemblyCase(
            name: "held bytes beyond a later FIN are dropped",
            steps: [.syn(100), .data(104, "dXY"), .fin(105), .data(101, "abc")],
            expected: [.data("abcd"), .end(.fin)]),
        ReassemblyCase(
            name: "RST in the middle ends at once; held bytes are discarded without a gap",
            steps: [.syn(100), .data(101, "ab"), .data(110, "zz"), .rst(103), .data(103, "cd")],
            expected: [.data("ab"), .end(.rst)]),
        ReassemblyCase(
            name: "mid-stream pickup: the first data segment sets the start",
            steps: [.data(5000, "ab"), .data(5004, "ef"), .data(5002, "cd"), .data(4998, "xx"), .fin(5006)],
            expected: [.data("abcdef"), .end(.fin)]),
        ReassemblyCase(
            name: "mid-stream pickup: a pure ACK does not set the start",
            steps: [.segment(4000, [.ack], ""), .data(5000, "ab"), .fin(5002)],
            expected: [.data("ab"), .end(.fin)]),
        ReassemblyCase(
            name: "keep-alives (next − 1, zero or one byte) are not data",
            steps: [.syn(100), .data(101, "ab"), .data(102, "x"), .data(102, ""), .data(103, "c"), .fin(104)],
            expected: [.data("abc"), .end(.fin)]),
        ReassemblyCase(
            name: "SYN retransmissions are tolerated",
            steps: [.syn(100), .syn(100), .data(101, "ab"), .syn(100), .data(103, "c"), .fin(104)],
            expected: [.data("abc"), .end(.fin)]),
        ReassemblyCase(
            name: "a new SYN on a direction that carried nothing restarts it",
            steps: [.syn(100), .syn(900), .data(901, "ab"), .fin(903)],
            expected: [.data("ab"), .end(.fin)]),
        ReassemblyCase(
            name: "data on a SYN (TCP Fast Open) follows the SYN's number",
            steps: [.segment(100, [.syn], "hi"), .data(103, "!"), .fin(104)],
            expected: [.data("hi!"), .end(.fin)]),
        ReassemblyCase(
            name: "finish flushes held data with a gap before each hole",
            steps: [.syn(100), .data(101, "a"), .data(103, "c"), .data(106, "fg"), .finish(.endOfCapture)],
            expected: [.data("a"), .gap(1), .data("c"), .gap(2), .data("fg"), .end(.endOfCapture)]),
        ReassemblyCase(
            name: "finish on a direction that never started still ends it",
            steps: [.finish(.evicted)],
            expected: [.end(.evicted)]),
        ReassemblyCase(
            name: "nothing is delivered after the end",
            steps: [.syn(100), .fin(101), .data(101, "late"), .ack(200), .finish(.timeout), .rst(101)],
            expected: [.end(.fin)]),
    ]

    @Test("segments in, chunks out", arguments: cases)
    func table(_ row: ReassemblyCase) {
        #expect(run(row.steps).chunks == row.expected)
    }

    @Test("bytes after the FIN are counted")
    func dataAfterFINCounted() {
        let (_, r) = run([.syn(100), .data(101, "ab"), .fin(103), .data(103, "zz"), .data(101, "abQ")])
        #expect(r.counters.dataAfterFIN == 3)
        #expect(r.counters.retransmittedBytes == 2)
        #expect(r.phase == .ended(.fin))
    }

    @Test("a RST discards held bytes and counts them")
    func resetDiscardsHeldBytes() {
        let (_, r) = run([.syn(100), .data(101, "ab"), .data(110, "zzz"), .rst(103)])
        #expect(r.counters.discardedOnReset == 3)
        #expect(r.counters.gapBytes == 0)
        #expect(r.bufferedBytes == 0)
        #expect(r.phase == .ended(.rst))
    }

    @Test("keep-alives are counted")
    func keepAlivesCounted() {
        let (_, r) = run([.syn(100), .data(101, "ab"), .data(102, "x"), .data(102, "")])
        #expect(r.counters.keepAlives == 2)
        #expect(r.counters.retransmittedBytes == 0)
    }

    @Test("a SYN sets the start one past the initial sequence number")
    func synSetsStart() {
        let (_, r) = run([.syn(41)])
        #expect(r.initialSequence == SequenceNumber(41))
        #expect(r.nextSequence == SequenceNumber(42))
    }

    @Test("an idle direction has no start")
    func idleHasNoStart() {
        let (_, r) = run([.segment(7, [.ack], "")])
        #expect(r.phase == .idle)
        #expect(r.nextSequence == nil)
    }
}
