// Which entry ids are done with: acknowledged by the output, or lost to corruption (a lost id must not stall
// the cursor). Every id below `cursor` is done; above it, done ids are kept as sorted, disjoint, non-adjacent
// ranges. Acknowledgements mostly arrive in order, so the common case only moves the cursor; the ranges hold
// the out-of-order ones, bounded by what was handed out and not yet acknowledged.

struct AckTracker {
    /// Every id below this one is done.
    private(set) var cursor: UInt64
    /// Done ids above the cursor; `storage[head...]` is live (the prefix is consumed lazily).
    private var storage: [Range<UInt64>] = []
    private var head = 0
    /// How many ids the ranges hold.
    private(set) var doneAboveCursor: UInt64 = 0

    /// Ids below `cursor` and in `ranges` are done.
    init(cursor: UInt64, ranges: [Range<UInt64>] = []) {
        self.cursor = cursor
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) { _ = insert(range) }
    }

    /// The done ranges above the cursor, lowest first.
    var ranges: ArraySlice<Range<UInt64>> { storage[head...] }

    /// The highest done id plus one (the cursor when no range is above it).
    var end: UInt64 { storage.count > head ? storage[storage.count - 1].upperBound : cursor }

    func contains(_ id: UInt64) -> Bool {
        if id < cursor { return true }
        let index = firstRange(endingAtOrAfter: id + 1)
        return index < storage.count && storage[index].lowerBound <= id
    }

    /// True when every id in `range` is done.
    func covers(_ range: Range<UInt64>) -> Bool {
        let low = max(range.lowerBound, cursor)
        guard low < range.upperBound else { return true }
        let index = firstRange(endingAtOrAfter: low + 1)
        return index < storage.count && storage[index].lowerBound <= low
            && storage[index].upperBound >= range.upperBound
    }

    /// How many ids in `range` are done.
    func doneCount(in range: Range<UInt64>) -> UInt64 {
        guard !range.isEmpty else { return 0 }
        var count =
            range.upperBound <= cursor
            ? UInt64(range.count)
            : cursor > range.lowerBound
                ? cursor - range.lowerBound : 0
        var index = firstRange(endingAtOrAfter: range.lowerBound + 1)
        while index < storage.count && storage[index].lowerBound < range.upperBound {
            let overlap = storage[index].clamped(to: range)
            count += UInt64(overlap.count)
            index += 1
        }
        return count
    }

    /// Marks `id` done; true if it was not already.
    mutating func insert(_ id: UInt64) -> Bool {
        if id == cursor {
            cursor += 1
            if head < storage.count && storage[head].lowerBound == cursor { consumeHead() }
            return true
        }
        return insert(id..<(id + 1)) == 1
    }

    /// Marks a batch of ids done (any order, duplicates allowed); returns how many were not already. A poll's
    /// acknowledgements come partition by partition, so a batch is mostly every n-th id: inserted one by one,
    /// each became a range of its own and shifted the ranges after it. Here the batch is sorted into runs and
    /// merged with the ranges in one pass. A batch of a few ids goes in one by one: a pass over many ranges
    /// would cost more than it saves.
    mutating func insert(contentsOf ids: [UInt64]) -> Int {
        if ids.count <= 16 { return ids.reduce(0) { $0 + (insert($1) ? 1 : 0) } }
        var sorted = ids.filter { $0 >= cursor }
        guard !sorted.isEmpty else { return 0 }
        sorted.sort()
        var merged: [Range<UInt64>] = []
        merged.reserveCapacity(storage.count - head + sorted.count)
        func add(_ range: Range<UInt64>) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                if range.upperBound > last.upperBound { merged[merged.count - 1] = last.lowerBound..<range.upperBound }
            } else {
                merged.append(range)
            }
        }
        var old = head
        var next = 0
        while old < storage.count || next < sorted.count {
            if next == sorted.count || (old < storage.count && storage[old].lowerBound <= sorted[next]) {
                add(storage[old])
                old += 1
            } else {
                add(sorted[next]..<(sorted[next] + 1))
                next += 1
            }
        }
        let total = merged.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        let newly = total - doneAboveCursor
        storage = merged
        head = 0
        doneAboveCursor = total
        if !storage.isEmpty && storage[0].lowerBound == cursor { consumeHead() }
        return Int(newly)
    }

    /// Marks every id in `range` done; returns how many were not already.
    @discardableResult
    mutating func insert(_ range: Range<UInt64>) -> UInt64 {
        let low = max(range.lowerBound, cursor)
        let high = range.upperBound
        guard low < high else { return 0 }
        let newly = (high - low) - doneCount(in: low..<high)
        guard newly > 0 else { return 0 }
        // Merge with every range that overlaps or touches [low, high).
        let first = firstRange(endingAtOrAfter: low)
        var last = first
        var merged = low..<high
        while last < storage.count && storage[last].lowerBound <= high {
            merged = min(merged.lowerBound, storage[last].lowerBound)..<max(merged.upperBound, storage[last].upperBound)
            doneAboveCursor -= UInt64(storage[last].count)
            last += 1
        }
        storage.replaceSubrange(first..<last, with: CollectionOfOne(merged))
        doneAboveCursor += UInt64(merged.count)
        if merged.lowerBound == cursor { consumeHead() }
        return newly
    }

    /// The head range starts at the cursor: the cursor jumps over it.
    private mutating func consumeHead() {
        cursor = storage[head].upperBound
        doneAboveCursor -= UInt64(storage[head].count)
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    /// Index of the first live range whose upper bound is at least `bound` (binary search).
    private func firstRange(endingAtOrAfter bound: UInt64) -> Int {
        var low = head
        var high = storage.count
        while low < high {
            let middle = (low + high) / 2
            if storage[middle].upperBound < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
