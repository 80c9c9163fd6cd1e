import Foundation
import Testing

@testable import Spool

#if canImport(Glibc)
    import Glibc
#endif

/// The scanner through a buffer much smaller than the frames, so every frame and every resynchronisation
/// crosses buffer refills.
@Suite struct SegmentScannerTests {
    private func segment(_ payloads: [[UInt8]], damage: (Int) -> [UInt8]? = { _ in nil }) -> [UInt8] {
        var bytes = SegmentFormat.header(firstID: 1)
        for (index, payload) in payloads.enumerated() {
            var frame: [UInt8] = []
            SegmentFormat.appendFrame(payload, id: UInt64(index + 1), to: &frame)
            bytes += damage(index) ?? frame
        }
        SegmentFormat.appendSeal(nextID: UInt64(payloads.count + 1), to: &bytes)
        return bytes
    }

    private func scan(_ bytes: [UInt8], chunkSize: Int) throws -> (ids: [UInt64], payloads: [[UInt8]], steps: [String])
    {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let path = scratch.path + "/segment"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        let scanner = SegmentScanner(
            path: path, fd: fd, offset: 32, limit: Int64(bytes.count), maxPayload: 1 << 20, chunkSize: chunkSize)
        var ids: [UInt64] = []
        var payloads: [[UInt8]] = []
        var steps: [String] = []
        while true {
            switch scanner.next() {
            case .frame(let id, let index, let length, _):
                ids.append(id)
                payloads.append(scanner.payload(at: index, length: length))
            case .seal(let next, _): steps.append("seal \(next)")
            case .damaged(let offset, let resume): steps.append("damaged \(offset)..<\(resume)")
            case .tail(let offset): steps.append("tail \(offset)")
            case .readError: steps.append("read error")
            case .end: return (ids, payloads, steps)
            }
        }
    }

    private let sizes = [0, 1, 7, 100, 300, 5, 1000, 64, 65, 2]

    @Test(arguments: [64, 100, 1 << 20])
    func framesLargerThanTheBufferAreReadWhole(chunkSize: Int) throws {
        let sent = sizes.enumerated().map { index, size in (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index) } }
        let result = try scan(segment(sent), chunkSize: chunkSize)
        #expect(result.ids == Array(1...10))
        #expect(result.payloads == sent)
        #expect(result.steps == ["seal 11"])
    }

    @Test(arguments: [64, 1 << 20])
    func scanningResumesAtTheNextValidFrameAfterDamage(chunkSize: Int) throws {
        let sent = sizes.map { [UInt8](repeating: 0xFE, count: $0) }
        // Frame 4 (300 bytes of 0xFE, so full of magic-first bytes) gets a wrong checksum; frame 7 is garbage.
        let bytes = segment(sent) { index in
            switch index {
            case 4:
                var frame: [UInt8] = []
                SegmentFormat.appendFrame(sent[4], id: 5, to: &frame)
                frame[5] ^= 1
                return frame
            case 6: return [UInt8](repeating: 0xFE, count: 1020)
            default: return nil
            }
        }
        let result = try scan(bytes, chunkSize: chunkSize)
        #expect(result.ids == [1, 2, 3, 4, 6, 8, 9, 10])
        #expect(result.steps.count == 3 && result.steps[0].hasPrefix("damaged") && result.steps[1].hasPrefix("damaged"))
        #expect(result.steps.last == "seal 11")
    }

    @Test func aCutFrameAtTheEndIsATail() throws {
        var bytes = segment(Array(repeating: [1, 2, 3], count: 3))
        bytes.removeLast(20 + 5)
        let result = try scan(bytes, chunkSize: 64)
        #expect(result.ids == [1, 2])
        #expect(result.steps == ["tail \(32 + 2 * 23)"])
    }

    /// Up to a block of zeros after the last record is a direct write's padding: the end, not a tail.
    @Test(arguments: [1, 4095])
    func zeroPaddingShorterThanABlockEndsTheScanQuietly(padding: Int) throws {
        let sent = sizes.map { [UInt8](repeating: 7, count: $0) }
        let result = try scan(segment(sent) + [UInt8](repeating: 0, count: padding), chunkSize: 64)
        #expect(result.ids == Array(1...10))
        #expect(result.steps == ["seal 11"])
    }

    /// Padding ends a segment that has no seal too (what a crash leaves), after its last complete frame.
    @Test func zeroPaddingAfterAnUnsealedSegmentsLastFrameIsTheEnd() throws {
        var bytes = segment(Array(repeating: [1, 2, 3], count: 3))
        bytes.removeLast(20)
        let result = try scan(bytes + [UInt8](repeating: 0, count: 4096 - bytes.count % 4096), chunkSize: 64)
        #expect(result.ids == [1, 2, 3])
        #expect(result.steps.isEmpty)
    }

    /// A block or more of zeros, or anything not zero, is not padding.
    @Test(arguments: [[UInt8](repeating: 0, count: 4096), [0, 0, 0, 0, 1], [1]])
    func zerosOfABlockOrMoreOrOtherBytesAreATail(after: [UInt8]) throws {
        let bytes = segment([[1, 2, 3]])
        let result = try scan(bytes + after, chunkSize: 64)
        #expect(result.ids == [1])
        #expect(result.steps == ["seal 2", "tail \(bytes.count)"])
    }
}
