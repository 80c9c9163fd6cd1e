// Property: however a stream is cut into segments, reordered and duplicated, nothing lost means the
// original bytes come out, once, in order, followed by end(.fin).

import NetModel
import PacketDecoding
import TCPStreams
import Testing
import TestSupport

@Suite("StreamReassembler chunking property")
struct ChunkingPropertyTests {
    struct Segment {
        var seq: UInt32
        var flags: TCPFlags
        var bytes: [UInt8]
    }

    /// Cuts `stream` into random segments (1–40 bytes), shuffles them, adds random duplicates and a few
    /// overlapping re-cuts, and appends the FIN somewhere in the order.
    static func segments(of stream: [UInt8], isn: UInt32, using rng: inout SeededGenerator) -> [Segment] {
        var cuts: [Segment] = []
        var offset = 0
        while offset < stream.count {
            let length = min(Int.random(in: 1...40, using: &rng), stream.count - offset)
            cuts.append(
                Segment(
                    seq: isn &+ 1 &+ UInt32(offset), flags: [.ack], bytes: Array(stream[offset..<(offset + length)])))
            offset += length
        }
        var all = cuts
        for _ in 0..<(cuts.count / 3) {
            all.append(cuts.randomElement(using: &rng)!)
        }
        for _ in 0..<(cuts.count / 4) {
            // A retransmission that repacketizes: same bytes, different boundaries.
            let start = Int.random(in: 0..<stream.count, using: &rng)
            let end = min(stream.count, start + Int.random(in: 1...80, using: &rng))
            all.append(Segment(seq: isn &+ 1 &+ UInt32(start), flags: [.ack], bytes: Array(stream[start..<end])))
        }
        all.append(Segment(seq: isn &+ 1 &+ UInt32(stream.count), flags: [.ack, .fin], bytes: []))
        all.shuffle(using: &rng)
        return [Segment(seq: isn, flags: [.syn], bytes: [])] + all
    }

    @Test("random cuts, order and duplicates reassemble to the original", arguments: 0..<40)
    func reassemblesOriginal(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &* 0x9E37_79B9 &+ 17)
        let length = Int.random(in: 1...3_000, using: &rng)
        let stream = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // Every fourth seed starts just below 2^32 so the stream crosses the wrap.
        let isn =
            seed % 4 == 0
            ? UInt32.max &- UInt32.random(in: 0...200, using: &rng) : UInt32.random(in: 0...UInt32.max, using: &rng)

        var reassembler = StreamReassembler()
        var output: [UInt8] = []
        var others: [Chunk] = []
        for segment in Self.segments(of: stream, isn: isn, using: &rng) {
            segment.bytes.withUnsafeBytes { payload in
                reassembler.receive(seq: segment.seq, flags: segment.flags, payload: payload, timestamp: .zero) {
                    chunk in
                    if case .data(let bytes) = chunk {
                        output.append(contentsOf: bytes)
                    } else {
                        others.append(Chunk(chunk))
                    }
                }
            }
        }
        #expect(output == stream)
        #expect(others == [.end(.fin)])
        #expect(reassembler.counters.bytesDelivered == stream.count)
        #expect(reassembler.counters.gapBytes == 0)
        #expect(reassembler.counters.overlapConflicts == 0)
        #expect(reassembler.bufferedBytes == 0)
    }

    @Test("with storage too small, lost-declared bytes plus delivered bytes still cover the stream exactly")
    func smallStorageAccountsForEveryByte() {
        var rng = SeededGenerator(seed: 7)
        let stream = (0..<2_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var reassembler = StreamReassembler(limits: StreamLimits(maxBufferedBytes: 64, maxBufferedSegments: 4))
        var position = 0
        var consistent = true
        var ended = false
        for segment in Self.segments(of: stream, isn: 1_000, using: &rng) {
            segment.bytes.withUnsafeBytes { payload in
                reassembler.receive(seq: segment.seq, flags: segment.flags, payload: payload, timestamp: .zero) {
                    chunk in
                    switch chunk {
                    case .data(let bytes):
                        if position + bytes.count > stream.count
                            || !bytes.elementsEqual(stream[position..<(position + bytes.count)])
                        {
                            consistent = false
                        }
                        position += bytes.count
                    case .gap(let n): position += n
                    case .end: ended = true
                    }
                }
            }
        }
        #expect(consistent)
        #expect(ended)
        #expect(position == stream.count)
        #expect(reassembler.counters.bytesDelivered + reassembler.counters.gapBytes == stream.count)
        #expect(reassembler.counters.storageLimitHits > 0)
    }
}
