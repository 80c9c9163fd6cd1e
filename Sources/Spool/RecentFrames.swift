// The disk spool's write-through memory: frames this process appended, kept (the appender's payload arrays,
// not copies) until the reader has passed them, so that it hands them out without reading the file back, checking
// CRCs and copying each payload out of its read buffer. Only a frame the reader would meet next at the same place
// (segment and offset) is taken from here; anything else (frames beyond the byte bound, seals, frames left by an
// earlier run) is read from the file as before, so the two paths hand out exactly the same entries. The bound
// keeps memory fixed while the output is down: once it is reached, newer frames are only on disk.

/// A frame as appended: where it lies and its payload.
struct RecentFrame {
    let id: UInt64
    let segmentFirstID: UInt64
    /// File offset of the frame (its header) in its segment.
    let offset: Int64
    let payload: [UInt8]

    /// What it counts against the bound: the payload's allocation (an encoder's buffer may be larger than what
    /// it holds) and the bookkeeping around it.
    var cost: Int { payload.capacity + 64 }
}

/// Recently appended frames, oldest first, up to a byte bound (used under the spool's `lock`).
struct RecentFrames {
    let limit: Int
    private var frames: [RecentFrame] = []
    private var head = 0
    private(set) var bytes = 0

    init(limit: Int) { self.limit = limit }

    /// Keeps `frame` if it fits the bound (false if not: the reader will read it from the file).
    mutating func append(_ frame: RecentFrame) -> Bool {
        guard bytes + frame.cost <= limit else { return false }
        frames.append(frame)
        bytes += frame.cost
        return true
    }

    /// Forgets the frames below `id` (the reader has passed them) and returns up to `count` of the next ones
    /// (a copy: a slice would share the storage, and the appender's next append would copy all of it).
    mutating func take(from id: UInt64, count: Int) -> [RecentFrame] {
        while head < frames.count && frames[head].id < id {
            bytes -= frames[head].cost
            head += 1
        }
        if head == frames.count {
            frames.removeAll(keepingCapacity: frames.capacity <= 1 << 16)
            head = 0
        } else if head >= 1024 && head * 2 >= frames.count {
            frames.removeFirst(head)
            head = 0
        }
        return Array(frames[head..<min(frames.count, head + count)])
    }

    /// Forgets everything.
    mutating func removeAll() {
        frames = []
        head = 0
        bytes = 0
    }
}
