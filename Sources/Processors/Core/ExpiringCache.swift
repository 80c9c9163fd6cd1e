// A bounded map whose entries lapse at a given instant: the caches of the processors that look things up
// (dns answers, host facts, process facts). Callers own the locking and the clock.

/// Values by key, each valid until its own instant; at most `maxCapacity` entries.
struct ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var entries: [Key: (value: Value, expires: ContinuousClock.Instant)]
    let maxCapacity: Int

    init(initialCapacity: Int = 0, maxCapacity: Int) {
        entries = Dictionary(minimumCapacity: initialCapacity)
        self.maxCapacity = maxCapacity
    }

    /// The entries held, expired or not.
    var count: Int { entries.count }

    /// The value for `key` unless it has expired by `now`.
    func value(for key: Key, at now: ContinuousClock.Instant) -> Value? {
        guard let entry = entries[key], now <= entry.expires else { return nil }
        return entry.value
    }

    /// Stores `value` until `expires`. When the cache is full, expired entries go first, then an arbitrary one
    /// (dictionary order depends on the per-process hash seed: as arbitrary as Go's map order).
    mutating func insert(_ value: Value, for key: Key, expires: ContinuousClock.Instant, now: ContinuousClock.Instant) {
        if entries[key] == nil, entries.count >= maxCapacity {
            entries = entries.filter { now <= $0.value.expires }
            if entries.count >= maxCapacity, let victim = entries.keys.first { entries[victim] = nil }
        }
        entries[key] = (value, expires)
    }
}
