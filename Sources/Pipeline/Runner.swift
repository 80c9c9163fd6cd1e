// Runs a capture from start to summary: opens the sources, drives the packet path on this thread and the
// publisher on another, paces file replays, loops them, reacts to SIGINT/SIGTERM, and drains on the way out.

import Capture
import DissectorRegistry
import Events
import Flows
import Foundation
import Logging
import NetModel
import Outputs
import PacketDecoding
import Synchronization

/// What to capture and how to process it, built from the configuration and the command line.
public struct RunPlan: Sendable {
    /// Where packets come from.
    public enum Source: Sendable, Equatable {
        /// Replay a pcap/pcapng file `loops` times (0 = forever); `topspeed` disables pacing.
        case file(path: String, loops: Int, topspeed: Bool, bpfFilter: String)
        /// Capture live on every listed device at once: one capture thread and one packet path (decoder,
        /// flow table, TCP state) per device, as Packetbeat runs one sniffer per interface.
        case live([LiveCaptureOptions])
    }

    public var source: Source
    public var flows: FlowTableSettings?
    /// The stream protocols to dissect.
    public var dissectors: DissectorSettings? = nil
    public var decoderLimits: DecoderLimits
    /// `queue.mem.events`.
    public var queueCapacity: Int
    public var publish: PublishSettings
    /// `packetbeat.shutdown_timeout` in seconds: how long failed writes are retried while stopping.
    public var shutdownTimeout: Double
    /// Settings this build accepts but does not act on yet, explained for the log (never silent).
    public var warnings: [String] = []
    /// `run_as_user`: applied once every source is open, before the first packet is read.
    public var runAs: PrivilegeDrop? = nil

    public init(
        source: Source, flows: FlowTableSettings?, decoderLimits: DecoderLimits = .standard, queueCapacity: Int,
        publish: PublishSettings, shutdownTimeout: Double
    ) {
        self.source = source
        self.flows = flows
        self.decoderLimits = decoderLimits
        self.queueCapacity = queueCapacity
        self.publish = publish
        self.shutdownTimeout = shutdownTimeout
    }
}

/// What a run did, for the summary line and for tests.
public struct RunSummary: Sendable {
    public var packets = 0
    public var bytes = 0
    public var eventsProduced = 0
    public var eventsDroppedAtQueue = 0
    /// Events in the packet path's backlog, waiting for room in the queue.
    public var eventsBacklogged = 0
    public var publish = PublishCounters()
    /// The Kafka output's delivery and spool counters; nil for the other outputs.
    public var delivery: DeliveryCounters? = nil
    public var decode = DecodeCounters()
    public var flows = FlowCounters()
    /// The dissectors' counters (TLS events, connections detected by content).
    public var dissectors = DissectorCounters()
    public var capture: CaptureStats? = nil
    public var elapsedSeconds = 0.0
    /// True when the run stopped on a signal rather than at the end of the input.
    public var interrupted = false

    public init() {}

    /// Packets per second of wall time.
    public var packetsPerSecond: Double { elapsedSeconds > 0 ? Double(packets) / elapsedSeconds : 0 }

    /// Anomalies: frames the decoder could not use.
    public var anomalies: Int { decode.truncated + decode.malformed + decode.unsupportedLinkType }

    /// The one-line summary printed to standard error at the end of a run.
    public var line: String {
        var s = "wirebeat: \(packets) packets, \(bytes) bytes, \(delivery?.acked ?? publish.acked) events published"
        if let d = delivery {
            s +=
                " to Kafka (\(d.produced) produced, \(d.retried) retried, \(d.failed) failed, \(d.droppedTotal) dropped"
            for reason in DropReason.allCases {
                if let n = d.dropped[reason], n > 0 { s += " \(reason.rawValue)=\(n)" }
            }
            s += String(format: ", latency mean %.1f ms max %.1f ms", d.latencyMeanMs, d.latencyMaxMs)
            s +=
                "; spool \(d.spool.pendingEntries) pending, \(d.spool.recovered) recovered, \(d.spool.corruptFrames) corrupt"
            s += ", \(d.spool.droppedFull) dropped full, \(d.spool.writeErrors) write errors)"
            if eventsDroppedAtQueue > 0 { s += " (\(eventsDroppedAtQueue) dropped at a full queue)" }
        } else if publish.dropped + publish.failed + eventsDroppedAtQueue > 0 {
            s +=
                " (\(publish.dropped) dropped, \(publish.failed) failed, \(eventsDroppedAtQueue) dropped at a full queue)"
        }
        if publish.filtered > 0 { s += ", \(publish.filtered) dropped by processors" }
        if publish.processorFailures > 0 { s += ", \(publish.processorFailures) processor failures" }
        s += ", \(anomalies) anomalies (\(decode.truncated) truncated, \(decode.malformed) malformed"
        if decode.unsupportedLinkType > 0 { s += ", \(decode.unsupportedLinkType) unsupported link type" }
        s += ")"
        s += ", \(flows.created) flows"
        if flows.evicted > 0 { s += " (\(flows.evicted) evicted)" }
        if let c = capture {
            s += ", capture dropped \(c.droppedByKernel) in kernel, \(c.droppedByInterface) by interface"
        }
        s += String(format: ", %.3f s, %.0f packets/s", elapsedSeconds, packetsPerSecond)
        if interrupted { s += " (interrupted)" }
        return s
    }
}

/// Drives one run. Unchecked: its properties are set once in `init`; `stats` and `parts` are lock-protected,
/// and each capture thread owns its own handle and packet path.
public final class Runner: @unchecked Sendable {
    let plan: RunPlan
    let output: any Output
    let logger: Logger
    /// The counters while the run goes on (the monitoring endpoint and the metrics log read them).
    public let stats: LiveStats
    /// The counters of each source's packet path, summed into `stats`.
    private let parts = Mutex<[RunSummary]>([])

    public init(plan: RunPlan, output: any Output, logger: Logger) {
        self.plan = plan
        self.output = output
        self.logger = logger
        stats = LiveStats(startUptime: ProcessInfo.processInfo.systemUptime)
    }

    /// Copies the packet path's counters (and the live capture's statistics) of source `index` to `stats`,
    /// which holds the sum over all sources.
    func publishStats(_ path: PacketPath, source: PcapHandle?, index: Int = 0) {
        let capture = source?.stats()
        parts.withLock { parts in
            while parts.count <= index { parts.append(RunSummary()) }
            Self.copy(path, into: &parts[index])
            if let capture { parts[index].capture = capture }
            let total = Self.sum(parts)
            stats.publishCapture { s in
                Self.copyCaptureCounters(total, into: &s)
            }
        }
    }

    /// The capture-side counters of several sources added up.
    static func sum(_ parts: [RunSummary]) -> RunSummary {
        var total = RunSummary()
        for p in parts {
            total.packets += p.packets
            total.bytes += p.bytes
            total.eventsProduced += p.eventsProduced
            total.eventsDroppedAtQueue += p.eventsDroppedAtQueue
            total.eventsBacklogged += p.eventsBacklogged
            add(p.decode, to: &total.decode)
            total.flows.created += p.flows.created
            total.flows.ended += p.flows.ended
            total.flows.evicted += p.flows.evicted
            total.flows.reports += p.flows.reports
            total.flows.packets += p.flows.packets
            total.flows.skipped += p.flows.skipped
            total.dissectors.byPort += p.dissectors.byPort
            total.dissectors.probed += p.dissectors.probed
            total.dissectors.detected += p.dissectors.detected
            total.dissectors.upgraded += p.dissectors.upgraded
            total.dissectors.events += p.dissectors.events
            if let c = p.capture {
                var t = total.capture ?? CaptureStats(received: 0, droppedByKernel: 0, droppedByInterface: 0)
                t.received += c.received
                t.droppedByKernel += c.droppedByKernel
                t.droppedByInterface += c.droppedByInterface
                total.capture = t
            }
        }
        return total
    }

    static func add(_ d: DecodeCounters, to t: inout DecodeCounters) {
        t.frames += d.frames
        t.nonIP += d.nonIP
        t.truncated += d.truncated
        t.payloadTruncated += d.payloadTruncated
        t.malformed += d.malformed
        t.unsupportedLinkType += d.unsupportedLinkType
        t.fragmentsReceived += d.fragmentsReceived
        t.datagramsReassembled += d.datagramsReassembled
        t.fragmentSetsExpired += d.fragmentSetsExpired
        t.fragmentSetsEvicted += d.fragmentSetsEvicted
        t.fragmentOverlaps += d.fragmentOverlaps
        for i in 0..<DecodeAnomaly.capacity {
            let a = DecodeAnomaly(rawValue: UInt8(i))
            t.anomalies[a] += d.anomalies[a]
        }
    }

    /// Copies the counters the capture threads own from `from` to `s`.
    static func copyCaptureCounters(_ from: RunSummary, into s: inout RunSummary) {
        s.packets = from.packets
        s.bytes = from.bytes
        s.eventsProduced = from.eventsProduced
        s.eventsDroppedAtQueue = from.eventsDroppedAtQueue
        s.eventsBacklogged = from.eventsBacklogged
        s.decode = from.decode
        s.flows = from.flows
        s.dissectors = from.dissectors
        if let c = from.capture { s.capture = c }
    }

    static func copy(_ p: PacketPath, into s: inout RunSummary) {
        s.packets = p.counters.packets
        s.bytes = p.counters.bytes
        s.eventsProduced = p.counters.events
        s.eventsDroppedAtQueue = p.counters.eventsDropped
        s.eventsBacklogged = p.counters.eventsBacklogged
        s.decode = p.decodeCounters
        s.flows = p.flowCounters
        s.dissectors = p.dissectorCounters
    }

    /// Opens the sources (failing before anything is published), switches to `run_as_user`, runs to the
    /// end, and summarises.
    public func run() throws(CaptureError) -> RunSummary {
        let start = ProcessInfo.processInfo.systemUptime
        let queue = BatchQueue(capacity: plan.queueCapacity)
        let publisher = Publisher(queue: queue, output: output, settings: plan.publish, logger: logger)
        let kafka = output as? KafkaSpoolOutput
        stats.connect(publish: { publisher.counters }, delivery: { kafka?.counters })
        var summary = RunSummary()

        // Open everything first, so a bad file or device fails fast, and every handle is open before the
        // switch to run_as_user.
        var file: CaptureFile? = nil
        var firstFile: PcapHandle? = nil
        var live: [PcapHandle] = []
        switch plan.source {
        case .file(let path, _, _, _):
            let f = try CaptureFile(path: path)
            file = f
            firstFile = try openFile(f, loopIndex: 0)
        case .live(let all):
            for options in all {
                do {
                    live.append(try openLive(options))
                } catch {
                    for h in live { h.close() }
                    throw error
                }
            }
        }
        if let drop = plan.runAs {
            do {
                try drop.apply(logger: logger)
            } catch {
                firstFile?.close()
                for h in live { h.close() }
                throw CaptureError(error.message)
            }
        }
        StopSignal.install()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            publisher.run()
            done.signal()
        }
        thread.name = "wirebeat-publish"
        thread.start()

        switch plan.source {
        case .file(_, let loops, let topspeed, _):
            guard let file, let firstFile else { break }
            var lastTime = Timestamp.zero
            var loopIndex = 0
            var shift: Int64 = 0
            var source: PcapHandle? = firstFile
            var p = PacketPath(
                linkType: firstFile.linkType, decoderLimits: plan.decoderLimits, flowSettings: plan.flows,
                dissectors: plan.dissectors, queue: queue, blockWhenFull: true)
            do {
                while let src = source {
                    let (first, last) = replay(src, into: &p, shift: shift, topspeed: topspeed, publisher: publisher)
                    src.close()
                    if let last { lastTime = max(lastTime, last) }
                    loopIndex += 1
                    if StopSignal.requested || publisher.outputClosed { break }
                    if loops != 0 && loopIndex >= loops { break }
                    // Shift later loops so capture time keeps moving forward and flows stay meaningful.
                    if let first, let last { shift += (last - first).nanoseconds + 1_000_000 } else { break }
                    source = try openFile(file, loopIndex: loopIndex)
                }
            } catch {
                // A failed re-open ends the replay like the end of the file; the flows seen are still flushed.
                logger.error("\(error)")
            }
            file.close()
            p.finish(at: lastTime)
            publishStats(p, source: nil)
        case .live:
            if live.count == 1 {
                captureAll(live[0], index: 0, queue: queue, publisher: publisher)
            } else {
                let group = DispatchGroup()
                for (index, handle) in live.enumerated() {
                    nonisolated(unsafe) let h = handle
                    group.enter()
                    let worker = Thread { [self] in
                        captureAll(h, index: index, queue: queue, publisher: publisher)
                        group.leave()
                    }
                    worker.name = "wirebeat-capture-\(index)"
                    worker.start()
                }
                group.wait()
            }
        }

        Self.copyCaptureCounters(parts.withLock { Self.sum($0) }, into: &summary)
        queue.close()
        publisher.setRetryDeadline(secondsFromNow: plan.shutdownTimeout)
        done.wait()
        summary.publish = publisher.counters
        summary.delivery = kafka?.counters
        summary.interrupted = StopSignal.requested
        summary.elapsedSeconds = ProcessInfo.processInfo.systemUptime - start
        return summary
    }

    /// Captures on one live source until stopped, flushes its packet path, and records its final counters
    /// (with the source's kernel statistics) as part `index`.
    func captureAll(_ handle: PcapHandle, index: Int, queue: BatchQueue, publisher: Publisher) {
        var p = PacketPath(
            linkType: handle.linkType, decoderLimits: plan.decoderLimits, flowSettings: plan.flows,
            dissectors: plan.dissectors, queue: queue, blockWhenFull: false)
        let lastTime = capture(handle, into: &p, publisher: publisher, index: index)
        p.finish(at: lastTime)
        publishStats(p, source: handle, index: index)
        handle.close()
    }

    /// Opens (or re-opens, for a later loop) the replayed file and installs its filter.
    func openFile(_ file: CaptureFile, loopIndex: Int) throws(CaptureError) -> PcapHandle {
        guard case .file(let path, _, _, let filter) = plan.source else { throw CaptureError("not a file replay") }
        let h = try file.handle()
        if !filter.isEmpty { try h.setFilter(filter) }
        if loopIndex == 0 {
            logger.info("replaying \(path) (link type \(PcapHandle.linkTypeName(h.linkType)))")
        }
        return h
    }

    /// Opens one live device.
    func openLive(_ options: LiveCaptureOptions) throws(CaptureError) -> PcapHandle {
        let h = try PcapHandle.openLive(options)
        logger.info(
            "capturing on \(options.device) (link type \(PcapHandle.linkTypeName(h.linkType)), filter \"\(options.bpfFilter)\")"
        )
        return h
    }

    /// Replays one pass of a file; returns the first and last (shifted) timestamps seen.
    func replay(_ src: PcapHandle, into path: inout PacketPath, shift: Int64, topspeed: Bool, publisher: Publisher)
        -> (Timestamp?, Timestamp?)
    {
        var first: Timestamp? = nil
        var last: Timestamp? = nil
        var pacer = Pacer()
        var n = 0
        var lastStats = ProcessInfo.processInfo.systemUptime
        if StopSignal.requested { return (nil, nil) }
        loop: while true {
            switch src.next() {
            case .packet(let frame):
                let ts = Timestamp(nanoseconds: frame.timestamp.nanoseconds &+ shift)
                if first == nil { first = ts }
                if !topspeed { pacer.wait(until: ts) }
                path.process(frame, timestamp: ts)
                last = ts
                n &+= 1
                // A relaxed atomic load per packet is cheap; the output check takes a lock, so it is sampled
                // (on every packet of a paced replay, which sleeps between packets anyway).
                if StopSignal.requested { break loop }
                if n & 1023 == 0 || !topspeed {
                    if publisher.outputClosed { break loop }
                    let wall = ProcessInfo.processInfo.systemUptime
                    if wall - lastStats >= 0.25 {
                        publishStats(path, source: nil)
                        lastStats = wall
                    }
                }
            case .timeout:
                continue
            case .endOfFile:
                break loop
            case .error(let message):
                logger.error("reading capture file failed: \(message)")
                break loop
            }
        }
        return (first, last)
    }

    /// Captures live until a signal or a closed output; returns the last capture time.
    func capture(_ src: PcapHandle, into path: inout PacketPath, publisher: Publisher, index: Int = 0) -> Timestamp {
        var last = Timestamp.zero
        var lastHandOver = ProcessInfo.processInfo.systemUptime
        while !StopSignal.requested && !publisher.outputClosed {
            switch src.next() {
            case .packet(let frame):
                last = max(last, frame.timestamp)
                path.process(frame, timestamp: frame.timestamp)
            case .timeout:
                let now = Pacer.wallClock()
                last = max(last, now)
                path.advance(to: now)
            case .endOfFile:
                return max(last, Pacer.wallClock())
            case .error(let message):
                logger.error("capture failed: \(message)")
                return max(last, Pacer.wallClock())
            }
            let wall = ProcessInfo.processInfo.systemUptime
            if wall - lastHandOver >= 0.25 {
                path.handOver()
                publishStats(path, source: src, index: index)
                lastHandOver = wall
            }
        }
        return max(last, Pacer.wallClock())
    }
}

/// Keeps a replay at the recorded pace: a packet is processed no earlier than its offset from the previous
/// one — except that idle gaps longer than `maximumIdleGap` are shortened to it. Every timer in wirebeat
/// (flows, timeouts) runs on capture time, so shortening silence changes no event; it only stops a replay
/// of a mostly idle hour from taking an hour (a deliberate difference from Packetbeat, which sleeps through
/// every gap).
struct Pacer {
    /// The longest pause a replay makes between two packets.
    static let maximumIdleGap = TimeSpan.seconds(1)

    var anchorCapture: Timestamp? = nil
    var anchorWall: Timestamp = .zero
    var lastCapture: Timestamp = .zero

    mutating func wait(until ts: Timestamp) {
        guard let anchor = anchorCapture else {
            anchorCapture = ts
            anchorWall = Pacer.monotonic()
            lastCapture = ts
            return
        }
        let gap = ts - lastCapture
        if gap > Pacer.maximumIdleGap {
            // Move the anchor so the gap counts as maximumIdleGap.
            anchorWall = anchorWall + TimeSpan(nanoseconds: Pacer.maximumIdleGap.nanoseconds - gap.nanoseconds)
        }
        if ts > lastCapture { lastCapture = ts }
        let due = anchorWall + (ts - anchor)
        let now = Pacer.monotonic()
        let delay = (due - now).nanoseconds
        if delay > 1_000_000 {
            var req = timespec(tv_sec: Int(delay / 1_000_000_000), tv_nsec: Int(delay % 1_000_000_000))
            var rem = timespec()
            while nanosleep(&req, &rem) != 0 && errno == EINTR && !StopSignal.requested { req = rem }
        }
    }

    static func monotonic() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }

    static func wallClock() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }
}
