import DissectorKit
import Testing

/// A toy protocol for the contract: records of one length byte then that many payload bytes; a length of
/// 0xff is invalid.
struct ToyDissector {
    var records: [[UInt8]] = []

    mutating func parse(_ bytes: UnsafeRawBufferPointer) -> FeedResult {
        guard let length = bytes.first else { return .needMore(1) }
        if length == 0xff { return .failed("toy.bad_length") }
        let total = 1 + Int(length)
        guard bytes.count >= total else { return .needMore(total) }
        records.append(Array(bytes[1..<total]))
        return .consumed(total)
    }
}

func feed(_ chunks: [[UInt8]], limit: Int = 64) -> (records: [[UInt8]], failure: Anomaly?, held: Int) {
    var buffer = StreamBuffer(limit: limit)
    var toy = ToyDissector()
    var failure: Anomaly? = nil
    for chunk in chunks where failure == nil {
        failure = chunk.withUnsafeBytes { buffer.feed($0, overflow: "toy.too_long") { toy.parse($0) } }
    }
    return (toy.records, failure, buffer.count)
}

struct Outcome: Equatable {
    var records: [[UInt8]]
    var failure: Anomaly?
}

@Suite struct StreamBufferTests {
    let stream: [UInt8] = [3, 0x61, 0x62, 0x63, 0, 2, 0x64, 0x65, 1, 0x66]

    @Test func wholeInputNeedsNoBuffering() {
        let r = feed([stream])
        #expect(r.records == [[0x61, 0x62, 0x63], [], [0x64, 0x65], [0x66]])
        #expect(r.failure == nil)
        #expect(r.held == 0)
    }

    @Test func everySplitGivesTheSameRecords() {
        let disagreement = ChunkingVerifier.firstDisagreement(stream) { chunks in
            let r = feed(chunks)
            return Outcome(records: r.records, failure: r.failure)
        }
        #expect(disagreement == nil, "\(String(describing: disagreement))")
    }

    @Test func onlyTheUnfinishedTailIsHeld() {
        let r = feed([[3, 0x61], [0x62]])
        #expect(r.records.isEmpty)
        #expect(r.held == 3)
    }

    @Test func aFailureStopsAndIsReported() {
        let r = feed([[1, 0x61, 0xff, 2, 3]])
        #expect(r.records == [[0x61]])
        #expect(r.failure == Anomaly("toy.bad_length"))
        let split = feed([[1], [0x61, 0xff]])
        #expect(split.failure == Anomaly("toy.bad_length"))
    }

    @Test func aPDULongerThanTheLimitOverflowsAtTheLimitAndOneOver() {
        // limit 4: a record of 3 payload bytes needs 4 held bytes — allowed; 4 payload bytes needs 5 — overflow.
        #expect(feed([[3, 1], [2, 3]], limit: 4).records == [[1, 2, 3]])
        #expect(feed([[4, 1], [2, 3, 4]], limit: 4).failure == Anomaly("toy.too_long"))
    }

    @Test func theVerifierFindsAChunkSensitiveParser() {
        // A deliberately broken parser that only accepts records that arrive whole in one chunk.
        let disagreement = ChunkingVerifier.firstDisagreement([2, 9, 9]) { chunks -> Int in
            chunks.filter { $0.count == 3 }.count
        }
        #expect(disagreement != nil)
    }

    @Test func anomalyListCountsInFirstSeenOrder() {
        var list = AnomalyList()
        #expect(list.isEmpty && list.names.isEmpty && list.counts.isEmpty)
        list.record("b.x")
        #expect(!list.isEmpty && list.names == ["b.x"] && list.counts == [1])
        list.record("a.y")
        list.record("b.x")
        list.record("c.z")
        list.record("a.y")
        list.record("a.y")
        #expect(list.names == ["b.x", "a.y", "c.z"])
        #expect(list.counts == [2, 3, 1])
        #expect(list.count(of: "b.x") == 2)
        #expect(list.count(of: "a.y") == 3)
        #expect(list.count(of: "d.w") == 0)
        // Equal lists: the same names in the same order with the same counts.
        var same = AnomalyList()
        for name in ["b.x", "a.y", "b.x", "c.z", "a.y", "a.y"] { same.record(Anomaly(name)) }
        #expect(same == list)
        same.record("c.z")
        #expect(same != list)
    }
}
