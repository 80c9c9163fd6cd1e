import Foundation
import Logging
import Testing

@testable import Spool

@Suite struct SegmentReaperTests {
    @Test func aFileIsCutAStepAtATimeFromTheEndThenRemoved() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.spoolPath, withIntermediateDirectories: true)
        let path = scratch.spoolPath + "/wb-00000000000000000001.seg" + SegmentReaper.suffix
        try Data(repeating: 7, count: 10_000).write(to: URL(fileURLWithPath: path))
        var sizes: [Int64] = []
        var rests: [Double] = []
        SegmentReaper.reap(
            path, step: 4096, logger: LogRecorder().logger, didTruncate: { sizes.append($0) }, rest: { rests.append($0) })
        #expect(sizes == [5904, 1808])
        // A rest between the two steps (with how long the first took), none after the last.
        #expect(rests.count == 1 && rests.allSatisfy { $0 >= 0 && $0 < 5 })
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func theReaperRestsBetweenStepsUntilTheSpoolCloses() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.spoolPath, withIntermediateDirectories: true)
        let path = scratch.spoolPath + "/wb-00000000000000000001.seg" + SegmentReaper.suffix
        try Data(repeating: 7, count: 10 * 4096).write(to: URL(fileURLWithPath: path))
        let reaper = SegmentReaper(logger: LogRecorder().logger)
        reaper.step = 4096
        reaper.minimumRest = 60
        reaper.remove([path])
        // One step, then a rest of a minute: the file stays at nine steps.
        let deadline = Date().addingTimeInterval(5)
        while fileSize(path) != 9 * 4096 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(fileSize(path) == 9 * 4096)
        // Closing ends the rest and takes the remaining steps without any.
        let started = Date()
        reaper.close()
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(reaper.removed == 1)
    }

    private func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    @Test func finishedSegmentsLargerThanAStepAreRenamedAndRemovedInTheBackground() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath, segmentSize: 64 << 10), logger: LogRecorder().logger)
        spool.reaper.step = 4096
        let sent = payloads(2000)
        for start in stride(from: 0, to: sent.count, by: 100) {
            #expect(spool.append(Array(sent[start..<(start + 100)])) == 100)
        }
        let segments = spool.counters.segments
        #expect(segments >= 3)
        let entries = readEntries(spool, count: sent.count)
        #expect(entries.map(\.payload) == sent)
        spool.acknowledge(entries.map(\.id))
        #expect(spool.waitUntilEmpty(timeout: 5))
        // Renamed at once: no finished segment is left under its own name, and its bytes are no longer counted.
        #expect(scratch.segmentFiles().count <= 1)
        #expect(spool.counters.bytesOnDisk < 64 << 10)
        spool.reaper.waitUntilIdle()
        #expect(spool.reaper.removed >= segments - 1)
        #expect(!scratch.files().contains { $0.hasSuffix(SegmentReaper.suffix) })
        spool.close()
        #expect(scratch.files() == ["wb-spool.state"])
    }

    @Test func recoveryRemovesSegmentsACrashLeftHalfDeletedWithoutReadingThem() throws {
        let scratch = ScratchDirectory()
        var spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        spool.close()
        let leftover = scratch.spoolPath + "/wb-00000000000000000001.seg" + SegmentReaper.suffix
        let stranger = scratch.spoolPath + "/notes.deleting"
        try Data(repeating: 0xAB, count: 50_000).write(to: URL(fileURLWithPath: leftover))
        try Data("keep".utf8).write(to: URL(fileURLWithPath: stranger))

        let log = LogRecorder()
        spool = try DiskSpool(options: options(scratch.spoolPath), logger: log.logger)
        spool.reaper.waitUntilIdle()
        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(FileManager.default.fileExists(atPath: stranger))
        #expect(spool.counters.pendingEntries == 0 && spool.counters.corruptFrames == 0)
        #expect(log.messages(.warning).isEmpty && log.messages(.error).isEmpty)
        #expect(spool.read(max: 10, timeout: 0.05).isEmpty)
        spool.close()
    }
}
