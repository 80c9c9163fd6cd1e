import Foundation
import Spool
import Testing

@Suite struct MemorySpoolTests {
    @Test func entriesComeBackInOrderWithIncreasingIds() {
        let spool = MemorySpool(capacity: 100, policy: .block)
        #expect(spool.append(payloads(10)) == 10)
        let entries = readEntries(spool, count: 10)
        #expect(entries.map(\.payload) == payloads(10))
        #expect(entries.map(\.id) == Array(1...10))
        #expect(spool.read(max: 10, timeout: 0.05).isEmpty)
        spool.acknowledge(entries.map(\.id))
        #expect(spool.waitUntilEmpty(timeout: 5))
        #expect(spool.counters.appended == 10 && spool.counters.acknowledged == 10)
    }

    @Test func acknowledgementsInAnyOrderEmptyTheSpool() {
        let spool = MemorySpool(capacity: 100, policy: .block)
        #expect(spool.append(payloads(6)) == 6)
        let ids = readEntries(spool, count: 6).map(\.id)
        spool.acknowledge([ids[5], ids[1], ids[3]])
        #expect(spool.counters.pendingEntries == 3)
        #expect(!spool.waitUntilEmpty(timeout: 0))
        spool.acknowledge([ids[4], ids[0], ids[2], 999])
        #expect(spool.waitUntilEmpty(timeout: 5))
        #expect(spool.counters.acknowledged == 6)
    }

    @Test func aFullSpoolBlocksTheAppenderUntilAcknowledged() {
        let spool = MemorySpool(capacity: 4, policy: .block)
        #expect(spool.append(payloads(4)) == 4)
        let appender = Background { spool.append(payloads(2, first: 4)) }
        let first = readEntries(spool, count: 4)
        #expect(appender.wait(timeout: 0.3) == nil)
        spool.acknowledge([first[2].id, first[0].id])
        #expect(appender.wait() == 2)
        #expect(readEntries(spool, count: 2).map(\.payload) == payloads(2, first: 4))
    }

    @Test func aFullSpoolDropsTheNewestUnderDropNewest() {
        let spool = MemorySpool(capacity: 4, policy: .dropNewest)
        #expect(spool.append(payloads(6)) == 4)
        #expect(spool.counters.droppedFull == 2)
        #expect(readEntries(spool, count: 4).map(\.payload) == payloads(4))
    }

    @Test func closeWakesABlockedAppenderAndAWaitingReader() {
        let full = MemorySpool(capacity: 2, policy: .block)
        #expect(full.append(payloads(2)) == 2)
        let appender = Background { full.append(payloads(3, first: 2)) }
        let empty = MemorySpool(capacity: 2, policy: .block)
        let reader = Background { empty.read(max: 10, timeout: 60) }
        appender.waitUntilStarted()
        reader.waitUntilStarted()
        full.close()
        empty.close()
        #expect(appender.wait() == 0)
        #expect(full.counters.droppedFull == 3)
        #expect(reader.wait() == [])
    }

    /// Shutting down: the blocked appender takes what fits and returns, later appends refuse at once, and
    /// what is in the spool can still be read.
    @Test func stopBlockingReleasesABlockedAppenderAndReadsGoOn() {
        let spool = MemorySpool(capacity: 2, policy: .block)
        #expect(spool.append(payloads(2)) == 2)
        let appender = Background { spool.append(payloads(3, first: 2)) }
        appender.waitUntilStarted()
        spool.stopBlocking()
        #expect(appender.wait() == 0)
        #expect(spool.append(payloads(1, first: 5)) == 0)
        #expect(spool.counters.droppedFull == 4)
        let entries = readEntries(spool, count: 2)
        #expect(entries.map(\.payload) == payloads(2))
        spool.acknowledge(entries.map(\.id))
        #expect(spool.append(payloads(1, first: 6)) == 1)
    }

    @Test func afterCloseReadsHandOutWhatIsLeftWithoutWaiting() {
        let spool = MemorySpool(capacity: 10, policy: .block)
        #expect(spool.append(payloads(3)) == 3)
        spool.close()
        #expect(spool.append(payloads(1)) == 0)
        #expect(spool.read(max: 10, timeout: 60).map(\.payload) == payloads(3))
        #expect(spool.read(max: 10, timeout: 60).isEmpty)
    }
}
