// The flow table's index from key to record slot: open addressing with linear probing over one array of
// 64-bit entries (32 bits of hash, 32 bits of slot + 1; 0 is empty), deletion by backward shift so no
// tombstones accumulate. A lookup touches one cache line of the index and then the record itself, where
// Swift's Dictionary touches its bitmap, its key array and its value array; on a table of tens of
// thousands of flows those misses were most of the per-packet cost.

import NetModel

struct FlowIndex {
    private var entries: [UInt64]
    private var mask: Int
    private(set) var count = 0

    /// An index sized for `capacity` live flows at a load factor of at most one half.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// A well-mixed 64-bit hash of a canonical key (symmetric by construction, as the key is canonical).
    @inline(__always)
    static func hash(_ key: FlowKey) -> UInt64 {
        var h = key.partitionHash
        // Murmur3's finalizer: spreads the partition hash's bits over the whole word.
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// The probe sequence for `hash`: candidate slots whose stored tag matches, in order, until an empty
    /// entry. The caller compares keys (it owns the records), so no array is passed per lookup.
    @inline(__always)
    func firstCandidate(hash: UInt64) -> (position: Int, slot: Int32?) {
        nextCandidate(hash: hash, from: Int(truncatingIfNeeded: hash) & mask)
    }

    /// The next candidate at or after `position`.
    @inline(__always)
    func nextCandidate(hash: UInt64, from position: Int) -> (position: Int, slot: Int32?) {
        let tag = hash >> 32
        var i = position
        while true {
            let e = entries[i]
            if e == 0 { return (i, nil) }
            if e >> 32 == tag { return (i, Int32(truncatingIfNeeded: e & 0xffff_ffff) - 1) }
            i = (i + 1) & mask
        }
    }

    /// The position after `position` in probe order.
    @inline(__always)
    func advance(_ position: Int) -> Int { (position + 1) & mask }

    /// Adds `slot` under `hash`; the key must not be present. Grows when half full.
    mutating func insert(slot: Int32, hash: UInt64, records: [FlowRecord]) {
        if (count + 1) * 2 > entries.count { grow(records: records) }
        place(UInt64(hash >> 32) << 32 | UInt64(UInt32(slot + 1)), hash: hash)
        count += 1
    }

    private mutating func place(_ entry: UInt64, hash: UInt64) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while entries[i] != 0 { i = (i + 1) & mask }
        entries[i] = entry
    }

    /// Removes `slot` (stored under `hash`), shifting later entries of the probe run back.
    mutating func remove(slot: Int32, hash: UInt64, records: [FlowRecord]) {
        let wanted = UInt64(UInt32(slot + 1))
        var i = Int(truncatingIfNeeded: hash) & mask
        while entries[i] & 0xffff_ffff != wanted {
            if entries[i] == 0 { return }
            i = (i + 1) & mask
        }
        entries[i] = 0
        count -= 1
        // Backward-shift deletion: move up any entry whose home position the new hole now precedes.
        var hole = i
        var j = (i + 1) & mask
        while entries[j] != 0 {
            let s = Int32(truncatingIfNeeded: entries[j] & 0xffff_ffff) - 1
            let home = Int(truncatingIfNeeded: records[Int(s)].hash) & mask
            // Is `home` cyclically outside (hole, j]? Then the entry may move into the hole.
            let distanceToJ = (j - home) & mask
            let distanceToHole = (j - hole) & mask
            if distanceToJ >= distanceToHole {
                entries[hole] = entries[j]
                entries[j] = 0
                hole = j
            }
            j = (j + 1) & mask
        }
    }

    private mutating func grow(records: [FlowRecord]) {
        let old = entries
        entries = [UInt64](repeating: 0, count: old.count * 2)
        mask = entries.count - 1
        for e in old where e != 0 {
            let s = Int32(truncatingIfNeeded: e & 0xffff_ffff) - 1
            place(e, hash: records[Int(s)].hash)
        }
    }
}
