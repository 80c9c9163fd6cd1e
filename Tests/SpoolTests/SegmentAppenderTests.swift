import Foundation
import TestSupport
import Testing

@testable import Spool

#if canImport(Glibc)
    import Glibc
#endif

/// The spool's write buffer: the file holds exactly what was committed, then (written directly) zero padding to
/// the block size, whatever the sizes of the appends; a failed write is written again at the same end.
@Suite struct SegmentAppenderTests {
    private func file(_ scratch: ScratchDirectory, direct: Bool) throws -> (path: String, fd: Int32) {
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let path = scratch.path + "/segment"
        let fd = FileIO.openFile(path, O_WRONLY | O_CREAT | O_TRUNC | (direct ? FileIO.directFlag : 0))
        try #require(fd >= 0, "open failed: \(errnoText(-fd))")
        return (path, fd)
    }

    private func contents(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Random sizes from 1 byte to several blocks, staged as raw bytes and as frames, through a buffer that
    /// must grow.
    @Test(arguments: [(1, true), (2, true), (3, false)])
    func theFileHoldsEveryCommittedAppend(seed: UInt64, direct: Bool) throws {
        let scratch = ScratchDirectory()
        let (path, fd) = try file(scratch, direct: direct)
        defer { close(fd) }
        var generator = SeededGenerator(seed: seed)
        let appender = SegmentAppender(capacity: 4096)
        var expected: [UInt8] = []
        for round in 0..<60 {
            let size = generator.below(3) == 0 ? generator.below(20_000) + 1 : generator.below(200) + 1
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ round) }
            let before = expected.count
            if round % 2 == 0 {
                appender.stage(bytes)
                expected += bytes
            } else {
                appender.stageFrame(bytes, id: UInt64(round))
                SegmentFormat.appendFrame(bytes, id: UInt64(round), to: &expected)
            }
            let code = appender.write(to: fd, at: Int64(before), direct: direct)
            try #require(code == 0, "write failed: \(errnoText(code))")
            appender.commit(direct: direct)
            let file = try contents(path)
            #expect(Array(file.prefix(expected.count)) == expected)
            if direct {
                #expect(file.count % SegmentAppender.alignment == 0)
                #expect(file.count - expected.count < SegmentAppender.alignment)
                #expect(file.dropFirst(expected.count).allSatisfy { $0 == 0 })
            } else {
                #expect(file.count == expected.count)
            }
        }
    }

    /// A write the caller found failed (the file cut back to its end before it) is written again from what is
    /// still staged; the bytes before it, in the same block, are kept.
    @Test(arguments: [true, false])
    func aFailedWriteIsWrittenAgainFromWhatIsStaged(direct: Bool) throws {
        let scratch = ScratchDirectory()
        let (path, fd) = try file(scratch, direct: direct)
        defer { close(fd) }
        let appender = SegmentAppender()
        let first = [UInt8](repeating: 1, count: 5000)
        let retried = [UInt8](repeating: 3, count: 3000)
        let later = [UInt8](repeating: 4, count: 10)
        appender.stage(first)
        #expect(appender.write(to: fd, at: 0, direct: direct) == 0)
        appender.commit(direct: direct)
        appender.stage(retried)
        #expect(appender.write(to: fd, at: 5000, direct: direct) == 0)
        #expect(ftruncate(fd, 5000) == 0)
        #expect(appender.write(to: fd, at: 5000, direct: direct) == 0)
        appender.commit(direct: direct)
        appender.stage(later)
        #expect(appender.write(to: fd, at: 8000, direct: direct) == 0)
        appender.commit(direct: direct)
        let file = try contents(path)
        #expect(Array(file.prefix(8010)) == first + retried + later)
        #expect(file.count == (direct ? 8192 : 8010))
    }

    /// `clearStaged` drops what a given-up write left; `reset` starts another file from offset 0.
    @Test func clearStagedAndResetForgetWhatTheyShould() throws {
        let scratch = ScratchDirectory()
        let (path, fd) = try file(scratch, direct: true)
        let appender = SegmentAppender()
        appender.stage([UInt8](repeating: 5, count: 70))
        #expect(appender.write(to: fd, at: 0, direct: true) == 0)
        appender.commit(direct: true)
        appender.stage([9, 9, 9])
        appender.clearStaged()
        appender.stage([7])
        #expect(appender.write(to: fd, at: 70, direct: true) == 0)
        appender.commit(direct: true)
        #expect(Array(try contents(path).prefix(72)) == [UInt8](repeating: 5, count: 70) + [7, 0])
        close(fd)
        try FileManager.default.removeItem(atPath: path)
        let (_, other) = try file(scratch, direct: true)
        defer { close(other) }
        appender.reset()
        appender.stage([UInt8](repeating: 6, count: 9))
        #expect(appender.write(to: other, at: 0, direct: true) == 0)
        #expect(Array(try contents(path).prefix(10)) == [UInt8](repeating: 6, count: 9) + [0])
    }

    /// The buffer an unusually large batch inflated shrinks back once that batch is committed, keeping the tail.
    @Test func aBufferInflatedByALargeBatchShrinksAfterIt() throws {
        let scratch = ScratchDirectory()
        let (path, fd) = try file(scratch, direct: true)
        defer { close(fd) }
        let appender = SegmentAppender()
        let large = [UInt8](repeating: 8, count: 17 << 20 | 100)
        appender.stage(large)
        #expect(appender.capacity > 17 << 20)
        #expect(appender.write(to: fd, at: 0, direct: true) == 0)
        appender.commit(direct: true)
        #expect(appender.capacity == 1 << 20)
        appender.stage([9])
        #expect(appender.write(to: fd, at: Int64(large.count), direct: true) == 0)
        appender.commit(direct: true)
        let end = Array(try contents(path)[(large.count - 100)..<(large.count + 1)])
        #expect(end == [UInt8](repeating: 8, count: 100) + [9])
    }
}
