// The disk spool's write path (publisher thread). A batch is encoded into the appender's buffer
// (SegmentAppender.swift) and written with one pwrite and one fdatasync per segment it touches (a new segment's
// header goes with its first frames); ids are assigned in order and become visible to the reader
// only once synced. A process never appends to a segment a previous run left (its tail may be torn): its
// first append starts a new segment, as does a batch that would overflow `segmentSize`.
//
// When `maxSize` is reached the policy decides: `block` waits for acknowledgements to free whole segments,
// `dropNewest` refuses the rest of the batch. On a write error the segment is truncated back to its last
// complete frame and the write retried after `retryInterval`, doubling up to `maxRetryInterval` (`block`), or
// the batch is given up and counted (`dropNewest`). `close` ends a wait or a retry pause at once;
// `stopBlocking` (shutting down) makes `block` act as `dropNewest` from then on.

import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DiskSpool {
    private enum Room {
        /// The frames fit in the current segment, up to this many bytes.
        case current(Int64)
        /// A new segment is needed; its frames may take up to this many bytes.
        case fresh(Int64)
        /// The segment being written is fully acknowledged and blocks deletion: finish it, then look again.
        case finishCurrent
        /// Closed, or full under `dropNewest`.
        case refused
    }

    /// Writes the batch (one pwrite and one fdatasync per segment touched) before returning; see `Spool`.
    public func append(_ payloads: [[UInt8]]) -> Int {
        appendLock.lock()
        defer { appendLock.unlock() }
        var accepted = 0
        var index = 0
        while index < payloads.count {
            guard payloads[index].count <= maxPayload else {
                lock.withLock { stats.rejectedTooLarge += 1 }
                logger.warning(
                    "rejecting an event of \(payloads[index].count) bytes: a spool segment holds at most \(maxPayload)")
                index += 1
                continue
            }
            let room: Int64
            let fresh: Bool
            switch reserve(Int64(SegmentFormat.frameHeaderSize + payloads[index].count)) {
            case .current(let bytes): (room, fresh) = (bytes, false)
            case .fresh(let bytes): (room, fresh) = (bytes, true)
            case .finishCurrent:
                finishSegment()
                continue
            case .refused:
                lock.withLock { stats.droppedFull += payloads.count - index }
                return accepted
            }
            var end = index
            var bytes: Int64 = 0
            while end < payloads.count && payloads[end].count <= maxPayload {
                let frame = Int64(SegmentFormat.frameHeaderSize + payloads[end].count)
                if bytes + frame > room { break }
                bytes += frame
                end += 1
            }
            if fresh && writer != nil { finishSegment() }
            // A new segment's header goes out with its first frames.
            let firstID = nextID
            if writer == nil {
                appender.reset()
                appender.stage(SegmentFormat.header(firstID: firstID))
            } else {
                appender.clearStaged()
            }
            appender.reserve(Int(bytes))
            for position in index..<end {
                appender.stageFrame(payloads[position], id: firstID + UInt64(position - index))
            }
            guard writeWithRetry(payloads[index..<end], frameBytes: bytes) else {
                lock.withLock { stats.droppedFull += payloads.count - index }
                return accepted
            }
            accepted += end - index
            index = end
        }
        return accepted
    }

    /// Waits until a frame of `frameBytes` fits, or decides it will not.
    private func reserve(_ frameBytes: Int64) -> Room {
        let header = Int64(SegmentFormat.headerSize)
        let seal = Int64(SegmentFormat.sealSize)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if closed { return .refused }
            // The current segment's seal is not on disk yet but will be: its bytes are spoken for.
            var free = options.maxSize == 0 ? Int64.max / 2 : options.maxSize - bytesOnDisk
            if let writer {
                free -= seal
                let room = min(options.segmentSize - writer.size - seal, free)
                if frameBytes <= room { return .current(room) }
            }
            let fresh = min(options.segmentSize, free) - header - seal
            if frameBytes <= fresh { return .fresh(fresh) }
            if options.policy == .dropNewest || noWaiting { return .refused }
            if let writer, writer.size > header, tracker.covers(writer.firstID..<nextID) { return .finishCurrent }
            writable.wait(lock, until: .infinity)
        }
    }

    /// Writes the staged frames of `payloads` (`frameBytes` bytes) to the current segment, or to a new one when
    /// there is none. False when given up (closed, or a write error under `dropNewest`).
    private func writeWithRetry(_ payloads: ArraySlice<[UInt8]>, frameBytes: Int64) -> Bool {
        let count = payloads.count
        var delay = options.retryInterval
        while true {
            let failure = writer == nil ? startSegment() : writeFrames()
            guard let (path, code) = failure else {
                commit(payloads, frameBytes: frameBytes)
                return true
            }
            let givingUp = lock.withLock {
                stats.writeErrors += 1
                return noWaiting
            }
            if options.policy == .dropNewest || givingUp {
                let why = givingUp ? "shutting down" : "drop_newest"
                logger.error("writing to segment \(path) failed: \(errnoText(code)); dropping \(count) events (\(why))")
                return false
            }
            logger.error("writing to segment \(path) failed: \(errnoText(code)); retrying in \(Self.seconds(delay))")
            let deadline = MonotonicClock.deadline(after: delay)
            let stopped = lock.withLock {
                while !closed && !noWaiting && writable.wait(lock, until: deadline) {}
                return closed || noWaiting
            }
            if stopped { return false }
            delay = min(delay * 2, max(options.maxRetryInterval, options.retryInterval))
        }
    }

    /// Writes and syncs the staged frames at the end of the current segment; nil or where and why it failed.
    private func writeFrames() -> (String, Int32)? {
        guard var writer else { return nil }
        let code = writeStagedAndSync(atEndOf: &writer)
        self.writer = writer
        guard code != 0 else { return nil }
        // Whatever part of the batch reached the file goes: the retry rewrites it whole.
        _ = ftruncate(writer.fd, off_t(writer.size))
        return (writer.path, code)
    }

    /// Creates the next segment and writes the staged header and frames into it (synced, and the directory
    /// synced); nil or where and why it failed (then the file is removed again).
    private func startSegment() -> (String, Int32)? {
        let firstID = nextID
        let path = directory + "/" + SegmentFormat.segmentName(firstID: firstID)
        let flags = O_WRONLY | O_CREAT | O_TRUNC
        let direct = directIO ? FileIO.directFlag : 0
        var fd = directIO && refuseDirectWrites ? -EINVAL : FileIO.openFile(path, flags | direct)
        if fd == -EINVAL && directIO {
            refuseDirectIO(path)
            fd = FileIO.openFile(path, flags)
        }
        guard fd >= 0 else { return (path, -fd) }
        var segment = SegmentWriter(fd: fd, path: path, firstID: firstID, size: 0, direct: directIO)
        var code = writeStagedAndSync(atEndOf: &segment)
        if code == 0 { code = FileIO.syncDirectory(directoryFD) }
        guard code == 0 else {
            FileIO.closeFile(fd)
            unlink(path)
            return (path, code)
        }
        let size = Int64(SegmentFormat.headerSize)
        segment.size = size
        writer = segment
        lock.withLock {
            segments.append(SegmentInfo(firstID: firstID, path: path, size: size, readableEnd: size))
            activeFirstID = firstID
            bytesOnDisk += size
            dataVersion += 1
            readable.broadcast()
        }
        return nil
    }

    /// Writes what is staged at the logical end of `segment` (which does not move: `commit` moves it) and syncs
    /// it; 0 or the errno of the failure.
    private func writeStagedAndSync(atEndOf segment: inout SegmentWriter) -> Int32 {
        var code = writeStaged(atEndOf: &segment)
        if code == 0 { code = FileIO.syncData(segment.fd) }
        if code == 0, let injected = lock.withLock({ injectedWriteFailures.popLast() }) { code = injected }
        return code
    }

    /// Writes what is staged at the logical end of `segment`, directly when the segment was opened so. A file
    /// system that refuses a direct write (EINVAL) gets this and every later write through the page cache.
    private func writeStaged(atEndOf segment: inout SegmentWriter) -> Int32 {
        if segment.direct {
            let code = refuseDirectWrites ? EINVAL : appender.write(to: segment.fd, at: segment.size, direct: true)
            guard code == EINVAL else { return code }
            refuseDirectIO(segment.path)
            _ = fcntl(segment.fd, F_SETFL, fcntl(segment.fd, F_GETFL) & ~FileIO.directFlag)
            segment.direct = false
        }
        return appender.write(to: segment.fd, at: segment.size, direct: false)
    }

    /// Turns direct I/O off for the rest of the run.
    private func refuseDirectIO(_ path: String) {
        directIO = false
        logger.notice("the file system of \(path) refuses direct I/O; the spool writes through the page cache")
    }

    /// The written frames (of `payloads`) become readable, and are kept for the reader while its memory bound
    /// allows.
    private func commit(_ payloads: ArraySlice<[UInt8]>, frameBytes: Int64) {
        guard var writer else { return }
        appender.commit(direct: writer.direct)
        let count = payloads.count
        let firstID = nextID
        var offset = writer.size
        writer.size += frameBytes
        self.writer = writer
        lock.withLock {
            for (position, payload) in zip(firstID..., payloads) {
                let frame = RecentFrame(id: position, segmentFirstID: writer.firstID, offset: offset, payload: payload)
                guard recent.append(frame) else { break }
                offset += Int64(SegmentFormat.frameHeaderSize + payload.count)
            }
            if let last = segments.indices.last, segments[last].firstID == writer.firstID {
                segments[last].size = writer.size
                segments[last].readableEnd = writer.size
            }
            bytesOnDisk += frameBytes
            nextID += UInt64(count)
            stats.appended += count
            dataVersion += 1
            readable.broadcast()
        }
    }

    /// Seals and closes the current segment, which can then be deleted once fully acknowledged (under
    /// `appendLock`).
    func finishSegment() {
        guard var writer else { return }
        self.writer = nil
        var seal: [UInt8] = []
        SegmentFormat.appendSeal(nextID: nextID, to: &seal)
        appender.clearStaged()
        appender.stage(seal)
        var code = writeStaged(atEndOf: &writer)
        if code == 0 { code = FileIO.syncData(writer.fd) }
        if code != 0 {
            // Only recovery's accounting for a damaged last frame needs the seal; the segment is complete.
            _ = ftruncate(writer.fd, off_t(writer.size))
            logger.warning("cannot seal the spool segment \(writer.path): \(errnoText(code))")
        }
        FileIO.closeFile(writer.fd)
        lock.withLock {
            if code == 0, let last = segments.indices.last, segments[last].firstID == writer.firstID {
                segments[last].size += Int64(seal.count)
                segments[last].readableEnd += Int64(seal.count)
                bytesOnDisk += Int64(seal.count)
            }
            activeFirstID = nil
            dataVersion += 1
            readable.broadcast()
        }
        stateLock.withLock { collectGarbage() }
    }

    /// Makes the next writes fail with these errno values (last first) after they reached the file, as a
    /// failing fdatasync would: for tests of the retry path.
    func injectWriteFailures(_ codes: [Int32]) {
        lock.withLock { injectedWriteFailures = codes.reversed() }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() && value < 1e15 ? "\(Int(value))s" : "\(value)s"
    }
}
