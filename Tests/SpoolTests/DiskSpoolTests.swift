import Foundation
import Logging
import Testing

@testable import Spool

@Suite struct DiskSpoolTests {
    @Test func entriesComeBackInOrderWithIncreasingIds() throws {
        let scratch = ScratchDirectory()
        let log = LogRecorder()
        let spool = try DiskSpool(options: options(scratch.spoolPath), logger: log.logger)
        let sent = payloads(30)
        #expect(spool.append(Array(sent[0..<10])) == 10)
        #expect(spool.append(Array(sent[10..<30])) == 20)
        let entries = readEntries(spool, count: 30)
        #expect(entries.map(\.payload) == sent)
        #expect(entries.map(\.id) == Array(entries[0].id..<(entries[0].id + 30)))
        #expect(spool.read(max: 10, timeout: 0.05).isEmpty)
        #expect(spool.counters.pendingEntries == 30)
        spool.acknowledge(entries.map(\.id))
        #expect(spool.waitUntilEmpty(timeout: 5))
        let counters = spool.counters
        #expect(counters.appended == 30 && counters.acknowledged == 30 && counters.pendingEntries == 0)
        #expect(log.contains(.info, "found 0 unacknowledged events in \(scratch.spoolPath)"))
        spool.close()
    }

    @Test func aReaderWaitingForDataGetsItWhenAppended() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        let reader = Background { spool.read(max: 10, timeout: 20) }
        reader.waitUntilStarted()
        #expect(spool.append(payloads(3)) == 3)
        #expect(reader.wait()?.map(\.payload) == payloads(3))
        spool.close()
    }

    @Test func acknowledgementsInAnyOrderEmptyTheSpool() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        #expect(spool.append(payloads(10)) == 10)
        let ids = readEntries(spool, count: 10).map(\.id)
        spool.acknowledge(ids.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        #expect(spool.counters.pendingEntries == 5)
        #expect(!spool.waitUntilEmpty(timeout: 0))
        spool.acknowledge(ids.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).reversed())
        #expect(spool.waitUntilEmpty(timeout: 5))
        #expect(spool.counters.acknowledged == 10)
        spool.acknowledge(ids + [9999])
        #expect(spool.counters.acknowledged == 10)
        spool.close()
    }

    @Test func aCleanCloseWithEverythingAcknowledgedLeavesOnlyTheStateFile() throws {
        let scratch = ScratchDirectory()
        var spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        #expect(spool.append(payloads(5)) == 5)
        let first = readEntries(spool, count: 5)
        spool.acknowledge(first.map(\.id))
        spool.close()
        #expect(scratch.files() == ["wb-spool.state"])

        let log = LogRecorder()
        spool = try DiskSpool(options: options(scratch.spoolPath), logger: log.logger)
        #expect(spool.counters.recovered == 0)
        #expect(spool.read(max: 10, timeout: 0.05).isEmpty)
        #expect(spool.append(payloads(1, first: 5)) == 1)
        let next = readEntries(spool, count: 1)
        #expect(next.first?.id == first.last!.id + 1)
        spool.close()
    }

    @Test func reopeningAfterCloseResendsExactlyTheUnacknowledged() throws {
        let scratch = ScratchDirectory()
        var spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        let sent = payloads(10)
        #expect(spool.append(sent) == 10)
        let entries = readEntries(spool, count: 10)
        let acknowledged = [0, 1, 2, 3, 6].map { entries[$0].id }
        spool.acknowledge(acknowledged)
        spool.close()

        let log = LogRecorder()
        spool = try DiskSpool(options: options(scratch.spoolPath), logger: log.logger)
        #expect(spool.counters.recovered == 5 && spool.counters.pendingEntries == 5)
        #expect(log.contains(.info, "found 5 unacknowledged events in \(scratch.spoolPath)"))
        let again = readAll(spool)
        #expect(again == entries.filter { !acknowledged.contains($0.id) })
        spool.acknowledge(again.map(\.id))
        #expect(spool.waitUntilEmpty(timeout: 5))
        spool.close()
        #expect(scratch.files() == ["wb-spool.state"])
    }

    /// Written directly (segments end in zero padding) and through the page cache.
    @Test(arguments: [true, false])
    func aCrashCopyResendsTheUnacknowledgedAndNothingAcknowledged(directIO: Bool) throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, segmentSize: 4096, directIO: directIO), logger: LogRecorder().logger)
        let sent = payloads(60)
        #expect(spool.append(Array(sent[0..<25])) == 25)
        #expect(spool.append(Array(sent[25..<50])) == 25)
        let entries = readEntries(spool, count: 40)
        let acknowledged = Set(entries[0..<12].map(\.id) + [entries[15].id, entries[20].id, entries[39].id])
        spool.acknowledge(Array(acknowledged).shuffled())
        #expect(spool.append(Array(sent[50..<60])) == 10)
        let copy = try scratch.crashCopy()

        let log = LogRecorder()
        let reopened = try DiskSpool(options: options(copy, segmentSize: 4096, directIO: directIO), logger: log.logger)
        let unacknowledged = 60 - acknowledged.count
        #expect(reopened.counters.recovered == unacknowledged)
        let again = readAll(reopened)
        let all = entries + readEntries(spool, count: 20)
        #expect(again == all.filter { !acknowledged.contains($0.id) })
        #expect(reopened.counters.corruptFrames == 0)
        #expect(log.messages(.error) == [])
        #expect(log.messages(.warning) == [])
        reopened.close()
        spool.close()
    }

    /// A file system that refuses a direct write in the middle of a segment: that segment goes on through the
    /// page cache after its padded end, later segments too, and everything reads back, also after a crash.
    @Test func aRefusedDirectWriteFallsBackToThePageCache() throws {
        let scratch = ScratchDirectory()
        let log = LogRecorder()
        let spool = try DiskSpool(options: options(scratch.spoolPath, segmentSize: 4096), logger: log.logger)
        #expect(spool.append(payloads(5, size: 150)) == 5)
        let first = try #require(scratch.segmentFiles().first)
        #expect(try fileSize(first) == 4096)
        spool.appendLock.withLock { spool.refuseDirectWrites = true }
        for batch in 0..<6 { #expect(spool.append(payloads(5, size: 150, first: 5 + batch * 5)) == 5) }
        #expect(log.contains(.notice, "refuses direct I/O", scratch.spoolPath))
        #expect(spool.appendLock.withLock { spool.directIO } == false)
        // The first segment: direct writes, then buffered ones from its logical end; the second: buffered only,
        // so its records end where the file does.
        let files = scratch.segmentFiles()
        #expect(files.count == 2)
        let records = try files.map { try frames(in: $0) }
        #expect(records.flatMap { $0.filter { !$0.isSeal }.map(\.id) } == Array(1...35))
        #expect(try endsAtItsLastRecord(files[1]))
        #expect(readEntries(spool, count: 35).map(\.payload) == payloads(35, size: 150))
        let (reopened, reopenLog) = try reopenCrashCopy(of: scratch, segmentSize: 4096)
        #expect(readAll(reopened).map(\.payload) == payloads(35, size: 150))
        #expect(reopenLog.messages(.error).isEmpty && reopenLog.messages(.warning).isEmpty)
        reopened.close()
        spool.close()
    }

    /// A file system that refuses O_DIRECT at open (tmpfs before Linux 6.6): every segment is written through
    /// the page cache, with no padding, and reads back.
    @Test func aRefusedDirectOpenFallsBackToThePageCache() throws {
        let scratch = ScratchDirectory()
        let log = LogRecorder()
        let spool = try DiskSpool(options: options(scratch.spoolPath, segmentSize: 4096), logger: log.logger)
        spool.appendLock.withLock { spool.refuseDirectWrites = true }
        #expect(spool.append(payloads(30, size: 150)) == 30)
        #expect(log.contains(.notice, "refuses direct I/O", scratch.spoolPath))
        let files = scratch.segmentFiles()
        #expect(files.count == 2)
        for file in files { #expect(try endsAtItsLastRecord(file)) }
        #expect(readEntries(spool, count: 30).map(\.payload) == payloads(30, size: 150))
        spool.close()
    }

    @Test func withoutItsStateFileTheSpoolResendsEverythingItHolds() throws {
        let scratch = ScratchDirectory()
        var spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        #expect(spool.append(payloads(8)) == 8)
        let entries = readEntries(spool, count: 8)
        spool.acknowledge([entries[0].id, entries[5].id])
        spool.close()
        try FileManager.default.removeItem(atPath: scratch.spoolPath + "/wb-spool.state")

        let log = LogRecorder()
        spool = try DiskSpool(options: options(scratch.spoolPath), logger: log.logger)
        #expect(log.contains(.warning, "state file missing", scratch.spoolPath))
        // Acknowledged ones too: without the state nothing tells them apart.
        let again = readAll(spool)
        #expect(again.map(\.id) == entries.map(\.id))
        #expect(again == entries)
        #expect(spool.counters.corruptFrames == 0)
        spool.close()
    }

    /// `bytesOnDisk` counts the records: a directly written file adds less than a block of padding.
    @Test(arguments: [true, false])
    func segmentsRollOverAndAreDeletedOnceAcknowledged(directIO: Bool) throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, segmentSize: 4096, directIO: directIO), logger: LogRecorder().logger)
        for batch in 0..<10 { #expect(spool.append(payloads(10, size: 200, first: batch * 10)) == 10) }
        let segments = spool.counters.segments
        #expect(segments >= 5)
        #expect(scratch.segmentFiles().count == segments)
        let sizes = try scratch.segmentFiles().map { Int64(try fileSize($0)) }
        let padding = sizes.reduce(0, +) - spool.counters.bytesOnDisk
        if directIO {
            #expect(sizes.allSatisfy { $0 % 4096 == 0 })
            #expect(padding >= 0 && padding < 4096 * Int64(segments))
        } else {
            #expect(padding == 0)
        }
        let entries = readEntries(spool, count: 100)
        #expect(entries.map(\.payload) == payloads(100, size: 200))
        spool.acknowledge(entries[0..<50].map(\.id))
        #expect(spool.counters.segments < segments)
        #expect(scratch.segmentFiles().count == spool.counters.segments)
        spool.acknowledge(entries[50...].map(\.id))
        #expect(spool.counters.segments == 1)
        spool.close()
        #expect(scratch.files() == ["wb-spool.state"])
    }

    @Test func aSecondSpoolOnTheSameDirectoryFailsFast() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        let error = #expect(throws: SpoolError.self) {
            try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        }
        #expect(error?.message.contains(scratch.spoolPath) == true)
        #expect(error?.message.contains("in use by another running process") == true)
        spool.close()
        let again = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        again.close()
    }

    @Test func anUnusableDirectoryIsAClearError() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: scratch.path + "/file", contents: Data([1]))
        let error = #expect(throws: SpoolError.self) {
            try DiskSpool(options: options(scratch.path + "/file/spool"), logger: LogRecorder().logger)
        }
        #expect(error?.message.contains(scratch.path + "/file") == true)
        #expect(error?.message.contains("Not a directory") == true)
    }

    @Test func theDirectoryIsCreatedPrivate() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.spoolPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        spool.close()
    }

    @Test func beatsQueueFilesAreNeitherReadNorDeleted() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.spoolPath, withIntermediateDirectories: true)
        for name in ["state.dat", "1.seg", "2.seg"] {
            _ = FileManager.default.createFile(
                atPath: scratch.spoolPath + "/" + name, contents: Data(repeating: 7, count: 64))
        }
        let log = LogRecorder()
        let spool = try DiskSpool(options: options(scratch.spoolPath), logger: log.logger)
        #expect(spool.counters.segments == 0 && spool.counters.recovered == 0)
        #expect(spool.read(max: 10, timeout: 0.05).isEmpty)
        spool.close()
        #expect(scratch.files() == ["1.seg", "2.seg", "state.dat", "wb-spool.state"])
        #expect(log.messages(.error).isEmpty)
        #expect(log.contains(.warning, scratch.spoolPath, "libbeat disk queue", "1.seg, 2.seg, state.dat"))
    }

    @Test func closeWakesABlockedAppender() throws {
        let scratch = ScratchDirectory()
        let (spool, appender) = try fullSpoolWithWaitingAppender(in: scratch)
        spool.close()
        let accepted = try #require(appender.wait())
        #expect(accepted < 20)
        #expect(spool.counters.droppedFull == 20 - accepted)
        #expect(spool.append(payloads(1)) == 0)
    }

    @Test func closeWakesAWaitingReader() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        let reader = Background { spool.read(max: 10, timeout: 60) }
        reader.waitUntilStarted()
        spool.close()
        #expect(reader.wait() == [])
    }

    /// Write-through memory bounded to about five frames: a reader behind the appender reads what memory did not
    /// keep from the file, and takes kept frames from memory only once it reaches them, in order.
    @Test func aReaderBehindTheWriteThroughBoundReadsTheGapFromTheFile() throws {
        let scratch = ScratchDirectory()
        let sent = payloads(20)
        // A frame counts its payload's allocation, which the allocator may round up by a few bytes more for one
        // array than for another: the frames kept are counted from the payloads' own capacities.
        let bound = 5 * (sent[0].capacity + 64)
        func kept(_ batch: ArraySlice<[UInt8]>) -> Int {
            var total = 0
            return batch.prefix { payload in
                total += payload.capacity + 64
                return total <= bound
            }.count
        }
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, writeThroughBytes: bound), logger: LogRecorder().logger)
        #expect(spool.append(Array(sent[0..<10])) == 10)  // about 1-5 kept, the rest only on disk
        var received = spool.read(max: 7, timeout: 1)  // the kept ones from memory, the rest from the file
        received += spool.read(max: 1, timeout: 1)  // 8 from the file; memory now holds nothing the reader needs
        #expect(spool.append(Array(sent[10...])) == 10)  // about 11-15 kept, the rest only on disk
        received += readEntries(spool, count: 12)  // 9-10 from the file, then memory, then the file
        #expect(received.map(\.id) == Array(1...20))
        let payloadsAsSent = received.map(\.payload) == sent
        #expect(payloadsAsSent)
        let fromMemory = spool.readLock.withLock { spool.takenFromMemory }
        #expect(fromMemory == kept(sent[0..<10]) + kept(sent[10...]) && (8...12).contains(fromMemory))
        spool.close()
    }

    /// While nothing reads (the output is down), write-through memory holds no more than its bound however much
    /// is appended; everything is still handed out afterwards, in order.
    @Test func writeThroughMemoryStaysWithinItsBoundWhileNothingReads() throws {
        let scratch = ScratchDirectory()
        let bound = 10 * 200
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, writeThroughBytes: bound), logger: LogRecorder().logger)
        let sent = payloads(500)
        for batch in 0..<10 { #expect(spool.append(Array(sent[(batch * 50)..<(batch * 50 + 50)])) == 50) }
        let held = spool.lock.withLock { spool.recent.bytes }
        #expect(held > 0 && held <= bound)
        let received = readEntries(spool, count: 500)
        #expect(received.map(\.id) == Array(1...500))
        let payloadsAsSent = received.map(\.payload) == sent
        #expect(payloadsAsSent)
        spool.close()
    }

    /// With the reader taking every frame from the file (0), from memory (the default bound), and both in turn
    /// (a bound of about 24 frames, which a reader behind the appender outruns).
    /// Each written directly and through the page cache.
    @Test(arguments: [0, 3000, 16 << 20], [true, false])
    func concurrentAppendReadAndAcknowledgeLoseAndDuplicateNothing(writeThroughBytes: Int, directIO: Bool) throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(
            options: options(
                scratch.spoolPath, maxSize: 64 * 1024, segmentSize: 16 * 1024, writeThroughBytes: writeThroughBytes,
                directIO: directIO),
            logger: LogRecorder().logger)
        let total = 5000
        let publisher = Background {
            var accepted = 0
            for batch in 0..<(total / 50) { accepted += spool.append(payloads(50, size: 60, first: batch * 50)) }
            return accepted
        }
        var received: [SpoolEntry] = []
        let deadline = Date().addingTimeInterval(30)
        while received.count < total && Date() < deadline {
            let entries = spool.read(max: 128, timeout: 0.5)
            received += entries
            spool.acknowledge(entries.map(\.id).reversed())
        }
        #expect(publisher.wait() == total)
        #expect(received.map(\.payload) == payloads(total, size: 60))
        #expect(Set(received.map(\.id)).count == total)
        let fromMemory = spool.readLock.withLock { spool.takenFromMemory }
        switch writeThroughBytes {
        case 0: #expect(fromMemory == 0)
        case 3000: #expect(fromMemory > 0 && fromMemory < total, "\(fromMemory) of \(total) from memory")
        default: #expect(fromMemory > total / 2, "\(fromMemory) of \(total) from memory")
        }
        #expect(spool.waitUntilEmpty(timeout: 5))
        spool.close()
        #expect(scratch.files() == ["wb-spool.state"])
    }
}
