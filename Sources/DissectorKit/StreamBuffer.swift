// Driving a dissector over one direction's chunks with the least copying.
//
// Bytes lent by the TCP reassembler are offered to the dissector directly; only when a PDU is unfinished at
// the end of a chunk is its tail copied into the buffer, and later chunks are appended to it until the PDU
// completes. The buffer is capped: a PDU that would need more than `limit` bytes held is a failure, not
// unbounded growth.

/// The unfinished tail of one direction's stream, bounded.
public struct StreamBuffer: Sendable {
    private var storage: [UInt8] = []
    private var start = 0
    /// The most bytes this buffer may hold.
    public let limit: Int

    /// A buffer holding at most `limit` bytes.
    public init(limit: Int) { self.limit = limit }

    /// Bytes held.
    public var count: Int { storage.count - start }

    /// True when nothing is held (the common case: PDUs end at chunk boundaries).
    public var isEmpty: Bool { start == storage.count }

    /// Drops everything held (after a gap, for instance).
    public mutating func reset() {
        storage.removeAll(keepingCapacity: false)
        start = 0
    }

    /// Offers `chunk` (after anything already held) to `parse` until it needs more or fails.
    ///
    /// `parse` sees contiguous bytes beginning at a PDU boundary and answers with a `FeedResult`. Returns
    /// nil when everything was consumed or kept for later, or the failure. Exceeding `limit` fails with
    /// `overflow`.
    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, overflow: Anomaly, parse: (UnsafeRawBufferPointer) -> FeedResult
    ) -> Anomaly? {
        if isEmpty {
            var offset = 0
            while offset < chunk.count {
                let view = UnsafeRawBufferPointer(rebasing: chunk[offset...])
                switch parse(view) {
                case .consumed(let n):
                    offset += max(1, min(n, view.count))
                case .needMore(let n):
                    if n > limit || view.count > limit { return overflow }
                    storage.removeAll(keepingCapacity: true)
                    // Room for the whole PDU at once: growing by doubling would copy it two or three times.
                    storage.reserveCapacity(max(n, view.count))
                    storage.append(contentsOf: view)
                    start = 0
                    return nil
                case .failed(let anomaly):
                    return anomaly
                }
            }
            return nil
        }
        if count + chunk.count > limit { return overflow }
        storage.append(contentsOf: chunk)
        return drainHeld(overflow: overflow, parse: parse)
    }

    private mutating func drainHeld(overflow: Anomaly, parse: (UnsafeRawBufferPointer) -> FeedResult) -> Anomaly? {
        var failure: Anomaly? = nil
        var needed = 0
        storage.withUnsafeBytes { all in
            while start < all.count {
                let view = UnsafeRawBufferPointer(rebasing: all[start...])
                switch parse(view) {
                case .consumed(let n):
                    start += max(1, min(n, view.count))
                case .needMore(let n):
                    if n > limit { failure = overflow } else { needed = n }
                    return
                case .failed(let anomaly):
                    failure = anomaly
                    return
                }
            }
        }
        // Compact: keep only the unfinished tail, so memory stays bounded by what one PDU needs.
        if start == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 64 * 1024)
            start = 0
        } else if start > 0 {
            storage.removeFirst(start)
            start = 0
        }
        if needed > storage.count { storage.reserveCapacity(needed) }
        return failure
    }
}
