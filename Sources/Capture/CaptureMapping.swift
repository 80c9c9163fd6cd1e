// A capture file replayed from memory: mapped read-only, with a helper thread that keeps the page table a
// window ahead of the packet thread and clears it behind.
//
// libpcap reads a mapped file through a memory stream (see `PcapHandle.openOffline`). Left to itself, the
// packet thread would take a page fault for every few pages it reads and, at the end, munmap would clear the
// page table of the whole file: together about a sixth of replaying a large cached capture (scripts/bench-tls).
// The helper does both off the packet thread. MADV_POPULATE_READ (Linux 5.14) maps the pages up to `window`
// bytes beyond the reader's position, reading them from disk first if they are not cached, so it is also
// read-ahead at the reader's pace; MADV_DONTNEED clears what the reader has passed (the mapping is private
// and never written, so a cleared page would read back the file's bytes), so the page table covers about one
// window whatever the file's size. On a kernel without MADV_POPULATE_READ the helper only clears behind.

import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A regular file mapped read-only for one sequential reader, with the helper thread described above.
///
/// The reader reports its position with `reached(_:)`; `close()` stops the helper and unmaps the file. The
/// reader must never go back before a position it reported.
final class CaptureMapping: @unchecked Sendable {
    // @unchecked: the helper reads only what never changes after `init` and the atomics; `helper` and `closed`
    // belong to the reader's thread. The helper holds no reference: `close` (also run by `deinit`) joins it
    // before the object can go away.
    let address: UnsafeMutableRawPointer
    let length: Int
    /// How far beyond the reader the helper maps pages, and how much it maps or clears at a time.
    let window: Int
    let step: Int
    /// Bytes of the file the reader has consumed (a lower bound: it reports from time to time).
    private let position = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// Bytes the helper has mapped ahead and cleared behind, for tests.
    private let populatedBytes = Atomic<Int>(0)
    private let clearedBytes = Atomic<Int>(0)
    private var helper: pthread_t? = nil
    /// Posted to wake the helper at once when closing (it otherwise waits a little while idle).
    private let wake = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    private var closed = false

    /// Maps the regular, non-empty file open on `descriptor`, or returns nil (the caller reads it another
    /// way). The descriptor stays open; the mapping does not need it. Files smaller than `helperThreshold` are
    /// read without a helper: their faults cost less than starting a thread.
    static func map(
        _ descriptor: Int32, window: Int = 64 << 20, step: Int = 1 << 20, helperThreshold: Int = 16 << 20
    ) -> CaptureMapping? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
            let length = Int(exactly: info.st_size)
        else { return nil }
        guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            return nil
        }
        _ = madvise(address, length, MADV_SEQUENTIAL)
        let mapping = CaptureMapping(address: address, length: length, window: window, step: step)
        if length >= helperThreshold { mapping.startHelper() }
        return mapping
    }

    private init(address: UnsafeMutableRawPointer, length: Int, window: Int, step: Int) {
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        self.address = address
        self.length = length
        self.step = max(step / page, 1) * page
        self.window = max(window, self.step)
        sem_init(wake, 0, 0)
    }

    deinit {
        close()
        sem_destroy(wake)
        wake.deallocate()
    }

    /// True when a helper thread runs (and so wants the reader's position).
    var hasHelper: Bool { helper != nil }

    /// Records that the reader has consumed the file's first `offset` bytes.
    func reached(_ offset: Int) {
        position.store(offset, ordering: .relaxed)
    }

    /// What the helper has done so far: bytes mapped ahead and bytes cleared behind.
    var helperProgress: (populated: Int, cleared: Int) {
        (populatedBytes.load(ordering: .relaxed), clearedBytes.load(ordering: .relaxed))
    }

    /// Stops the helper, waits for it, and unmaps the file. Idempotent.
    func close() {
        guard !closed else { return }
        closed = true
        if let helper {
            stopping.store(true, ordering: .releasing)
            sem_post(wake)
            pthread_join(helper, nil)
        }
        munmap(address, length)
    }

    private func startHelper() {
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<CaptureMapping>.fromOpaque(raw!).takeUnretainedValue().runHelper()
                return nil
            }, Unmanaged.passUnretained(self).toOpaque())
        // Without a helper the reader takes its own faults.
        if started == 0 { helper = thread }
    }

    /// The helper's loop: clear behind the reader, map ahead of it, and wait (up to 5 ms, doubling from
    /// 100 µs) when there is nothing to do.
    private func runHelper() {
        var populated = 0
        var cleared = 0
        var canPopulate = true
        var idleMicroseconds = 100
        while !stopping.load(ordering: .acquiring) {
            let behind = position.load(ordering: .relaxed) / step * step
            var worked = false
            if behind > cleared {
                _ = madvise(address + cleared, behind - cleared, MADV_DONTNEED)
                clearedBytes.store(behind, ordering: .relaxed)
                cleared = behind
                worked = true
            }
            // What the reader passed needs no mapping any more, whether the helper mapped it or not.
            populated = max(populated, cleared)
            if canPopulate, populated < length, populated < behind + window {
                let count = min(step, length - populated)
                // EINVAL before Linux 5.14; EFAULT if the file shrank under the mapping.
                if madvise(address + populated, count, CaptureMapping.populateRead) == 0 {
                    populated += count
                    worked = true
                } else {
                    canPopulate = false
                }
            }
            populatedBytes.store(populated, ordering: .relaxed)
            if worked {
                idleMicroseconds = 100
            } else {
                wait(microseconds: idleMicroseconds)
                idleMicroseconds = min(idleMicroseconds * 2, 5000)
            }
        }
    }

    /// MADV_POPULATE_READ (Linux 5.14), spelled out for C libraries whose headers predate it.
    static let populateRead: Int32 = 22

    private func wait(microseconds: Int) {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let nanoseconds = deadline.tv_nsec + microseconds * 1000
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        _ = sem_timedwait(wake, &deadline)
    }
}
