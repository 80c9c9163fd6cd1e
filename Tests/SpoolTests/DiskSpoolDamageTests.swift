import Foundation
import Logging
import Testing

@testable import Spool

/// Damage to segment files: each case loses exactly the entries it must, counts and logs them with file and
/// offset, and delivers everything else.
@Suite struct DiskSpoolDamageTests {
    /// 60 entries of 100 bytes in segments of 16 frames (2048 bytes), closed cleanly (sealed), none
    /// acknowledged. Ids are 1...60.
    private func closedSpool(_ scratch: ScratchDirectory) throws -> [String] {
        let spool = try DiskSpool(options: options(scratch.spoolPath, segmentSize: 2048), logger: LogRecorder().logger)
        for batch in 0..<6 { #expect(spool.append(payloads(10, first: batch * 10)) == 10) }
        spool.close()
        let segments = scratch.segmentFiles()
        #expect(segments.count == 4)
        return segments
    }

    /// Opens the damaged spool and reads everything; the counters are those at start-up, before reading.
    private func reopen(_ path: String, _ log: LogRecorder) throws -> (DiskSpool, [UInt64], SpoolCounters) {
        let spool = try DiskSpool(options: options(path, segmentSize: 2048), logger: log.logger)
        let atStart = spool.counters
        let entries = readAll(spool)
        #expect(entries.map(\.payload) == entries.map { payloads(1, first: Int($0.id) - 1)[0] })
        #expect(spool.counters.corruptFrames == atStart.corruptFrames, "all damage is accounted for at start-up")
        return (spool, entries.map(\.id), atStart)
    }

    @Test(arguments: [20, 20 + 99])
    func aFlippedBitInAPayloadLosesThatEntryOnly(at payloadOffset: Int) throws {
        let scratch = ScratchDirectory()
        let segment = try closedSpool(scratch)[1]
        let frame = try frames(in: segment)[5]
        try flipBit(in: segment, at: frame.offset + payloadOffset)
        let log = LogRecorder()
        let (spool, ids, _) = try reopen(scratch.spoolPath, log)
        #expect(ids == Array(1...60).filter { $0 != frame.id })
        #expect(spool.counters.corruptFrames == 1 && spool.counters.recovered == 59)
        #expect(log.contains(.error, "1 spooled events lost", segment, "offset \(frame.offset)", "id \(frame.id)"))
        spool.close()
    }

    /// Magic, checksum, length and id fields of a frame header.
    @Test(arguments: [1, 5, 8, 13, 19])
    func aFlippedBitInAFrameHeaderLosesThatEntryOnly(at headerOffset: Int) throws {
        let scratch = ScratchDirectory()
        let segment = try closedSpool(scratch)[2]
        let frame = try frames(in: segment)[7]
        try flipBit(in: segment, at: frame.offset + headerOffset)
        let log = LogRecorder()
        let (spool, ids, _) = try reopen(scratch.spoolPath, log)
        #expect(ids == Array(1...60).filter { $0 != frame.id })
        #expect(spool.counters.corruptFrames == 1)
        #expect(log.contains(.error, segment, "offset \(frame.offset)"))
        spool.close()
    }

    /// The seal after the last frame says which ids the segment held, so its damaged last frame is counted.
    @Test(arguments: [1, 3])
    func aDamagedLastFrameOfASealedSegmentIsCounted(segmentIndex: Int) throws {
        let scratch = ScratchDirectory()
        let segment = try closedSpool(scratch)[segmentIndex]
        let records = try frames(in: segment)
        #expect(records.last?.isSeal == true)
        let frame = records[records.count - 2]
        try flipBit(in: segment, at: frame.offset + 30)
        let log = LogRecorder()
        let (spool, ids, _) = try reopen(scratch.spoolPath, log)
        #expect(ids == Array(1...60).filter { $0 != frame.id })
        #expect(spool.counters.corruptFrames == 1)
        #expect(log.contains(.error, segment, "offset \(frame.offset)"))
        spool.close()
    }

    @Test(arguments: [0, 9, 17, 29])
    func aDamagedSegmentHeaderLosesThatSegmentOnly(at offset: Int) throws {
        let scratch = ScratchDirectory()
        let segment = try closedSpool(scratch)[1]
        let lost = try frames(in: segment).filter { !$0.isSeal }.map(\.id)
        try flipBit(in: segment, at: offset)
        let log = LogRecorder()
        let (spool, ids, _) = try reopen(scratch.spoolPath, log)
        #expect(ids == Array(1...60).filter { !lost.contains($0) })
        #expect(spool.counters.corruptFrames == lost.count)
        #expect(log.contains(.error, segment, "offset 0", "skipping the whole file"))
        #expect(log.contains(.error, "\(lost.count) spooled events lost", segment))
        #expect(!FileManager.default.fileExists(atPath: segment))
        spool.close()
    }

    @Test func aTornTailAtEveryByteOfTheLastFrameKeepsEveryCompleteFrame() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        #expect(spool.append(payloads(3, size: 30)) == 3)
        #expect(spool.append(payloads(2, size: 30, first: 3)) == 2)
        let crashed = try scratch.crashCopy(named: "crashed")
        spool.close()
        let segment = try #require(scratch.segmentFiles(in: crashed).first)
        let last = try #require(try frames(in: segment).last)
        #expect(last.id == 5 && !last.isSeal)
        for cut in last.offset..<(last.offset + 20 + last.length) {
            let copy = scratch.path + "/cut"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: crashed, toPath: copy)
            let name = copy + "/" + (segment as NSString).lastPathComponent
            try truncate(name, to: cut)
            let log = LogRecorder()
            let reopened = try DiskSpool(options: options(copy), logger: log.logger)
            #expect(readAll(reopened).map(\.id) == [1, 2, 3, 4], "cut at \(cut)")
            #expect(reopened.counters.corruptFrames == 0 && reopened.counters.recovered == 4)
            #expect(log.messages(.error).isEmpty)
            if cut > last.offset {
                #expect(log.contains(.warning, name, "offset \(last.offset)"), "cut at \(cut)")
            }
            // The next id is the torn one's, written to a new segment.
            #expect(reopened.append(payloads(1, size: 30, first: 4)) == 1)
            #expect(reopened.read(max: 10, timeout: 5).map(\.id) == [5])
            reopened.close()
        }
    }

    @Test func aRandomGarbageSegmentFileIsSkippedAndTheRestDelivered() throws {
        let scratch = ScratchDirectory()
        _ = try closedSpool(scratch)
        var generator = SystemRandomNumberGenerator()
        let garbage = scratch.spoolPath + "/wb-00000000000000000020.seg"
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data(bytes)))
        let log = LogRecorder()
        let (spool, ids, _) = try reopen(scratch.spoolPath, log)
        #expect(ids == Array(1...60))
        #expect(spool.counters.corruptFrames == 0)
        #expect(log.contains(.error, garbage, "offset 0"))
        #expect(!FileManager.default.fileExists(atPath: garbage))
        spool.close()
    }

    @Test func anEmptySegmentLeftByACrashAtCreationIsRemovedQuietly() throws {
        let scratch = ScratchDirectory()
        _ = try closedSpool(scratch)
        let empty = scratch.spoolPath + "/wb-00000000000000000061.seg"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let log = LogRecorder()
        let (spool, ids, _) = try reopen(scratch.spoolPath, log)
        #expect(ids == Array(1...60))
        #expect(log.messages(.error).isEmpty)
        #expect(log.contains(.warning, empty))
        #expect(spool.append(payloads(1, first: 60)) == 1)
        #expect(spool.read(max: 10, timeout: 5).map(\.id) == [61])
        spool.close()
    }

    @Test func aSegmentWithOnlyItsHeaderIsRemovedAndItsNameReused() throws {
        let scratch = ScratchDirectory()
        _ = try closedSpool(scratch)
        let headerOnly = scratch.spoolPath + "/wb-00000000000000000061.seg"
        #expect(FileManager.default.createFile(atPath: headerOnly, contents: Data(SegmentFormat.header(firstID: 61))))
        let log = LogRecorder()
        let (spool, ids, atStart) = try reopen(scratch.spoolPath, log)
        #expect(ids == Array(1...60))
        #expect(atStart.segments == 4 && atStart.corruptFrames == 0)
        #expect(log.messages(.error).isEmpty && log.messages(.warning).isEmpty)
        #expect(spool.append(payloads(1, first: 60)) == 1)
        #expect(spool.read(max: 10, timeout: 5).map(\.id) == [61])
        spool.close()
    }

    /// Without write-through memory the reader reads every frame back from the file.
    @Test func damageMetWhileRunningIsCountedWhenRead() throws {
        let scratch = ScratchDirectory()
        let log = LogRecorder()
        let spool = try DiskSpool(options: options(scratch.spoolPath, writeThroughBytes: 0), logger: log.logger)
        #expect(spool.append(payloads(10)) == 10)
        let segment = try #require(scratch.segmentFiles().first)
        let frame = try frames(in: segment)[4]
        try flipBit(in: segment, at: frame.offset + 40)
        let ids = readEntries(spool, count: 9).map(\.id)
        #expect(ids == [1, 2, 3, 4, 6, 7, 8, 9, 10])
        #expect(spool.counters.corruptFrames == 1)
        #expect(log.contains(.error, segment, "offset \(frame.offset)", "id 5"))
        spool.acknowledge(ids)
        #expect(spool.waitUntilEmpty(timeout: 5))
        spool.close()
    }

    /// With write-through memory, frames the reader takes from memory are delivered as they were written, damage
    /// done to the file afterwards notwithstanding; frames beyond the memory bound are read from the file, so
    /// damage to one of those is met, counted and logged.
    @Test func framesBeyondTheWriteThroughBoundAreReadFromTheFile() throws {
        let scratch = ScratchDirectory()
        let log = LogRecorder()
        // The bound holds about five 100-byte payloads with their bookkeeping (four to six, as the allocator
        // rounds each up a little differently): frame 3 is kept, frame 8 is not.
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, writeThroughBytes: 5 * (payloads(1)[0].capacity + 64)),
            logger: log.logger)
        #expect(spool.append(payloads(10)) == 10)
        let segment = try #require(scratch.segmentFiles().first)
        let located = try frames(in: segment)
        try flipBit(in: segment, at: located[2].offset + 40)  // id 3, in memory
        try flipBit(in: segment, at: located[7].offset + 40)  // id 8, only on disk
        let entries = readEntries(spool, count: 9)
        #expect(entries.map(\.id) == [1, 2, 3, 4, 5, 6, 7, 9, 10])
        #expect(entries.map(\.payload) == entries.map { payloads(1, first: Int($0.id) - 1)[0] })
        #expect(spool.counters.corruptFrames == 1)
        #expect(log.contains(.error, segment, "offset \(located[7].offset)", "id 8"))
        spool.close()
    }
}
