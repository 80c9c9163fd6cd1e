import Foundation
import Logging
import Testing

@testable import Spool

#if canImport(Glibc)
    import Glibc
#endif

/// `max_size`, payloads too large for a segment, and disk write errors.
@Suite struct DiskSpoolLimitTests {
    @Test func aFullSpoolBlocksTheAppenderUntilAcknowledgementsFreeASegment() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, maxSize: 8192, segmentSize: 4096), logger: LogRecorder().logger)
        #expect(spool.append(payloads(7, size: 500)) == 7)
        // About fifteen such entries fit in eight kilobytes.
        let appender = Background { spool.append(payloads(20, size: 500, first: 7)) }
        var received = readEntries(spool, count: 7)
        #expect(appender.wait(timeout: 0.3) == nil)
        var accepted: Int?
        let deadline = Date().addingTimeInterval(20)
        while accepted == nil && Date() < deadline {
            #expect(spool.counters.bytesOnDisk <= 8192)
            spool.acknowledge(received.map(\.id))
            received += spool.read(max: 100, timeout: 0.05)
            accepted = appender.wait(timeout: 0.01)
        }
        #expect(accepted == 20)
        received += readEntries(spool, count: 27 - received.count)
        #expect(received.map(\.payload) == payloads(27, size: 500))
        #expect(spool.counters.droppedFull == 0)
        spool.close()
    }

    @Test func aFullSpoolDropsTheNewestUnderDropNewest() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, maxSize: 8192, segmentSize: 4096, policy: .dropNewest),
            logger: LogRecorder().logger)
        let accepted = spool.append(payloads(40, size: 500))
        #expect(accepted > 7 && accepted < 40)
        #expect(spool.counters.droppedFull == 40 - accepted)
        #expect(spool.counters.bytesOnDisk <= 8192)
        #expect(spool.append(payloads(1, size: 500)) == 0)
        #expect(spool.counters.droppedFull == 41 - accepted)
        let entries = readEntries(spool, count: accepted)
        #expect(entries.map(\.payload) == payloads(accepted, size: 500))
        spool.acknowledge(entries.map(\.id))
        #expect(spool.append(payloads(3, size: 500)) == 3)
        spool.close()
    }

    @Test func aPayloadLargerThanASegmentIsRejectedAndTheRestAccepted() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath, segmentSize: 4096), logger: LogRecorder().logger)
        let small = payloads(2, size: 100)
        let largest = 4096 - 32 - 20 - 20
        #expect(spool.append([small[0], [UInt8](repeating: 1, count: largest + 1), small[1]]) == 2)
        #expect(spool.counters.rejectedTooLarge == 1)
        #expect(spool.append([[UInt8](repeating: 2, count: largest)]) == 1)
        let entries = readEntries(spool, count: 3)
        #expect(entries.map(\.payload) == small + [[UInt8](repeating: 2, count: largest)])
        #expect(entries.map(\.id) == [1, 2, 3])
        spool.close()
    }

    @Test func aPayloadLargerThanTheReadBufferComesBackWhole() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, segmentSize: 8 << 20), logger: LogRecorder().logger)
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(spool.append([[1], big, [2]]) == 3)
        #expect(readEntries(spool, count: 3).map(\.payload) == [[1], big, [2]])
        spool.close()
    }

    @Test func aPayloadLargerThanMaxSizeIsRejected() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, maxSize: 2000, segmentSize: 4096), logger: LogRecorder().logger)
        #expect(spool.append([[UInt8](repeating: 1, count: 1990)]) == 0)
        #expect(spool.counters.rejectedTooLarge == 1 && spool.counters.droppedFull == 0)
        spool.close()
    }

    @Test func writeErrorsAreRetriedWithDoublingWaitsAndLeaveNoPartialFrames() throws {
        let scratch = ScratchDirectory()
        let log = LogRecorder()
        let spool = try DiskSpool(options: options(scratch.spoolPath, retryInterval: 0.01), logger: log.logger)
        #expect(spool.append(payloads(2)) == 2)
        spool.injectWriteFailures([ENOSPC, EIO])
        #expect(spool.append(payloads(5, first: 2)) == 5)
        #expect(spool.counters.writeErrors == 2 && spool.counters.appended == 7)
        let segment = try #require(scratch.segmentFiles().first)
        #expect(
            log.contains(.error, "writing to segment \(segment) failed: No space left on device; retrying in 0.01s"))
        #expect(log.contains(.error, "writing to segment \(segment) failed: Input/output error; retrying in 0.02s"))
        #expect(readEntries(spool, count: 7).map(\.payload) == payloads(7))
        #expect(try frames(in: segment).map(\.id) == Array(1...7))

        let (reopened, reopenLog) = try reopenCrashCopy(of: scratch)
        #expect(reopened.counters.recovered == 7)
        #expect(reopenLog.messages(.error).isEmpty && reopenLog.messages(.warning).isEmpty)
        reopened.close()
        spool.close()
    }

    @Test func aWriteErrorUnderDropNewestGivesUpTheBatch() throws {
        let scratch = ScratchDirectory()
        let log = LogRecorder()
        let spool = try DiskSpool(
            options: options(scratch.spoolPath, policy: .dropNewest, retryInterval: 0.01), logger: log.logger)
        spool.injectWriteFailures([ENOSPC])
        #expect(spool.append(payloads(5)) == 0)
        #expect(spool.counters.writeErrors == 1 && spool.counters.droppedFull == 5)
        #expect(log.contains(.error, "writing to segment", "failed: No space left on device"))
        #expect(spool.append(payloads(3, first: 5)) == 3)
        let entries = readEntries(spool, count: 3)
        #expect(entries.map(\.payload) == payloads(3, first: 5))
        #expect(entries.map(\.id) == [1, 2, 3])
        spool.close()
        let reopened = try DiskSpool(options: options(scratch.spoolPath), logger: LogRecorder().logger)
        #expect(reopened.counters.recovered == 3 && reopened.counters.corruptFrames == 0)
        reopened.close()
    }

    @Test func closeEndsARetryWaitAtOnce() throws {
        let scratch = ScratchDirectory()
        let spool = try DiskSpool(options: options(scratch.spoolPath, retryInterval: 30), logger: LogRecorder().logger)
        spool.injectWriteFailures([EIO])
        let appender = Background { spool.append(payloads(4)) }
        appender.waitUntilStarted()
        spool.close()
        #expect(appender.wait(timeout: 10) == 0)
        #expect(spool.counters.droppedFull == 4)
    }

    /// Shutting down with the spool full: the blocked appender returns with what fitted, later appends refuse
    /// what does not fit at once, and the spool still reads, acknowledges and frees room.
    @Test func stopBlockingReleasesAnAppenderWaitingForRoom() throws {
        let scratch = ScratchDirectory()
        let (spool, appender) = try fullSpoolWithWaitingAppender(in: scratch)
        spool.stopBlocking()
        let accepted = try #require(appender.wait())
        #expect(accepted > 0 && accepted < 20)
        #expect(spool.counters.droppedFull == 20 - accepted)
        #expect(spool.append(payloads(20, size: 500, first: 20)) == 0)
        #expect(spool.counters.droppedFull == 40 - accepted)
        let entries = readEntries(spool, count: accepted)
        #expect(entries.map(\.payload) == payloads(accepted, size: 500))
        spool.acknowledge(entries.map(\.id))
        #expect(spool.append(payloads(1, size: 500, first: 40)) == 1)
        spool.close()
    }

    /// Shutting down during a retry pause after a write error: the batch is given up and counted.
    @Test func stopBlockingEndsARetryWait() throws {
        let scratch = ScratchDirectory()
        let log = LogRecorder()
        let spool = try DiskSpool(options: options(scratch.spoolPath, retryInterval: 30), logger: log.logger)
        spool.injectWriteFailures([EIO])
        let appender = Background { spool.append(payloads(4)) }
        appender.waitUntilStarted()
        spool.stopBlocking()
        #expect(appender.wait(timeout: 10) == 0)
        #expect(spool.counters.droppedFull == 4 && spool.counters.writeErrors == 1)
        spool.injectWriteFailures([EIO])
        #expect(spool.append(payloads(2, first: 4)) == 0)
        #expect(log.contains(.error, "dropping 2 events (shutting down)"))
        spool.close()
    }
}
