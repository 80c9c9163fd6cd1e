// Appending to a segment file with direct I/O (O_DIRECT): the bytes go from an aligned buffer to the device,
// not through the page cache. Every append is fdatasync'ed anyway and the reader takes what this process wrote
// from memory (RecentFrames.swift), so the page cache bought nothing, and filling it cost more than anything
// else the spool does: each appended byte was copied into a newly allocated page cache page, several times the
// cost of the device write on the machines measured (see docs/KAFKA.md).
//
// Direct I/O writes whole aligned blocks from aligned memory. The appender keeps the file's last partial block
// at the front of its buffer, appends the new bytes after it, pads with zeros to the block size and writes from
// the partial block's start; the next append rewrites that block with more in it. So a segment file ends in up
// to `alignment - 1` zero bytes after its last record, which the scanner takes for the end (SegmentScanner's
// `isPadding`). Where the file system refuses direct I/O (EINVAL on open or on a write), the spool writes
// through the page cache as before.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class DirectAppender {
    /// The block size writes are aligned to: the logical block size of common devices (512 or 4096 bytes)
    /// divides it, and so does the page size on x86-64 and most arm64 kernels.
    static let alignment = 4096

    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// File offset of the block at the buffer's start, and how many of its bytes the file holds.
    private var tailOffset: Int64 = 0
    private var tailCount = 0
    /// The end of the last write, not yet known to be kept: its bytes follow the tail in the buffer.
    private var pendingEnd: Int64?

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        buffer = .allocate(byteCount: capacity, alignment: Self.alignment)
    }

    deinit {
        buffer.deallocate()
    }

    /// Forgets the file: the next append starts a new one at offset 0.
    func reset() {
        (tailOffset, tailCount, pendingEnd) = (0, 0, nil)
        if capacity > 16 << 20 { resize(to: 1 << 20) }
    }

    /// Writes `bytes` at `end`, the logical end of `fd` (opened with O_DIRECT), which this appender wrote;
    /// 0 or the errno of the failure. An append at the end of the previous write keeps that write; one at the
    /// end before it (a retry after the caller found the write failed and cut the file back) rewrites it.
    func append(_ bytes: UnsafeRawBufferPointer, to fd: Int32, at end: Int64) -> Int32 {
        let alignment = Self.alignment
        if let pending = pendingEnd, end == pending {
            let total = Int(pending - tailOffset)
            let newTail = total % alignment
            memmove(buffer, buffer + (total - newTail), newTail)
            (tailOffset, tailCount) = (pending - Int64(newTail), newTail)
        }
        pendingEnd = nil
        precondition(end == tailOffset + Int64(tailCount), "direct append away from the appender's end")
        let total = tailCount + bytes.count
        let padded = (total + alignment - 1) / alignment * alignment
        if padded > capacity { resize(to: padded) }
        if let base = bytes.baseAddress { (buffer + tailCount).copyMemory(from: base, byteCount: bytes.count) }
        (buffer + total).initializeMemory(as: UInt8.self, repeating: 0, count: padded - total)
        let code = FileIO.write(fd, UnsafeRawBufferPointer(start: buffer, count: padded), at: tailOffset)
        if code == 0 { pendingEnd = end + Int64(bytes.count) }
        return code
    }

    /// A buffer of `size` bytes (a multiple of the alignment) that keeps the partial block.
    private func resize(to size: Int) {
        let larger = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment)
        larger.copyMemory(from: buffer, byteCount: tailCount)
        buffer.deallocate()
        buffer = larger
        capacity = size
    }
}
