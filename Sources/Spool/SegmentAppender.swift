// The disk spool's write buffer: records are encoded into it where they will be written from, and written with
// direct I/O (O_DIRECT) where the file system allows it: from the aligned buffer to the device, not through the
// page cache. Every append is fdatasync'ed anyway and the reader takes what this process wrote from memory
// (RecentFrames.swift), so the page cache bought nothing, and filling it cost more than anything else the spool
// does: each appended byte was copied into a newly allocated page cache page, several times the cost of the
// device write on the machines measured (see docs/KAFKA.md).
//
// Direct I/O writes whole aligned blocks from aligned memory. The appender keeps the file's last partial block
// (the tail) at the front of its buffer and stages the new records after it; a direct write pads them with zeros
// to the block size and writes from the tail's start, and the next append rewrites that block with more in it.
// So a directly written segment file ends in up to `alignment - 1` zero bytes after its last record, which the
// scanner takes for the end (SegmentScanner's `isPadding`). Written through the page cache, only the staged
// records are written, at the file's logical end.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class SegmentAppender {
    /// The block size direct writes are aligned to: the logical block size of common devices (512 or 4096
    /// bytes) divides it, and so does the page size on x86-64 and most arm64 kernels.
    static let alignment = 4096

    private var buffer: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// File offset of the block at the buffer's start, and how many of its bytes the file holds (direct writes).
    private var tailOffset: Int64 = 0
    private var tailCount = 0
    /// Bytes staged after the tail, not yet committed.
    private(set) var stagedCount = 0

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        buffer = .allocate(byteCount: capacity, alignment: Self.alignment)
    }

    deinit {
        buffer.deallocate()
    }

    /// Forgets the file and anything staged: the next write starts a new file at offset 0.
    func reset() {
        (tailOffset, tailCount, stagedCount) = (0, 0, 0)
    }

    /// Drops what is staged; the tail stays.
    func clearStaged() {
        stagedCount = 0
    }

    /// Makes room to stage `count` more bytes (and pad them to a block).
    func reserve(_ count: Int) {
        let needed = (tailCount + stagedCount + count + Self.alignment - 1) / Self.alignment * Self.alignment
        if needed > capacity { resize(to: needed) }
    }

    /// Stages `bytes` after what is staged.
    func stage(_ bytes: [UInt8]) {
        reserve(bytes.count)
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            (buffer + tailCount + stagedCount).copyMemory(from: base, byteCount: raw.count)
        }
        stagedCount += bytes.count
    }

    /// Stages one frame of `payload` with `id` (SegmentFormat.swift).
    func stageFrame(_ payload: [UInt8], id: UInt64) {
        let size = SegmentFormat.frameHeaderSize + payload.count
        reserve(size)
        let destination = UnsafeMutableRawBufferPointer(start: buffer + tailCount + stagedCount, count: size)
        SegmentFormat.writeFrame(payload, id: id, to: destination)
        stagedCount += size
    }

    /// Writes what is staged at `end`, the logical end of `fd`: directly (with the tail, padded to a block) or
    /// through the page cache. 0 or the errno of the failure. What is staged stays until `commit`, so a failed
    /// write can be tried again at the same end.
    func write(to fd: Int32, at end: Int64, direct: Bool) -> Int32 {
        guard direct else {
            return FileIO.write(fd, UnsafeRawBufferPointer(start: buffer + tailCount, count: stagedCount), at: end)
        }
        precondition(end == tailOffset + Int64(tailCount), "direct write away from the appender's end")
        let total = tailCount + stagedCount
        let padded = (total + Self.alignment - 1) / Self.alignment * Self.alignment
        (buffer + total).initializeMemory(as: UInt8.self, repeating: 0, count: padded - total)
        return FileIO.write(fd, UnsafeRawBufferPointer(start: buffer, count: padded), at: tailOffset)
    }

    /// The staged bytes are in the file for good: the last partial block becomes the tail (direct writes).
    func commit(direct: Bool) {
        let total = tailCount + stagedCount
        if direct {
            let newTail = total % Self.alignment
            memmove(buffer, buffer + (total - newTail), newTail)
            (tailOffset, tailCount) = (tailOffset + Int64(total - newTail), newTail)
        } else {
            (tailOffset, tailCount) = (tailOffset + Int64(total), 0)
        }
        stagedCount = 0
        // A buffer an unusually large batch inflated goes back to its usual size.
        if capacity > 16 << 20 { resize(to: 1 << 20) }
    }

    /// A buffer of `size` bytes (a multiple of the alignment) that keeps the tail and what is staged.
    private func resize(to size: Int) {
        let larger = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment)
        larger.copyMemory(from: buffer, byteCount: tailCount + stagedCount)
        buffer.deallocate()
        buffer = larger
        capacity = size
    }
}
