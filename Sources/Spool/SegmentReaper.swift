// Removing large finished segment files away from the threads that append and ship.
//
// A segment is `segment_size` bytes (1 GB with Beats' defaults). Unlinking one took 190 ms on an ext4 file
// system mounted with `discard`, as cloud disks often are: the kernel trims every freed block before unlink
// returns. The shipper, which deletes segments when their last event is acknowledged, stood still that long,
// and so did the appender, whose direct writes queued behind the trim on the device; the whole pipeline
// stopped with them. A segment larger than one step is therefore renamed (`….seg.deleting`, a quick metadata
// change made durable with the directory sync that followed the unlink before) and handed to this reaper's
// thread, which frees its blocks a step at a time from the end, then unlinks it. Each step's trim is short,
// and the reaper rests after each as long as the step took (at least a millisecond), so the trims hold the device
// at most half the time and the appender's synced writes get through between them (back to back, the steps of
// one segment still stalled the pipeline for a fifth of a second). Once the spool closes nothing competes
// with the trims, and the rests end. Smaller segments are unlinked at once, as before.
//
// A `.deleting` file left by a crash holds only acknowledged events (the state saying so was synced before
// the rename): recovery hands it to the reaper and never reads it.

import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Removes renamed segment files on a thread of its own.
final class SegmentReaper: @unchecked Sendable {
    /// The suffix a segment is renamed with when it is handed over.
    static let suffix = ".deleting"
    /// Bytes freed per truncation: a segment larger than this goes to the reaper.
    static let defaultStep: Int64 = 32 << 20

    /// Bytes freed per truncation (smaller in tests).
    var step: Int64 = SegmentReaper.defaultStep
    /// The shortest rest between two steps, in seconds (longer in tests).
    var minimumRest = 0.001
    private let logger: Logger
    private let lock = SpoolLock()
    private let changed = SpoolCondition()
    private var pending: [String] = []
    private var working = false
    private var stopping = false
    /// Set by `close`: the remaining steps are taken without rests.
    private var hurrying = false
    private var thread: pthread_t?
    private var removedCount = 0

    init(logger: Logger) {
        self.logger = logger
    }

    /// Queues `paths` (already renamed) for removal, starting the thread on first use.
    func remove(_ paths: [String]) {
        guard !paths.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        pending += paths
        changed.broadcast()
        guard thread == nil, !stopping else { return }
        var created = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let code = pthread_create(&created, nil, { context in
            Unmanaged<SegmentReaper>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        if code == 0 {
            thread = created
        } else {
            // Without a thread the files are removed here: slower for the caller, but removed.
            Unmanaged<SegmentReaper>.fromOpaque(context).release()
            logger.warning("cannot start the spool segment reaper: \(errnoText(code)); deleting in place")
            let now = pending
            pending = []
            for path in now { Self.reap(path, step: step, logger: logger) }
            removedCount += now.count
        }
    }

    /// Files removed so far.
    var removed: Int { lock.withLock { removedCount } }

    /// Waits until everything queued so far is removed.
    func waitUntilIdle() {
        lock.lock()
        while !pending.isEmpty || working { changed.wait(lock, until: .infinity) }
        lock.unlock()
    }

    /// Removes everything queued, then stops the thread. Idempotent.
    func close() {
        lock.withLock {
            hurrying = true
            changed.broadcast()
        }
        waitUntilIdle()
        lock.lock()
        stopping = true
        changed.broadcast()
        let running = thread
        thread = nil
        lock.unlock()
        if let running { pthread_join(running, nil) }
    }

    private func run() {
        lock.lock()
        while true {
            while pending.isEmpty && !stopping { changed.wait(lock, until: .infinity) }
            guard !pending.isEmpty else { break }
            let path = pending.removeFirst()
            working = true
            let step = self.step
            lock.unlock()
            Self.reap(path, step: step, logger: logger, rest: { self.rest(after: $0) })
            lock.lock()
            working = false
            removedCount += 1
            changed.broadcast()
        }
        lock.unlock()
    }

    /// Rests after a step that took `seconds`: as long again, at least `minimumRest`, unless `close` hurries.
    private func rest(after seconds: Double) {
        lock.lock()
        let deadline = MonotonicClock.now() + max(seconds, minimumRest)
        while !hurrying && changed.wait(lock, until: deadline) {}
        lock.unlock()
    }

    /// Frees `path`'s blocks `step` bytes at a time from the end, then unlinks it. `rest` is called between two
    /// steps with the seconds the first took; `didTruncate` sees each size the file is cut to (tests).
    static func reap(
        _ path: String, step: Int64, logger: Logger, didTruncate: ((Int64) -> Void)? = nil,
        rest: (Double) -> Void = { _ in }
    ) {
        let fd = FileIO.openFile(path, O_WRONLY)
        if fd >= 0 {
            var size = FileIO.size(fd) ?? 0
            while size > step {
                size -= step
                let started = MonotonicClock.now()
                if ftruncate(fd, off_t(size)) != 0 { break }
                didTruncate?(size)
                if size > step { rest(MonotonicClock.now() - started) }
            }
            FileIO.closeFile(fd)
        }
        if unlink(path) != 0 && errno != ENOENT {
            logger.error("cannot delete the spool segment \(path): \(errnoText(errno))")
        }
    }
}
