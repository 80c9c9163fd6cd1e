// Reading one segment file frame by frame through a reusable buffer filled by large preads, for recovery and
// for the shipper's reads. Every frame is checked (magic, length, CRC); after a bad one the scanner
// resynchronises on the next frame magic whose frame checks out. What lies between is reported as damage, and
// damage with nothing valid after it as a tail, which the caller judges (a write cut short, or lost frames).
// Zero bytes from a record's place to the limit, fewer than a direct write's block, are a direct write's padding:
// the end.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class SegmentScanner {
    enum Step {
        /// A frame; its payload is `payload(at:length:)` until the next call to `next()`.
        case frame(id: UInt64, payloadIndex: Int, length: Int, offset: Int64)
        /// A seal: the segment holds no id at or above `nextID`.
        case seal(nextID: UInt64, offset: Int64)
        /// Bytes from `offset` up to `resume` (where a valid record starts) are unreadable.
        case damaged(offset: Int64, resume: Int64)
        /// Nothing valid from `offset` to the limit.
        case tail(offset: Int64)
        /// Reading failed with errno `code`; the scanner now stands at the limit.
        case readError(offset: Int64, code: Int32)
        /// The limit is reached.
        case end
    }

    private enum Check {
        case frame(id: UInt64, length: Int)
        case seal(nextID: UInt64)
        case invalid
        case readError(Int32)
    }

    private enum Fill {
        case ok
        case beyondLimit
        case readError(Int32)
    }

    let path: String
    let fd: Int32
    /// Bytes of the file that may be read (the committed or validated end).
    var limit: Int64
    /// File offset of the next record.
    private(set) var offset: Int64
    private let maxPayload: Int
    private let chunkSize: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var bufferStart: Int64 = 0
    private var bufferCount = 0

    /// Scans `fd` (owned by the scanner from now on) from `offset` up to `limit`.
    init(path: String, fd: Int32, offset: Int64, limit: Int64, maxPayload: Int, chunkSize: Int = 1 << 20) {
        self.path = path
        self.fd = fd
        self.offset = offset
        self.limit = limit
        self.maxPayload = maxPayload
        self.chunkSize = chunkSize
        capacity = chunkSize
        buffer = .allocate(byteCount: chunkSize, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        FileIO.closeFile(fd)
    }

    /// The payload of the frame just returned.
    func payload(at index: Int, length: Int) -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: buffer + index, count: length))
    }

    /// Moves past a frame with a payload of `payloadLength` bytes at the current offset without reading it (the
    /// caller has its bytes).
    func skipFrame(payloadLength: Int) {
        offset += Int64(SegmentFormat.frameHeaderSize + payloadLength)
    }

    func next() -> Step {
        guard offset < limit else { return .end }
        let start = offset
        switch check(at: start) {
        case .frame(let id, let length):
            offset = start + Int64(SegmentFormat.frameHeaderSize + length)
            return .frame(
                id: id, payloadIndex: Int(start - bufferStart) + SegmentFormat.frameHeaderSize, length: length,
                offset: start)
        case .seal(let nextID):
            offset = start + Int64(SegmentFormat.sealSize)
            return .seal(nextID: nextID, offset: start)
        case .readError(let code):
            offset = limit
            return .readError(offset: start, code: code)
        case .invalid:
            if isPadding(from: start) {
                offset = limit
                return .end
            }
            switch resynchronise(after: start) {
            case .some(let resume):
                offset = resume
                return .damaged(offset: start, resume: resume)
            case .none:
                offset = limit
                return .tail(offset: start)
            }
        }
    }

    /// Checks the record at `position`, loading it whole.
    private func check(at position: Int64) -> Check {
        switch fill(position, count: SegmentFormat.frameHeaderSize) {
        case .ok: break
        case .beyondLimit: return .invalid
        case .readError(let code): return .readError(code)
        }
        var index = Int(position - bufferStart)
        let magic = load(UInt32.self, at: index)
        guard magic == SegmentFormat.frameMagic || magic == SegmentFormat.sealMagic else { return .invalid }
        let length = Int(load(UInt32.self, at: index + 8))
        if magic == SegmentFormat.sealMagic && length != 0 { return .invalid }
        guard length <= maxPayload else { return .invalid }
        switch fill(position, count: SegmentFormat.frameHeaderSize + length) {
        case .ok: break
        case .beyondLimit: return .invalid
        case .readError(let code): return .readError(code)
        }
        index = Int(position - bufferStart)
        let covered = UnsafeRawBufferPointer(start: buffer + index + 8, count: 12 + length)
        guard CRC32C.update(0, covered) == load(UInt32.self, at: index + 4) else { return .invalid }
        let id = load(UInt64.self, at: index + 12)
        return magic == SegmentFormat.sealMagic ? .seal(nextID: id) : .frame(id: id, length: length)
    }

    /// True when the file holds only zero bytes from `position` to the limit, fewer than a direct write's
    /// block: the padding a direct write leaves after the last record (SegmentAppender.swift), not damage.
    private func isPadding(from position: Int64) -> Bool {
        let count = limit - position
        guard count > 0 && count < Int64(SegmentAppender.alignment) else { return false }
        guard case .ok = fill(position, count: Int(count)) else { return false }
        let index = Int(position - bufferStart)
        return UnsafeRawBufferPointer(start: buffer + index, count: Int(count)).allSatisfy { $0 == 0 }
    }

    /// The offset of the next valid record after `position`, searching up to the limit.
    private func resynchronise(after position: Int64) -> Int64? {
        var from = position + 1
        while limit - from >= Int64(SegmentFormat.frameHeaderSize) {
            let want = Int(min(Int64(max(chunkSize / 2, SegmentFormat.frameHeaderSize)), limit - from))
            guard case .ok = fill(from, count: want) else { return nil }
            let first = Int(from - bufferStart)
            // A record needs a whole header, so its magic cannot start in the last 19 bytes before the limit.
            let stop = min(bufferCount, Int(limit - bufferStart)) - SegmentFormat.frameHeaderSize + 1
            var index = first
            var candidate: Int64?
            while index < stop {
                guard let hit = memchr(buffer + index, Int32(SegmentFormat.magicFirstByte), stop - index) else {
                    break
                }
                let found = buffer.distance(to: hit)
                let magic = load(UInt32.self, at: found)
                if magic == SegmentFormat.frameMagic || magic == SegmentFormat.sealMagic {
                    candidate = bufferStart + Int64(found)
                    break
                }
                index = found + 1
            }
            guard let candidate else {
                from = bufferStart + Int64(max(stop, first + 1))
                continue
            }
            switch check(at: candidate) {
            case .frame, .seal: return candidate
            case .invalid: from = candidate + 1
            case .readError: return nil
            }
        }
        return nil
    }

    /// Makes the buffer hold the file bytes `[position, position + count)`, reading as much as fits.
    private func fill(_ position: Int64, count: Int) -> Fill {
        if position >= bufferStart && position + Int64(count) <= bufferStart + Int64(bufferCount) { return .ok }
        guard position + Int64(count) <= limit else { return .beyondLimit }
        if position >= bufferStart && position < bufferStart + Int64(bufferCount) {
            let keep = Int(bufferStart + Int64(bufferCount) - position)
            let wanted = max(count, chunkSize)
            if wanted > capacity {
                let larger = UnsafeMutableRawPointer.allocate(byteCount: wanted, alignment: 16)
                larger.copyMemory(from: buffer + Int(position - bufferStart), byteCount: keep)
                buffer.deallocate()
                buffer = larger
                capacity = wanted
            } else {
                memmove(buffer, buffer + Int(position - bufferStart), keep)
            }
            bufferCount = keep
        } else {
            let wanted = max(count, chunkSize)
            if wanted > capacity || (capacity > 4 * chunkSize && wanted <= chunkSize) {
                buffer.deallocate()
                buffer = .allocate(byteCount: wanted, alignment: 16)
                capacity = wanted
            }
            bufferCount = 0
        }
        bufferStart = position
        let room = Int(min(Int64(capacity - bufferCount), limit - (bufferStart + Int64(bufferCount))))
        let got = FileIO.read(fd, into: buffer + bufferCount, count: room, at: bufferStart + Int64(bufferCount))
        if got < 0 { return .readError(Int32(-got)) }
        bufferCount += got
        // A file shorter than its limit was truncated under us: what is missing cannot be read.
        return bufferCount >= count ? .ok : .beyondLimit
    }

    private func load<T: FixedWidthInteger>(_: T.Type, at index: Int) -> T {
        T(littleEndian: buffer.loadUnaligned(fromByteOffset: index, as: T.self))
    }
}
