// SIGINT/SIGTERM handling: the first signal asks the run to stop gracefully (flush flows, drain the
// queue within shutdown_timeout); a second one exits at once. The handler only stores to an atomic,
// which is async-signal-safe; the packet loop polls it.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private let stopRequests = Atomic<Int>(0)

/// The process-wide stop request.
public enum StopSignal {
    /// True once SIGINT or SIGTERM arrived (or `request()` was called).
    public static var requested: Bool { stopRequests.load(ordering: .relaxed) > 0 }

    /// Asks the run to stop, as a signal would.
    public static func request() { stopRequests.add(1, ordering: .relaxed) }

    /// How long after a stop was requested the publish path still waits for room (in the queue, or in a full
    /// spool under `block`): then what does not fit is dropped and counted, so that a stop never hangs on an
    /// output that does not take anything (a dead broker with a full spool, a full disk).
    public static let patience: Double = 5

    /// Installs the handlers (idempotent) and ignores SIGPIPE, so a closed stdout is an EPIPE write error
    /// the console output reports instead of a silent death.
    public static func install() {
        signal(SIGPIPE, SIG_IGN)
        var action = sigaction()
        #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { _ in
                if stopRequests.add(1, ordering: .relaxed).newValue > 1 { _exit(130) }
            }
        #else
            action.__sigaction_u.__sa_handler = { _ in
                if stopRequests.add(1, ordering: .relaxed).newValue > 1 { _exit(130) }
            }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: a sleeping replay wakes up with EINTR
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        // A parent may start us with these signals blocked (some process launchers do); unblock them on
        // this thread, which every thread started later inherits.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
