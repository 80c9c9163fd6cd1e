// An index from flow key to the slot number of a table the caller owns (the flow table's records, the TCP
// tracker's connections): open addressing with linear probing over one array of 64-bit entries (the low 32
// bits of the hash, then 32 bits of slot + 1; 0 is empty), deletion by backward shift so no tombstones
// accumulate. A lookup touches one cache line of the index and then the caller's slot, where Swift's
// Dictionary touches its bitmap, its key array and its value array and hashes with SipHash; on tables of tens
// of thousands of flows those misses were most of the per-packet cost.
//
// The index stores no keys: the caller compares them (`find`). Each entry keeps the hash bits that choose its
// home position (tables stay below 2^32 entries), so moving entries (growth, deletion) reads nothing but the
// index: asking the caller for a moved slot's hash cost a cache miss in its table per entry moved.

/// Slot numbers by flow key, for a table whose slots the caller stores.
public struct FlowSlotIndex: Sendable {
    @usableFromInline var entries: [UInt64]
    @usableFromInline var mask: Int
    @usableFromInline var indexed = 0
    /// Keys indexed.
    public var count: Int { indexed }

    /// An index sized for `capacity` keys at a load factor of at most one half; it grows beyond that.
    public init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// A well-mixed 64-bit hash of a canonical key (symmetric by construction, as the key is canonical).
    @inlinable @inline(__always)
    public static func hash(_ key: FlowKey) -> UInt64 {
        var h = key.partitionHash
        // Murmur3's finalizer: spreads the partition hash's bits over the whole word.
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// The slot whose key has `hash` and satisfies `isKey` (the caller compares its stored key), or nil.
    @inlinable @inline(__always)
    public func find(hash: UInt64, isKey: (Int32) -> Bool) -> Int32? {
        let tag = hash & 0xffff_ffff
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let e = entries[i]
            if e == 0 { return nil }
            if e >> 32 == tag {
                let slot = Int32(truncatingIfNeeded: e & 0xffff_ffff) - 1
                if isKey(slot) { return slot }
            }
            i = (i + 1) & mask
        }
    }

    /// Adds `slot` under `hash`; the key must not be present. Doubles when half full.
    @inlinable
    public mutating func insert(slot: Int32, hash: UInt64) {
        if (indexed + 1) * 2 > entries.count { grow() }
        place((hash & 0xffff_ffff) << 32 | UInt64(UInt32(slot + 1)))
        indexed += 1
    }

    /// The home position of an entry: where its hash bits point.
    @inlinable @inline(__always)
    func home(_ entry: UInt64) -> Int { Int(truncatingIfNeeded: entry >> 32) & mask }

    @inlinable
    mutating func place(_ entry: UInt64) {
        var i = home(entry)
        while entries[i] != 0 { i = (i + 1) & mask }
        entries[i] = entry
    }

    /// Removes `slot` (stored under `hash`), shifting later entries of the probe run back.
    @inlinable
    public mutating func remove(slot: Int32, hash: UInt64) {
        let wanted = UInt64(UInt32(slot + 1))
        var i = Int(truncatingIfNeeded: hash) & mask
        while entries[i] & 0xffff_ffff != wanted {
            if entries[i] == 0 { return }
            i = (i + 1) & mask
        }
        entries[i] = 0
        indexed -= 1
        // Backward-shift deletion: move up any entry whose home position the new hole now precedes.
        var hole = i
        var j = (i + 1) & mask
        while entries[j] != 0 {
            let home = home(entries[j])
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

    @inlinable
    mutating func grow() {
        let old = entries
        precondition(old.count <= 1 << 31, "a flow slot index holds at most 2^32 entries")
        entries = [UInt64](repeating: 0, count: old.count * 2)
        mask = entries.count - 1
        for e in old where e != 0 { place(e) }
    }
}
