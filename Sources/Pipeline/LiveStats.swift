// Counters of a running agent for the monitoring endpoint and the periodic metrics log. The capture thread
// keeps its counters in plain integers (no atomics on the packet path) and publishes a copy here about every
// 250 ms; the publisher and the Kafka output keep their own lock-protected counters, read at snapshot time.

import Synchronization

/// The live counters of one run, readable from any thread.
public final class LiveStats: Sendable {
    private let capturePart = Mutex(RunSummary())
    private let readers = Mutex<
        (publish: (@Sendable () -> PublishCounters)?, delivery: (@Sendable () -> DeliveryCounters?)?)
    >((nil, nil))
    /// Monotonic seconds when the stats were created (the agent's start).
    public let startUptime: Double

    public init(startUptime: Double) { self.startUptime = startUptime }

    /// Called by the capture thread with the packet path's counters.
    func publishCapture(_ update: (inout RunSummary) -> Void) {
        capturePart.withLock { update(&$0) }
    }

    /// Connects the publisher's and the output's counters.
    func connect(
        publish: @escaping @Sendable () -> PublishCounters, delivery: @escaping @Sendable () -> DeliveryCounters?
    ) {
        readers.withLock { $0 = (publish, delivery) }
    }

    /// Everything counted so far.
    public func snapshot(nowUptime: Double) -> RunSummary {
        var s = capturePart.withLock { $0 }
        let (publish, delivery) = readers.withLock { $0 }
        if let publish { s.publish = publish() }
        if let delivery { s.delivery = delivery() }
        s.elapsedSeconds = nowUptime - startUptime
        return s
    }
}
