// The acknowledgement state of the disk spool: the contiguous acknowledged cursor and the ids acknowledged out
// of order above it, so a restart re-sends exactly what was not acknowledged. Rewritten in place on every
// acknowledgement (one pwrite of a few dozen bytes while acknowledgements arrive in order). The file is also
// the spool's lock: the process that has the spool open holds an flock on it.
//
// A torn write must not lose the cursor, so the state lives in slots written alternately, each one never
// overlapping the last one written. A slot (little-endian) is: u32 magic "WBST" | u16 version (1) | u16 0 |
// u64 generation | u64 cursor | u32 range count | u32 0 | count × (u64 low, u64 high) | u32 CRC-32C of
// everything before it in the slot. Slots sit at offset 0 and at a power of two ≥ 4096 large enough not to
// overlap the other; loading checks every such offset and takes the valid slot with the highest generation.
// Growing in place (never renaming) keeps the flock on the same file.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class StateFile {
    struct Snapshot: Equatable {
        var cursor: UInt64
        var ranges: [Range<UInt64>]
    }

    private static let magic: UInt32 = 0x5453_4257
    private static let version: UInt16 = 1
    private static let slotHeaderSize = 32
    private static let minimumSlotOffset = 4096

    let path: String
    private var fd: Int32
    private var generation: UInt64 = 0
    /// Where the last slot written (or loaded) lies; the next write must not touch it.
    private var lastSlot: Range<Int> = 0..<0
    private var encoded: [UInt8] = []
    /// Written since the last sync.
    private(set) var unsynced = false
    private(set) var lastSync = MonotonicClock.now()

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Opens (or creates) and locks the state file in `directory`. Returns the state it holds (nil for a new
    /// or empty file) and, when a file existed but no slot could be read, why.
    static func open(directory: String) throws(SpoolError) -> (file: StateFile, snapshot: Snapshot?, problem: String?) {
        let path = directory + "/" + SegmentFormat.stateFileName
        let fd = FileIO.openFile(path, O_RDWR | O_CREAT)
        guard fd >= 0 else { throw SpoolError("cannot open the spool state file \(path): \(errnoText(-fd))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            FileIO.closeFile(fd)
            if code == EWOULDBLOCK {
                throw SpoolError(
                    "the spool in \(directory) is in use by another running process (\(path) is locked: "
                        + "\(errnoText(code)))")
            }
            throw SpoolError("cannot lock the spool state file \(path): \(errnoText(code))")
        }
        guard let bytes = FileIO.readAll(fd) else {
            let code = errno
            FileIO.closeFile(fd)
            throw SpoolError("cannot read the spool state file \(path): \(errnoText(code))")
        }
        let file = StateFile(path: path, fd: fd)
        guard !bytes.isEmpty else { return (file, nil, nil) }
        var best: (generation: UInt64, slot: Range<Int>, snapshot: Snapshot)?
        var offset = 0
        while offset < bytes.count {
            if let (generation, length, snapshot) = parseSlot(bytes, at: offset),
                best == nil || generation > best!.generation
            {
                best = (generation, offset..<(offset + length), snapshot)
            }
            offset = offset == 0 ? minimumSlotOffset : offset * 2
        }
        guard let best else { return (file, nil, "no readable slot in \(path) (\(bytes.count) bytes)") }
        file.generation = best.generation
        file.lastSlot = best.slot
        return (file, best.snapshot, nil)
    }

    private static func parseSlot(_ bytes: [UInt8], at offset: Int) -> (UInt64, Int, Snapshot)? {
        guard bytes.count - offset >= slotHeaderSize + 4, bytes.loadLittleEndian(UInt32.self, at: offset) == magic,
            bytes.loadLittleEndian(UInt16.self, at: offset + 4) == version
        else { return nil }
        let count = Int(bytes.loadLittleEndian(UInt32.self, at: offset + 24))
        guard count <= (bytes.count - offset - slotHeaderSize - 4) / 16 else { return nil }
        let end = offset + slotHeaderSize + count * 16
        let crc = bytes.withUnsafeBytes { CRC32C.update(0, UnsafeRawBufferPointer(rebasing: $0[offset..<end])) }
        guard bytes.loadLittleEndian(UInt32.self, at: end) == crc else { return nil }
        var ranges: [Range<UInt64>] = []
        ranges.reserveCapacity(count)
        for index in 0..<count {
            let low = bytes.loadLittleEndian(UInt64.self, at: offset + slotHeaderSize + index * 16)
            let high = bytes.loadLittleEndian(UInt64.self, at: offset + slotHeaderSize + index * 16 + 8)
            guard low < high else { return nil }
            ranges.append(low..<high)
        }
        let snapshot = Snapshot(cursor: bytes.loadLittleEndian(UInt64.self, at: offset + 16), ranges: ranges)
        return (bytes.loadLittleEndian(UInt64.self, at: offset + 8), end + 4 - offset, snapshot)
    }

    /// Prepares the next slot's bytes (cheap enough to run under the spool's lock); `writeEncoded` writes them.
    func encode(cursor: UInt64, ranges: ArraySlice<Range<UInt64>>) {
        encoded.removeAll(keepingCapacity: true)
        encoded.appendLittleEndian(Self.magic)
        encoded.appendLittleEndian(Self.version)
        encoded.appendLittleEndian(UInt16(0))
        encoded.appendLittleEndian(generation + 1)
        encoded.appendLittleEndian(cursor)
        encoded.appendLittleEndian(UInt32(ranges.count))
        encoded.appendLittleEndian(UInt32(0))
        for range in ranges {
            encoded.appendLittleEndian(range.lowerBound)
            encoded.appendLittleEndian(range.upperBound)
        }
        encoded.appendLittleEndian(CRC32C.checksum(encoded))
    }

    /// Writes what `encode` prepared into a slot that does not overlap the last one; 0 or errno.
    func writeEncoded() -> Int32 {
        var target = 0
        if lastSlot.lowerBound == 0 || encoded.count > lastSlot.lowerBound {
            target = Self.minimumSlotOffset
            while target < lastSlot.upperBound { target *= 2 }
        }
        let result = encoded.withUnsafeBytes { FileIO.write(fd, $0, at: Int64(target)) }
        guard result == 0 else { return result }
        generation += 1
        lastSlot = target..<(target + encoded.count)
        unsynced = true
        return 0
    }

    /// Flushes the written state to the device; 0 or errno.
    func sync() -> Int32 {
        guard unsynced else { return 0 }
        let result = FileIO.syncData(fd)
        if result == 0 {
            unsynced = false
            lastSync = MonotonicClock.now()
        }
        return result
    }

    /// Closes the file, releasing the lock.
    func closeFile() {
        FileIO.closeFile(fd)
        fd = -1
    }
}
