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

/// Values by key that expire `ttl` after they were stored; at most `capacity` entries are kept.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (value: Value, expires: ContinuousClock.Instant)]>([:])
    let ttl: Duration
    let capacity: Int
    let clock: MonotonicClock

    init(ttl: Duration, capacity: Int, clock: @escaping MonotonicClock = { .now }) {
        self.ttl = ttl
        self.capacity = capacity
        self.clock = clock
    }

    /// The value stored for `key`, when it has not expired; otherwise `load()`'s, stored when not nil.
    /// `load` runs outside the lock, so two threads may both load a missing key; the later one is kept.
    func value(for key: Key, load: () -> Value?) -> Value? {
        let now = clock()
        if let hit = entries.withLock({ $0[key] }), now < hit.expires { return hit.value }
        guard let value = load() else { return nil }
        let expires = now + ttl
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.expires }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = (value, expires)
        }
        return value
    }
}
