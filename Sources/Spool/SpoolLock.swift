// The blocking primitives behind the spools: a pthread mutex and condition variables timed on the monotonic
// clock (a wall-clock step must not stretch or cut short a `read` or `waitUntilEmpty` timeout).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mutual-exclusion lock.
final class SpoolLock: @unchecked Sendable {
    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }

    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A condition variable used with one `SpoolLock`.
final class SpoolCondition: @unchecked Sendable {
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Waits (the lock held) until signalled or until the monotonic `deadline` (seconds); false once it passed.
    @discardableResult
    func wait(_ lock: SpoolLock, until deadline: Double) -> Bool {
        let now = MonotonicClock.now()
        guard deadline > now else { return false }
        guard deadline.isFinite, deadline - now < 86_400 * 365 else {
            pthread_cond_wait(condition, lock.mutex)
            return true
        }
        #if os(Linux)
            let whole = deadline.rounded(.down)
            var time = timespec(tv_sec: Int(whole), tv_nsec: Int((deadline - whole) * 1e9))
            pthread_cond_timedwait(condition, lock.mutex, &time)
        #else
            let span = deadline - now
            let whole = span.rounded(.down)
            var time = timespec(tv_sec: Int(whole), tv_nsec: Int((span - whole) * 1e9))
            pthread_cond_timedwait_relative_np(condition, lock.mutex, &time)
        #endif
        return MonotonicClock.now() < deadline
    }

    func signal() { pthread_cond_signal(condition) }

    func broadcast() { pthread_cond_broadcast(condition) }
}

/// Seconds on the monotonic clock.
enum MonotonicClock {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The deadline `timeout` seconds from now (a negative or NaN timeout is now).
    static func deadline(after timeout: Double) -> Double {
        guard timeout > 0 else { return now() }
        return now() + timeout
    }
}
