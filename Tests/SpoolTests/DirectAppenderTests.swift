import Foundation
import TestSupport
import Testing

@testable import Spool

#if canImport(Glibc)
    import Glibc
#endif

/// Direct appends: the file holds exactly what was appended, then zero padding to the block size, whatever the
/// sizes of the appends; a failed append is rewritten at the same end.
@Suite struct DirectAppenderTests {
    private func directFile(_ scratch: ScratchDirectory) throws -> (path: String, fd: Int32) {
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let path = scratch.path + "/direct"
        let fd = FileIO.openFile(path, O_WRONLY | O_CREAT | O_TRUNC | FileIO.directFlag)
        try #require(fd >= 0, "open with O_DIRECT failed: \(errnoText(-fd))")
        return (path, fd)
    }

    private func contents(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Random sizes from 1 byte to several blocks, through a buffer that must grow.
    @Test(arguments: [1, 2, 3])
    func theFileHoldsEveryAppendThenPaddingToTheBlock(seed: UInt64) throws {
        let scratch = ScratchDirectory()
        let (path, fd) = try directFile(scratch)
        defer { close(fd) }
        var generator = SeededGenerator(seed: seed)
        let appender = DirectAppender(capacity: 4096)
        var expected: [UInt8] = []
        for round in 0..<60 {
            let size = generator.below(3) == 0 ? generator.below(20_000) + 1 : generator.below(200) + 1
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ round) }
            let code = bytes.withUnsafeBytes { appender.append($0, to: fd, at: Int64(expected.count)) }
            try #require(code == 0, "append failed: \(errnoText(code))")
            expected += bytes
            let file = try contents(path)
            #expect(file.count % DirectAppender.alignment == 0)
            #expect(file.count - expected.count < DirectAppender.alignment)
            #expect(Array(file.prefix(expected.count)) == expected)
            #expect(file.dropFirst(expected.count).allSatisfy { $0 == 0 })
        }
    }

    /// An append the caller gave up on (the file cut back to its end before it) is replaced by the next append
    /// at that end; the bytes before it, in the same block, are kept.
    @Test func anAppendAtTheEarlierEndRewritesTheAbandonedOne() throws {
        let scratch = ScratchDirectory()
        let (path, fd) = try directFile(scratch)
        defer { close(fd) }
        let appender = DirectAppender()
        let first = [UInt8](repeating: 1, count: 5000)
        let abandoned = [UInt8](repeating: 2, count: 3000)
        let retried = [UInt8](repeating: 3, count: 100)
        let later = [UInt8](repeating: 4, count: 10)
        #expect(first.withUnsafeBytes { appender.append($0, to: fd, at: 0) } == 0)
        #expect(abandoned.withUnsafeBytes { appender.append($0, to: fd, at: 5000) } == 0)
        #expect(ftruncate(fd, 5000) == 0)
        #expect(retried.withUnsafeBytes { appender.append($0, to: fd, at: 5000) } == 0)
        #expect(later.withUnsafeBytes { appender.append($0, to: fd, at: 5100) } == 0)
        let file = try contents(path)
        #expect(Array(file.prefix(5110)) == first + retried + later)
        #expect(file.count == 8192)
    }

    /// After `reset` the appender writes a new file from offset 0.
    @Test func resetStartsAnotherFile() throws {
        let scratch = ScratchDirectory()
        let (path, fd) = try directFile(scratch)
        let appender = DirectAppender()
        #expect([UInt8](repeating: 5, count: 70).withUnsafeBytes { appender.append($0, to: fd, at: 0) } == 0)
        close(fd)
        try FileManager.default.removeItem(atPath: path)
        let (_, other) = try directFile(scratch)
        defer { close(other) }
        appender.reset()
        #expect([UInt8](repeating: 6, count: 9).withUnsafeBytes { appender.append($0, to: other, at: 0) } == 0)
        #expect(Array(try contents(path).prefix(10)) == [UInt8](repeating: 6, count: 9) + [0])
    }
}
