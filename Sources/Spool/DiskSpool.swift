// The disk spool (`queue.disk`): a directory of append-only segment files of checksummed frames
// (SegmentFormat.swift) and an acknowledgement state file (StateFile.swift). At-least-once: an entry is
// re-sent after a restart unless its acknowledgement reached the state file. A process appends only to
// segments it created (its first append starts one), never after a tail a crash may have torn.
//
// Durability (fsync policy):
// - Each `append` call (one publisher batch) is written with one pwrite and fdatasync'ed before it returns
//   (one more pwrite and fdatasync when the batch spills into a new segment); only then can the shipper read
//   it. Segments are written with direct I/O where the file system allows (SegmentAppender.swift). A
//   segment's creation and deletion are followed by an fsync of the directory (a large segment's deletion is
//   a rename, its blocks then freed in the background: SegmentReaper.swift). So an appended entry survives
//   kill -9 and power loss.
// - The state file is rewritten (pwrite) on every `acknowledge`; it is fdatasync'ed at most once a second (by
//   the shipper's next `acknowledge` or `read`), before a segment is deleted, and at close. So kill -9 replays
//   nothing acknowledged; power loss may replay up to about a second of acknowledgements (duplicates, never
//   loss).
//
// Reads of what this process appended come from memory (RecentFrames.swift, up to `writeThroughBytes`, 64 MiB
// by default): the file is read for the rest, and after a restart. The bound is what the shipper may fall behind
// the writer before it reads records back from the file, which costs more than taking them from memory and so
// lets it fall further behind. At 16 MiB (a few tens of milliseconds of a busy link's events, as records hold
// up to twice their size) that happened in most Kafka runs with Beats' defaults in `scripts/bench-kafka`; at
// 64 MiB in none of eight. While the output is down, the bound is what this memory holds.
//
// Memory stays bounded whatever the backlog: the appender holds one encoded batch, the reader one read buffer
// (1 MiB, or one frame if larger) and the entries of one `read`, and the write-through frames their bound;
// everything else stays on disk.
//
// Threads: the publisher appends (under `appendLock`), the shipper reads (under `readLock`) and acknowledges
// (under `stateLock`). Shared bookkeeping lives under `lock`, held only for memory updates, never across a
// system call that writes, so the publisher's fdatasync never delays an acknowledgement and the shipper's
// state writes never delay an append (except when a finished segment is deleted, which waits for the state
// sync). Lock order: appendLock → readLock → stateLock → lock.

import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `queue.disk` options.
public struct DiskSpoolOptions: Sendable {
    /// The spool directory (created with mode 0700 when missing).
    public var path: String
    /// The most bytes the segment files may take (0 = unbounded).
    public var maxSize: Int64
    /// The size at which a new segment file is started; also bounds one payload.
    public var segmentSize: Int64
    /// The most entries one `read` hands out.
    public var readAhead: Int
    /// Seconds to wait after a failed disk write before retrying.
    public var retryInterval: Double
    /// The longest wait between retries (the wait doubles from `retryInterval`).
    public var maxRetryInterval: Double
    /// What `append` does when `maxSize` is reached.
    public var policy: SpoolFullPolicy
    /// Bytes of recently appended payloads kept in memory for the reader (RecentFrames.swift); 0 turns that off.
    public var writeThroughBytes: Int
    /// Writes segments with direct I/O where the file system allows it (SegmentAppender.swift); false writes
    /// through the page cache.
    public var directIO: Bool

    /// Options for a spool in `path`.
    public init(
        path: String, maxSize: Int64, segmentSize: Int64, readAhead: Int = 512,
        retryInterval: Double = 1, maxRetryInterval: Double = 30, policy: SpoolFullPolicy = .block,
        writeThroughBytes: Int = 64 << 20, directIO: Bool = true
    ) {
        self.path = path
        self.maxSize = maxSize
        self.segmentSize = segmentSize
        self.readAhead = readAhead
        self.retryInterval = retryInterval
        self.maxRetryInterval = maxRetryInterval
        self.policy = policy
        self.writeThroughBytes = writeThroughBytes
        self.directIO = directIO
    }
}

/// Segment file bookkeeping shared by the appender, the reader and deletion.
struct SegmentInfo {
    let firstID: UInt64
    let path: String
    /// Bytes in the file.
    var size: Int64
    /// Bytes the reader may read: the validated end (recovered segments) or the committed end.
    var readableEnd: Int64
}

/// The segment the appender writes to.
struct SegmentWriter {
    let fd: Int32
    let path: String
    let firstID: UInt64
    /// Logical bytes: a file written with direct I/O may end in zero padding after them.
    var size: Int64
    /// Opened with O_DIRECT: written directly by the spool's `SegmentAppender`.
    var direct: Bool
}

/// Where damage was found, for the log line that reports what it cost.
struct DamageSite {
    let path: String
    let offset: Int64
    let what: String
    /// Already logged on its own (a tail, a bad header), so it needs no line unless it cost events.
    var reported = false
}

/// A durable at-least-once spool in a directory of segment files.
public final class DiskSpool: Spool, @unchecked Sendable {
    let options: DiskSpoolOptions
    let logger: Logger
    let directory: String
    let directoryFD: Int32
    /// The largest payload a segment (and `maxSize`) can hold.
    let maxPayload: Int

    // Shared bookkeeping, under `lock`.
    let lock = SpoolLock()
    let readable = SpoolCondition()
    let writable = SpoolCondition()
    let drained = SpoolCondition()
    var segments: [SegmentInfo] = []
    var activeFirstID: UInt64?
    /// Ids below this one are on disk (committed) or done.
    var nextID: UInt64 = 1
    /// Ids below this one were handed out, skipped as done, or lost.
    var handedOutEnd: UInt64 = 1
    var tracker = AckTracker(cursor: 1)
    var stats = SpoolCounters()
    var bytesOnDisk: Int64 = 0
    var closed = false
    /// `stopBlocking` was called: appends refuse what does not fit, and give up after a write error, instead
    /// of waiting.
    var noWaiting = false
    /// Moves whenever there is something new to read (a commit, a new or finished segment).
    var dataVersion: UInt64 = 0
    var injectedWriteFailures: [Int32] = []
    /// Appended frames the reader takes from memory instead of the file.
    var recent: RecentFrames

    // The appender's, under `appendLock`.
    let appendLock = SpoolLock()
    var writer: SegmentWriter?
    /// Stages the records of an append and writes them (SegmentAppender.swift).
    let appender = SegmentAppender()
    /// New segments are opened for direct I/O (until the file system refuses it).
    var directIO: Bool
    /// Direct opens and writes fail with EINVAL as a file system that refuses them would make them: for tests
    /// of the fallback.
    var refuseDirectWrites = false

    // The reader's, under `readLock`.
    let readLock = SpoolLock()
    var scanner: SegmentScanner?
    var scannerFirstID: UInt64 = 0
    var lastFinishedFirstID: UInt64?
    var expectedID: UInt64 = 1
    /// What was done before this process started: such frames are skipped, not handed out.
    var recoveredDone = AckTracker(cursor: 1)
    var damage: DamageSite?
    /// Entries handed out from write-through memory rather than read from the file (for tests).
    var takenFromMemory = 0

    // The state file, under `stateLock`.
    let stateLock = SpoolLock()
    let state: StateFile
    var stateFailing = false
    /// Removes large finished segments in the background (SegmentReaper.swift).
    let reaper: SegmentReaper

    /// Opens or creates the directory (0700) and recovers what a previous run left. Throws when the directory
    /// cannot be used or is locked by another running process.
    public init(options: DiskSpoolOptions, logger: Logger) throws(SpoolError) {
        let overhead = Int64(SegmentFormat.headerSize + SegmentFormat.sealSize + SegmentFormat.frameHeaderSize)
        guard options.segmentSize > overhead else {
            throw SpoolError("spool segment size \(options.segmentSize) is too small (at least \(overhead + 1) bytes)")
        }
        guard options.maxSize == 0 || options.maxSize > overhead else {
            throw SpoolError("spool max size \(options.maxSize) is too small (at least \(overhead + 1) bytes)")
        }
        var path = options.path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let created = FileIO.makeDirectories(path)
        guard created == 0 else { throw SpoolError("cannot create the spool directory \(path): \(errnoText(created))") }
        let directoryFD = FileIO.openFile(path, O_RDONLY | O_DIRECTORY)
        guard directoryFD >= 0 else {
            throw SpoolError("cannot open the spool directory \(path): \(errnoText(-directoryFD))")
        }
        let opened: (file: StateFile, snapshot: StateFile.Snapshot?, problem: String?)
        do {
            opened = try StateFile.open(directory: path)
        } catch {
            FileIO.closeFile(directoryFD)
            throw error
        }
        self.options = options
        self.logger = logger
        self.directory = path
        self.directoryFD = directoryFD
        let limit = options.maxSize == 0 ? options.segmentSize : min(options.segmentSize, options.maxSize)
        maxPayload = Int(min(limit - overhead, Int64(UInt32.max)))
        recent = RecentFrames(limit: options.writeThroughBytes)
        directIO = options.directIO && FileIO.directFlag != 0
        state = opened.file
        reaper = SegmentReaper(logger: logger)
        try recover(snapshot: opened.snapshot, problem: opened.problem)
        let left = counters
        if left.pendingEntries > 0 {
            logger.info(
                "disk spool \(path): \(left.pendingEntries) events from a previous run to deliver (\(left.segments) segments, \(left.bytesOnDisk) bytes)"
            )
        }
    }

    deinit {
        close()
    }

    /// What the spool did and holds.
    public var counters: SpoolCounters {
        lock.withLock {
            var counters = stats
            counters.pendingEntries = pendingLocked
            counters.bytesOnDisk = bytesOnDisk
            counters.segments = segments.count
            return counters
        }
    }

    /// Entries not yet done (under `lock`).
    var pendingLocked: Int {
        let span = nextID > tracker.cursor ? nextID - tracker.cursor : 0
        return Int(span - min(span, tracker.doneAboveCursor))
    }

    /// Waits up to `timeout` seconds until every entry is acknowledged (or lost to damage); true if so.
    public func waitUntilEmpty(timeout: Double) -> Bool {
        let deadline = MonotonicClock.deadline(after: timeout)
        lock.lock()
        defer { lock.unlock() }
        while tracker.cursor < nextID {
            if closed || !drained.wait(lock, until: deadline) { return tracker.cursor >= nextID }
        }
        return true
    }

    /// Appends stop waiting for room or for a retry; see `Spool`.
    public func stopBlocking() {
        lock.withLock {
            noWaiting = true
            writable.broadcast()
        }
    }

    /// Stops: wakes blocked appenders and readers, seals the segment being written, deletes what is fully
    /// acknowledged, syncs the state file and releases the directory lock. Idempotent.
    public func close() {
        lock.lock()
        if closed {
            lock.unlock()
            return
        }
        closed = true
        recent.removeAll()
        readable.broadcast()
        writable.broadcast()
        drained.broadcast()
        lock.unlock()

        appendLock.lock()
        finishSegment()
        readLock.lock()
        scanner = nil
        stateLock.lock()
        collectGarbage()
        lock.lock()
        state.encode(cursor: tracker.cursor, ranges: tracker.ranges)
        lock.unlock()
        writeState(sync: true)
        state.closeFile()
        FileIO.closeFile(directoryFD)
        stateLock.unlock()
        readLock.unlock()
        appendLock.unlock()
        reaper.close()
    }

    /// Writes the encoded state, syncing it when asked or when the last sync is a second old (under
    /// `stateLock`); false when it failed (logged once until it works again).
    @discardableResult
    func writeState(sync: Bool) -> Bool {
        var result = state.writeEncoded()
        if result == 0 && (sync || MonotonicClock.now() - state.lastSync >= 1) { result = state.sync() }
        if result != 0 {
            if !stateFailing {
                let consequence = "acknowledged events may be sent again after a restart"
                logger.error("writing the spool state file \(state.path) failed: \(errnoText(result)); \(consequence)")
            }
            stateFailing = true
            return false
        }
        if stateFailing { logger.notice("writing the spool state file \(state.path) works again") }
        stateFailing = false
        return true
    }

    /// Syncs the state file when it was written more than a second ago and not synced since.
    func syncStateIfDue() {
        stateLock.lock()
        defer { stateLock.unlock() }
        if state.unsynced && MonotonicClock.now() - state.lastSync >= 1 && !lock.withLock({ closed }) {
            _ = state.sync()
        }
    }

    /// Deletes every segment that is not being written and whose ids are all done (under `stateLock`, not
    /// `lock`). The state saying so is synced first, so a restart never mistakes the missing ids for losses.
    func collectGarbage() {
        lock.lock()
        let indices = collectableSegments()
        guard !indices.isEmpty else {
            lock.unlock()
            return
        }
        let victims = indices.map { segments[$0] }
        let doomed = Set(indices)
        segments = segments.indices.filter { !doomed.contains($0) }.map { segments[$0] }
        state.encode(cursor: tracker.cursor, ranges: tracker.ranges)
        lock.unlock()

        guard writeState(sync: true) else {
            lock.withLock { segments = (segments + victims).sorted { $0.firstID < $1.firstID } }
            return
        }
        var freed: Int64 = 0
        var handedOver: [String] = []
        for victim in victims {
            freed += victim.size
            // A segment larger than one of the reaper's steps is renamed and removed in the background.
            if victim.size > reaper.step {
                let doomed = victim.path + SegmentReaper.suffix
                if rename(victim.path, doomed) == 0 {
                    handedOver.append(doomed)
                    continue
                }
                if errno == ENOENT { continue }
            }
            if unlink(victim.path) != 0 && errno != ENOENT {
                logger.error("cannot delete the spool segment \(victim.path): \(errnoText(errno))")
            }
        }
        _ = FileIO.syncDirectory(directoryFD)
        reaper.remove(handedOver)
        lock.withLock {
            bytesOnDisk -= freed
            dataVersion += 1
            writable.broadcast()
            readable.broadcast()
        }
    }

    /// Indices of the segments `collectGarbage` may delete (under `lock`). A segment is fully done only if its
    /// first id is below the highest done id, or if it holds no id at all (only the last one can: left empty
    /// by a crash), so the walk stops early whatever the backlog.
    func collectableSegments() -> [Int] {
        func collectable(_ index: Int) -> Bool {
            let segment = segments[index]
            let upper = max(segment.firstID, index + 1 < segments.count ? segments[index + 1].firstID : nextID)
            return segment.firstID != activeFirstID && tracker.covers(segment.firstID..<upper)
        }
        let end = tracker.end
        var found: [Int] = []
        var index = 0
        while index < segments.count && segments[index].firstID < end {
            if collectable(index) { found.append(index) }
            index += 1
        }
        if index < segments.count && collectable(segments.count - 1) { found.append(segments.count - 1) }
        return found
    }

    /// Marks `range` lost (under `lock`); returns the log line to emit when that lost anything new.
    func recordLoss(_ range: Range<UInt64>, at site: DamageSite?, near fallback: DamageSite) -> String? {
        let newly = tracker.insert(range)
        guard newly > 0 else { return nil }
        stats.corruptFrames += Int(newly)
        let ids = range.count == 1 ? "id \(range.lowerBound)" : "ids \(range.lowerBound)-\(range.upperBound - 1)"
        if let site {
            return "\(newly) spooled events lost to \(site.what) in \(site.path) at offset \(site.offset) (\(ids))"
        }
        return "\(newly) spooled events missing near \(fallback.path) offset \(fallback.offset) (\(ids))"
    }
}
