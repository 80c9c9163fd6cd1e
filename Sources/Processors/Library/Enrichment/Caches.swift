// State the enrichment processors share between the copies of one processor and between publish threads:
// a locked value, and a small expiring cache (host facts for `cache.ttl`, process facts and container ids for
// add_process_metadata). Time comes from an injectable monotonic clock so tests can move it.

import Synchronization

/// A monotonic clock; the real one is `ContinuousClock.now`.
typealias MonotonicClock = @Sendable () -> ContinuousClock.Instant

/// A value behind a lock, shared by reference.
final class Locked<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    init(_ value: Value) { state = Mutex(value) }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        state.withLock { value in body(&value) }
    }
}

/// An `ExpiringCache` shared by reference, whose entries live `ttl` after they were stored.
final class SharedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries: Mutex<ExpiringCache<Key, Value>>
    let ttl: Duration
    let clock: MonotonicClock

    init(ttl: Duration, capacity: Int, clock: @escaping MonotonicClock = { .now }) {
        entries = Mutex(ExpiringCache(maxCapacity: capacity))
        self.ttl = ttl
        self.clock = clock
    }

    /// The value stored for `key`, when it has not expired; otherwise `load()`'s, stored when not nil.
    /// `load` runs outside the lock, so two threads may both load a missing key; the later one is kept.
    func value(for key: Key, load: () -> Value?) -> Value? {
        let now = clock()
        if let hit = entries.withLock({ $0.value(for: key, at: now) }) { return hit }
        guard let value = load() else { return nil }
        entries.withLock { $0.insert(value, for: key, expires: now + ttl, now: now) }
        return value
    }
}
