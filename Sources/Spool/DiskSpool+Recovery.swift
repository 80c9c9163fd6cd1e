// Start-up of the disk spool: read the acknowledgement state, scan every segment (checking every frame),
// account for damage, delete what is fully done, and position the reader on the oldest entry not done.
//
// Ids are contiguous as written, so damage shows as a gap between the ids of valid frames (or before a
// segment's seal, or before the next id the state file knows of): the ids in the gap that were not
// acknowledged are lost, counted once here and marked done so the cursor does not stall on them. A tail that
// is not a complete frame is what a crash mid-write leaves; it costs nothing unless ids are missing after it.
// A segment with an unusable header is skipped whole and deleted; what it held shows as a gap when a later
// segment or the state file says which ids must have existed.

import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DiskSpool {
    func recover(snapshot: StateFile.Snapshot?, problem: String?) throws(SpoolError) {
        if let problem {
            logger.warning("spool state: \(problem); every event left in \(directory) will be sent again")
        }
        let names = try FileIO.list(directory).get()
        // Segments a crash left half removed hold only acknowledged events: they go, unread.
        let halfRemoved = names.filter { name in
            name.hasSuffix(SegmentReaper.suffix)
                && SegmentFormat.firstID(inSegmentName: String(name.dropLast(SegmentReaper.suffix.count))) != nil
        }
        reaper.remove(halfRemoved.map { directory + "/" + $0 })
        let beats = names.filter { $0 == "state.dat" || ($0.hasSuffix(".seg") && UInt64($0.dropLast(4)) != nil) }
        if !beats.isEmpty {
            logger.warning(
                "\(directory) holds libbeat disk queue files (\(beats.sorted().joined(separator: ", "))); ignoring them"
            )
        }
        let found = names.compactMap { name in SegmentFormat.firstID(inSegmentName: name).map { ($0, name) } }
            .sorted { $0.0 < $1.0 }
        if snapshot == nil && problem == nil && !found.isEmpty {
            logger.warning(
                "spool state file missing in \(directory); all events in its \(found.count) segments will be sent again"
            )
        }
        // Without a state file the cursor is unknown: it starts at the first id found (everything is re-sent).
        var haveCursor = snapshot != nil
        tracker = snapshot.map { AckTracker(cursor: $0.cursor, ranges: $0.ranges) } ?? AckTracker(cursor: 1)
        var expected = tracker.cursor
        var idFloor: UInt64 = 1
        var lastSeen: UInt64?
        var unacknowledged = 0
        var site: DamageSite?
        var lastPlace = DamageSite(path: directory, offset: 0, what: "")
        var losses: [String] = []

        func reach(_ id: UInt64) {
            if !haveCursor {
                tracker = AckTracker(cursor: id)
                expected = id
                haveCursor = true
            }
            if id > expected, let line = recordLoss(expected..<id, at: site, near: lastPlace) {
                losses.append(line)
            } else if let site, !site.reported {
                logger.warning(
                    "spool segment \(site.path): \(site.what) at offset \(site.offset) skipped; no events lost")
            }
            site = nil
        }

        for (firstID, name) in found {
            let path = directory + "/" + name
            let fd = FileIO.openFile(path, O_RDONLY)
            guard fd >= 0 else {
                logger.error("cannot open the spool segment \(path): \(errnoText(-fd)); skipping it")
                continue
            }
            let size = FileIO.size(fd) ?? 0
            switch readHeader(fd, expecting: firstID) {
            case .failure(.short(let count)):
                FileIO.closeFile(fd)
                logger.warning(
                    "spool segment \(path) is \(count) bytes, shorter than a header at offset 0 (a crash); removing it"
                )
                if unlink(path) != 0 { logger.error("cannot delete the spool segment \(path): \(errnoText(errno))") }
                continue
            case .failure(let problem):
                FileIO.closeFile(fd)
                let lost = "skipping the whole file (events it held from id \(firstID) on are lost)"
                logger.error("spool segment \(path) is unusable at offset 0: \(problem); \(lost)")
                if unlink(path) != 0 { logger.error("cannot delete the spool segment \(path): \(errnoText(errno))") }
                site = DamageSite(path: path, offset: 0, what: "an unusable segment header", reported: true)
                continue
            case .success: break
            }
            lastPlace = DamageSite(path: path, offset: Int64(SegmentFormat.headerSize), what: "")
            let scanner = SegmentScanner(
                path: path, fd: fd, offset: Int64(SegmentFormat.headerSize), limit: size, maxPayload: maxPayload)
            var readableEnd = size
            var outOfOrder = 0
            scan: while true {
                switch scanner.next() {
                case .frame(let id, _, _, let offset):
                    lastPlace = DamageSite(path: path, offset: offset, what: "")
                    if let lastSeen, id <= lastSeen {
                        outOfOrder += 1
                        continue
                    }
                    lastSeen = id
                    // Below the cursor: acknowledged, in a segment not yet deleted.
                    guard !haveCursor || id >= expected else { continue }
                    reach(id)
                    if !tracker.contains(id) { unacknowledged += 1 }
                    expected = id + 1
                    idFloor = max(idFloor, id + 1)
                case .seal(let next, let offset):
                    lastPlace = DamageSite(path: path, offset: offset, what: "")
                    reach(next)
                    expected = max(expected, next)
                    idFloor = max(idFloor, next)
                case .damaged(let offset, let resume):
                    site = DamageSite(path: path, offset: offset, what: "\(resume - offset) damaged bytes")
                case .tail(let offset):
                    readableEnd = offset
                    let what = "\(size - offset) bytes at offset \(offset) that are not a complete frame"
                    logger.warning(
                        "spool segment \(path) ends with \(what) (a write cut short, or damage); ignoring them")
                    site = DamageSite(path: path, offset: offset, what: "an incomplete or damaged tail", reported: true)
                case .readError(let offset, let code):
                    readableEnd = offset
                    logger.error(
                        "reading \(path) at offset \(offset) failed: \(errnoText(code)); skipping the rest of it"
                    )
                    site = DamageSite(path: path, offset: offset, what: "a read error", reported: true)
                case .end:
                    break scan
                }
            }
            if outOfOrder > 0 {
                logger.error("spool segment \(path) holds \(outOfOrder) frames with out-of-order ids; they are skipped")
            }
            segments.append(SegmentInfo(firstID: firstID, path: path, size: size, readableEnd: readableEnd))
            bytesOnDisk += size
        }

        nextID = max(tracker.cursor, tracker.end, idFloor)
        if haveCursor, expected < nextID, let line = recordLoss(expected..<nextID, at: site, near: lastPlace) {
            losses.append(line)
        }
        for line in losses { logger.error("\(line)") }

        stateLock.withLock {
            lock.withLock { state.encode(cursor: tracker.cursor, ranges: tracker.ranges) }
            _ = writeState(sync: true)
            collectGarbage()
        }
        guard !stateFailing else {
            throw SpoolError("cannot write the spool state file \(state.path); see the error logged before")
        }
        _ = FileIO.syncDirectory(directoryFD)
        handedOutEnd = tracker.cursor
        expectedID = tracker.cursor
        recoveredDone = tracker
        stats.recovered = unacknowledged
        logger.info("found \(unacknowledged) unacknowledged events in \(directory)")
    }

    private func readHeader(_ fd: Int32, expecting firstID: UInt64) -> Result<Void, SegmentFormat.HeaderProblem> {
        var bytes = [UInt8](repeating: 0, count: SegmentFormat.headerSize)
        let got = bytes.withUnsafeMutableBytes { FileIO.read(fd, into: $0.baseAddress!, count: $0.count, at: 0) }
        guard got >= 0 else { return .failure(.unreadable(Int32(-got))) }
        bytes.removeLast(bytes.count - got)
        switch SegmentFormat.parseHeader(bytes) {
        case .failure(let problem): return .failure(problem)
        case .success(let id) where id != firstID: return .failure(.wrongFirstID(header: id))
        case .success: return .success(())
        }
    }
}
