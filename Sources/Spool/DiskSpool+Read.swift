// The disk spool's read and acknowledgement paths (shipper thread). Reads stream the oldest segment through
// one buffer, up to what the appender has synced; frames acknowledged before a restart are skipped. Damage met
// while reading (the disk changed under us) is handled as at recovery: the ids missing between valid frames
// are lost, counted and marked done. Acknowledgements update the cursor and rewrite the state file; segments
// whose ids are all done are deleted.

import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DiskSpool {
    /// What the reader needs to know of the shared bookkeeping, taken under `lock`.
    private struct ReadView {
        /// The segment the scanner reads, or the next one to open (nil: none, or the scanner's was deleted).
        var segment: SegmentInfo?
        /// The appender still writes to that segment.
        var active: Bool
        /// A segment after it exists.
        var hasLater: Bool
        var nextID: UInt64
        var version: UInt64
    }

    private struct Loss {
        var range: Range<UInt64>
        var site: DamageSite?
        var near: DamageSite
    }

    /// Up to `min(max, readAhead)` entries, oldest first; see `Spool`. After `close`, nothing: what is left
    /// stays on disk for the next run.
    public func read(max: Int, timeout: Double) -> [SpoolEntry] {
        guard max > 0 else { return [] }
        readLock.lock()
        defer { readLock.unlock() }
        let deadline = MonotonicClock.deadline(after: timeout)
        let wanted = Swift.min(max, Swift.max(1, options.readAhead))
        var entries: [SpoolEntry] = []
        while true {
            syncStateIfDue()
            let taken = lock.withLock { closed ? nil : (makeView(), recent.take(from: expectedID, count: wanted)) }
            guard let (view, cached) = taken else { return [] }
            var losses: [Loss] = []
            let movedOn = scan(view, cached: cached, wanted: wanted, into: &entries, losses: &losses)
            settle(losses)
            if !entries.isEmpty { return entries }
            if movedOn { continue }
            if MonotonicClock.now() >= deadline { return [] }
            // Wake at least once a second so the state file gets its periodic sync while idle.
            lock.withLock {
                if !closed && dataVersion == view.version {
                    readable.wait(lock, until: Swift.min(deadline, MonotonicClock.now() + 1))
                }
            }
        }
    }

    private func makeView() -> ReadView {
        let index =
            scanner != nil
            ? segments.firstIndex { $0.firstID == scannerFirstID }
            : segments.firstIndex { lastFinishedFirstID == nil || $0.firstID > lastFinishedFirstID! }
        let segment = index.map { segments[$0] }
        let reference = segment?.firstID ?? scannerFirstID
        return ReadView(
            segment: segment, active: segment != nil && segment?.firstID == activeFirstID,
            hasLater: (segments.last?.firstID ?? 0) > reference, nextID: nextID, version: dataVersion)
    }

    /// Reads frames into `entries`, taking from `cached` each frame that is the next one at the scanner's place;
    /// true when it finished a segment (there may be more to read at once).
    private func scan(
        _ view: ReadView, cached: [RecentFrame], wanted: Int, into entries: inout [SpoolEntry],
        losses: inout [Loss]
    ) -> Bool {
        if scanner == nil {
            guard let segment = view.segment else {
                if expectedID < view.nextID {
                    losses.append(Loss(range: expectedID..<view.nextID, site: damage, near: noPlace))
                    expectedID = view.nextID
                }
                return false
            }
            let fd = FileIO.openFile(segment.path, O_RDONLY)
            guard fd >= 0 else {
                // A segment deleted meanwhile held only done ids.
                if -fd != ENOENT {
                    logger.error("cannot open the spool segment \(segment.path): \(errnoText(-fd)); skipping it")
                }
                lastFinishedFirstID = segment.firstID
                return true
            }
            scanner = SegmentScanner(
                path: segment.path, fd: fd, offset: Int64(SegmentFormat.headerSize), limit: segment.readableEnd,
                maxPayload: maxPayload)
            scannerFirstID = segment.firstID
        }
        guard let scanner else { return false }
        if let segment = view.segment { scanner.limit = segment.readableEnd }
        var cached = cached[...]
        while entries.count < wanted {
            while let first = cached.first, first.id < expectedID { cached.removeFirst() }
            if let frame = cached.first, frame.id == expectedID, frame.segmentFirstID == scannerFirstID,
                frame.offset == scanner.offset
            {
                // The frame the file holds here, as it was written.
                cached.removeFirst()
                scanner.skipFrame(payloadLength: frame.payload.count)
                damage = nil
                expectedID = frame.id + 1
                if frame.id < recoveredDone.end && recoveredDone.contains(frame.id) { continue }
                entries.append(SpoolEntry(id: frame.id, payload: frame.payload))
                takenFromMemory += 1
                continue
            }
            switch scanner.next() {
            case .frame(let id, let index, let length, let offset):
                guard id >= expectedID else { continue }
                if id > expectedID {
                    let near = DamageSite(path: scanner.path, offset: offset, what: "")
                    losses.append(Loss(range: expectedID..<id, site: damage, near: near))
                }
                damage = nil
                expectedID = id + 1
                if id < recoveredDone.end && recoveredDone.contains(id) { continue }
                entries.append(SpoolEntry(id: id, payload: scanner.payload(at: index, length: length)))
            case .seal(let next, let offset):
                if next > expectedID {
                    let near = DamageSite(path: scanner.path, offset: offset, what: "")
                    losses.append(Loss(range: expectedID..<next, site: damage, near: near))
                    expectedID = next
                }
                damage = nil
            case .damaged(let offset, let resume):
                damage = DamageSite(path: scanner.path, offset: offset, what: "\(resume - offset) damaged bytes")
            case .tail(let offset):
                damage = DamageSite(path: scanner.path, offset: offset, what: "damaged bytes at the end")
            case .readError(let offset, let code):
                logger.error(
                    "reading \(scanner.path) at offset \(offset) failed: \(errnoText(code)); skipping the rest of it"
                )
                damage = DamageSite(path: scanner.path, offset: offset, what: "a read error", reported: true)
            case .end:
                // Committed ids that no valid frame held are lost, once no later frame can hold them: at the
                // end of the segment being written, or of the last segment.
                if (view.active || !view.hasLater) && expectedID < view.nextID {
                    let near = DamageSite(path: scanner.path, offset: scanner.limit, what: "")
                    losses.append(Loss(range: expectedID..<view.nextID, site: damage, near: near))
                    expectedID = view.nextID
                }
                if view.active { return false }
                self.scanner = nil
                lastFinishedFirstID = scannerFirstID
                return true
            }
        }
        return false
    }

    private var noPlace: DamageSite { DamageSite(path: directory, offset: 0, what: "") }

    /// Records what a scan handed out and lost.
    private func settle(_ losses: [Loss]) {
        var lines: [String] = []
        lock.withLock {
            for loss in losses {
                if let line = recordLoss(loss.range, at: loss.site, near: loss.near) { lines.append(line) }
            }
            handedOutEnd = Swift.max(handedOutEnd, expectedID)
            if !lines.isEmpty && tracker.cursor >= nextID { drained.broadcast() }
        }
        guard !lines.isEmpty else { return }
        for line in lines { logger.error("\(line)") }
        stateLock.withLock { collectGarbage() }
    }

    /// Records the acknowledgements in the state file and deletes segments left with nothing to send; see
    /// `Spool`. Ignored after `close`.
    public func acknowledge(_ ids: [UInt64]) {
        guard !ids.isEmpty else { return }
        stateLock.lock()
        defer { stateLock.unlock() }
        lock.lock()
        guard !closed else {
            lock.unlock()
            return
        }
        let newly = tracker.insert(contentsOf: ids.filter { $0 < handedOutEnd })
        guard newly > 0 else {
            lock.unlock()
            return
        }
        stats.acknowledged += newly
        state.encode(cursor: tracker.cursor, ranges: tracker.ranges)
        let collectable = !collectableSegments().isEmpty
        if tracker.cursor >= nextID { drained.broadcast() }
        // An appender blocked on a full spool may be waiting for its own segment to be fully acknowledged.
        writable.signal()
        lock.unlock()
        writeState(sync: false)
        if collectable { collectGarbage() }
    }
}
