// `logging.metrics`: every `period` (30 s by default), one INFO line "Non-zero metrics in the last 30s" with
// the counters of `/stats` that changed, as increases, nested as Beats nests them under
// `monitoring.metrics`; at the end, "Total metrics" with every non-zero total. Gauges (load, uptime, memory)
// are left out of the deltas: an increase of a gauge means nothing.

import Foundation
import Logging
import Pipeline
import Synchronization

/// The periodic metrics log.
public final class MetricsLogger: Sendable {
    private let source: MonitoringSource
    private let period: Double
    private let logger: Logger
    private let state = Mutex<(last: [String: Int], stopped: Bool)>(([:], false))
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Paths of `/stats` that are gauges or identity, not counters.
    static let gauges: Set<String> = [
        "beat.info.uptime.ms", "beat.memstats.rss", "beat.handles.open", "beat.handles.limit.soft",
        "beat.handles.limit.hard", "system.cpu.cores", "libbeat.pipeline.clients", "libbeat.pipeline.events.active",
        "libbeat.output.events.active", "wirebeat.flows.tracked", "wirebeat.spool.pending", "wirebeat.spool.bytes",
        "wirebeat.spool.segments",
    ]

    /// Starts logging every `period` seconds.
    public init(source: MonitoringSource, period: Double, logger: Logger) {
        self.source = source
        self.period = period
        self.logger = logger
        let thread = Thread { [self] in loop() }
        thread.name = "wirebeat-metrics-log"
        thread.start()
    }

    private func loop() {
        while wake.wait(timeout: .now() + period) == .timedOut {
            if state.withLock({ $0.stopped }) { break }
            let seconds = period == period.rounded() ? String(Int(period)) : String(period)
            let now = current()
            let previous = state.withLock { s in
                defer { s.last = now }
                return s.last
            }
            if let line = Self.deltas(now, since: previous) {
                logger.info("Non-zero metrics in the last \(seconds)s \(line)")
            }
        }
        finished.signal()
    }

    private func current() -> [String: Int] {
        StatsDocument.counters(
            StatsDocument.stats(
                source.snapshot(), beat: source.beat, process: .current(), outputType: source.outputType)
        ).filter { !Self.gauges.contains($0.key) }
    }

    /// The JSON of the non-zero increases from `last` to `now`; nil when nothing changed.
    static func deltas(_ now: [String: Int], since last: [String: Int]) -> String? {
        var changed: [String: Int] = [:]
        for (key, value) in now where value != (last[key] ?? 0) { changed[key] = value - (last[key] ?? 0) }
        return changed.isEmpty ? nil : json(changed)
    }

    /// Flat dotted counters as `{"monitoring":{"metrics":{...nested...}}}`, keys sorted.
    ///
    /// Written directly from the sorted paths: JSONSerialization over `[String: Any]` bridged every level to
    /// NSDictionary and looked up protocol conformances on first use, a tenth of a short run's start-up cost.
    static func json(_ flat: [String: Int]) -> String {
        var out = #"{"monitoring":{"metrics":{"#
        var open: [Substring] = []
        var first = true
        // Sorted level by level, as JSONSerialization's sortedKeys orders each object.
        let paths = flat.map { (parts: $0.key.split(separator: "."), value: $0.value) }
            .sorted { $0.parts.lexicographicallyPrecedes($1.parts) }
        for (parts, value) in paths {
            guard let leaf = parts.last else { continue }
            let parents = parts.dropLast()
            // Close the objects this path leaves, open the ones it enters.
            var shared = 0
            while shared < open.count, shared < parents.count, open[shared] == parents[parents.startIndex + shared] {
                shared += 1
            }
            for _ in shared..<open.count { out += "}" }
            if open.count > shared { first = false }
            open.removeLast(open.count - shared)
            for part in parents.dropFirst(shared) {
                if !first { out += "," }
                out += StatsDocument.jsonString(String(part)) + ":{"
                open.append(part)
                first = true
            }
            if !first { out += "," }
            out += StatsDocument.jsonString(String(leaf)) + ":" + String(value)
            first = false
        }
        for _ in open { out += "}" }
        return out + "}}}"
    }

    /// Stops the periodic lines and logs the totals.
    public func stop() {
        let wasStopped = state.withLock { s in
            defer { s.stopped = true }
            return s.stopped
        }
        guard !wasStopped else { return }
        wake.signal()
        finished.wait()
        let totals = current().filter { $0.value != 0 }
        logger.info("Total metrics \(Self.json(totals))")
    }
}
