// The memory spool (`queue.mem`): the same contract as the disk spool without durability. Capacity counts
// entries appended and not yet acknowledged (`queue.mem.events`), so the output's in-flight entries hold
// their place until acknowledged, as libbeat's memory queue does. Nothing survives the process.

/// An in-memory spool holding at most `capacity` unacknowledged entries.
public final class MemorySpool: Spool, @unchecked Sendable {
    private let capacity: Int
    private let policy: SpoolFullPolicy
    private let lock = SpoolLock()
    private let readable = SpoolCondition()
    private let writable = SpoolCondition()
    private let drained = SpoolCondition()
    /// Entries not yet handed out: `waiting[head...]`.
    private var waiting: [SpoolEntry] = []
    private var head = 0
    private var nextID: UInt64 = 1
    private var handedOutEnd: UInt64 = 1
    private var tracker = AckTracker(cursor: 1)
    private var stats = SpoolCounters()
    private var closed = false
    /// `stopBlocking` was called: appends refuse what does not fit instead of waiting.
    private var noWaiting = false

    /// A spool for `capacity` entries (at least 1) that blocks or drops when full, per `policy`.
    public init(capacity: Int, policy: SpoolFullPolicy) {
        self.capacity = max(1, capacity)
        self.policy = policy
    }

    private var pending: Int { Int(nextID - tracker.cursor - tracker.doneAboveCursor) }

    /// Queues the batch; see `Spool`.
    public func append(_ payloads: [[UInt8]]) -> Int {
        lock.lock()
        defer { lock.unlock() }
        var accepted = 0
        for payload in payloads {
            while !closed && !noWaiting && pending >= capacity && policy == .block {
                writable.wait(lock, until: .infinity)
            }
            guard !closed && pending < capacity else {
                stats.droppedFull += payloads.count - accepted
                break
            }
            waiting.append(SpoolEntry(id: nextID, payload: payload))
            nextID += 1
            accepted += 1
            stats.appended += 1
            readable.signal()
        }
        return accepted
    }

    /// Up to `max` entries, oldest first; see `Spool`.
    public func read(max: Int, timeout: Double) -> [SpoolEntry] {
        guard max > 0 else { return [] }
        let deadline = MonotonicClock.deadline(after: timeout)
        lock.lock()
        defer { lock.unlock() }
        while head == waiting.count {
            if closed || !readable.wait(lock, until: deadline) { break }
        }
        let count = min(max, waiting.count - head)
        guard count > 0 else { return [] }
        let entries = Array(waiting[head..<(head + count)])
        head += count
        if head == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > waiting.count {
            waiting.removeFirst(head)
            head = 0
        }
        handedOutEnd = entries[entries.count - 1].id + 1
        return entries
    }

    /// Frees the entries' places; see `Spool`.
    public func acknowledge(_ ids: [UInt64]) {
        lock.lock()
        defer { lock.unlock() }
        let newly = tracker.insert(contentsOf: ids.filter { $0 < handedOutEnd })
        guard newly > 0 else { return }
        stats.acknowledged += newly
        writable.broadcast()
        if tracker.cursor >= nextID { drained.broadcast() }
    }

    /// Waits up to `timeout` seconds until every entry is acknowledged; true if so.
    public func waitUntilEmpty(timeout: Double) -> Bool {
        let deadline = MonotonicClock.deadline(after: timeout)
        lock.lock()
        defer { lock.unlock() }
        while tracker.cursor < nextID {
            if closed || !drained.wait(lock, until: deadline) { return tracker.cursor >= nextID }
        }
        return true
    }

    /// Appends stop waiting for room; see `Spool`.
    public func stopBlocking() {
        lock.withLock {
            noWaiting = true
            writable.broadcast()
        }
    }

    /// Stops: blocked appenders return; readers get what is left without waiting, then nothing.
    public func close() {
        lock.withLock {
            closed = true
            readable.broadcast()
            writable.broadcast()
            drained.broadcast()
        }
    }

    /// What the spool did and holds.
    public var counters: SpoolCounters {
        lock.withLock {
            var counters = stats
            counters.pendingEntries = pending
            return counters
        }
    }
}
