// The publish path: takes batches from the queue, applies the fields Beats' pipeline adds, runs the processors,
// encodes the events and writes them to the output.
//
// Several workers (one per core, at most four) do this at once: each takes the next batch, prepares and encodes
// it on its own, and hands it to the writer, a thread of its own that writes the batches one at a time in the
// order they were queued, as with one worker. Preparing and encoding are most of the CPU; writing is a copy
// (console, file) or an append to the spool (Kafka), which waits for the disk (fdatasync, and the page cache's
// copy). With the writes on their own thread the workers go on encoding meanwhile: when workers took turns to
// write, a worker waiting for the disk held up the other, and the CPU sat idle. At most twice `workers` encoded
// batches wait for the writer, so memory stays bounded.
//
// Order per event (reference/libbeat.md §4.1): nulls removed unless the client keeps them; global `tags`
// then the client's `tags` appended to `tags`; global `fields` (under `fields` or at the root), then the
// client's `fields` merged on top; the client's processors; builtins (`agent.*`, `ecs.version`, `host.name`)
// only where absent; the global processors. A processor that drops the event ends it there (counted as
// filtered); one that fails is counted and logged at debug level, and the event goes on, as in Beats.

import DissectorRegistry
import Events
import Flows
import TLSAnalysis
import Foundation
import Logging
import Outputs
import Processors

/// What the pipeline adds to, and runs on, the events of one client (flows, or one protocol); for the global
/// layer, `processors` are the global processors.
public struct ClientProcessing: Sendable {
    public var tags: [String]
    public var fields: Fields
    public var fieldsUnderRoot: Bool
    public var keepNull: Bool
    /// `index:` of the client, published as `@metadata.raw_index`.
    public var index: String?
    /// The client's `processors`.
    public var processors: ProcessorChain

    public init(
        tags: [String] = [], fields: Fields = Fields(), fieldsUnderRoot: Bool = false, keepNull: Bool = false,
        index: String? = nil, processors: ProcessorChain = ProcessorChain()
    ) {
        self.tags = tags
        self.fields = fields
        self.fieldsUnderRoot = fieldsUnderRoot
        self.keepNull = keepNull
        self.index = index
        self.processors = processors
    }
}

extension ClientProcessing {
    /// This layer with its fields and processors in storage of its own (`PublishSettings.unshared`).
    func unshared() -> ClientProcessing {
        var copy = self
        copy.fields = fields.unshared()
        copy.processors = processors.unshared()
        return copy
    }
}

/// Everything the publisher applies, fixed at start-up.
public struct PublishSettings: Sendable {
    /// Per client index (as tagged in `EventBatch.clients`).
    public var clients: [ClientProcessing]
    /// Global `tags`, `fields`, `fields_under_root` and `processors`.
    public var global: ClientProcessing
    /// `agent.*`, `ecs.version`, `host.name`, added where absent.
    public var builtins: Fields
    /// Maps flow reports to flow events.
    public var flowMapper: FlowEventMapper

    public init(clients: [ClientProcessing], global: ClientProcessing, builtins: Fields, flowMapper: FlowEventMapper = FlowEventMapper()) {
        self.clients = clients
        self.global = global
        self.builtins = builtins
        self.flowMapper = flowMapper
    }
}

/// Counters of the publish path.
public struct PublishCounters: Sendable, Equatable {
    /// Events taken from the queue.
    public var received = 0
    /// Events the output acknowledged.
    public var acked = 0
    /// Events the output refused for good (encoding failures, oversize lines).
    public var dropped = 0
    /// Events lost because the output failed and could not be retried before shutdown.
    public var failed = 0
    /// Batches written.
    public var batches = 0
    /// Events a processor dropped (Beats' `pipeline.events.filtered`).
    public var filtered = 0
    /// Processor failures; the events went on.
    public var processorFailures = 0
}

/// Runs the publish workers.
public final class Publisher: @unchecked Sendable {
    let queue: BatchQueue
    let output: any Output
    let settings: PublishSettings
    let logger: Logger
    /// Number of workers preparing and encoding batches at once.
    public let workers: Int
    private let lock = NSLock()
    private var _counters = PublishCounters()
    private var _outputClosed = false
    /// After this point in time (monotonic seconds) failed writes are not retried.
    private var retryDeadline: Double = .infinity
    /// Encoded batches waiting for the writer, by batch number, and the number of the batch it writes next.
    private let turn = NSCondition()
    private var ready: [UInt64: Prepared] = [:]
    private var nextToWrite: UInt64 = 0
    private var workersDone = false

    /// A batch prepared and encoded by a worker.
    struct Prepared {
        var encoded: EncodedBatch
        var events: Int
        var processed: ProcessorCounters
    }

    /// One worker per core, at most four: the packet path has a core of its own on larger machines, and the
    /// writer thread, which writes one batch at a time, bounds what more workers could add.
    public static var defaultWorkers: Int { min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    public init(
        queue: BatchQueue, output: any Output, settings: PublishSettings, logger: Logger,
        workers: Int = Publisher.defaultWorkers
    ) {
        self.queue = queue
        self.output = output
        self.settings = settings
        self.logger = logger
        self.workers = max(1, workers)
    }

    /// A snapshot of the counters.
    public var counters: PublishCounters {
        lock.lock()
        defer { lock.unlock() }
        return _counters
    }

    /// True when the output failed permanently (e.g. standard output was closed); capture should stop.
    public var outputClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return _outputClosed
    }

    /// Stops retrying failed writes after `seconds` from now (shutdown_timeout).
    public func setRetryDeadline(secondsFromNow seconds: Double) {
        lock.lock()
        retryDeadline = ProcessInfo.processInfo.systemUptime + seconds
        lock.unlock()
    }

    /// Publishes until the queue is closed and drained, then closes the output.
    public func run() {
        let writer = DispatchGroup()
        Self.start("wirebeat-write", in: writer) { [self] in writeInOrder() }
        let group = DispatchGroup()
        for index in 1..<workers {
            Self.start("wirebeat-publish-\(index)", in: group) { [self] in work() }
        }
        work()
        group.wait()
        turn.lock()
        workersDone = true
        turn.broadcast()
        turn.unlock()
        writer.wait()
        do {
            try output.close()
        } catch {
            logger.error("closing the \(output.typeName) output failed: \(error)")
        }
    }

    /// Runs `body` on a new thread named `name`, in `group` until it returns.
    private static func start(_ name: String, in group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = name
        thread.start()
    }

    /// One worker: takes, prepares and encodes batches, and hands each to the writer.
    func work() {
        // What repeats across this worker's TLS events (certificates, fingerprints) and flow events (MACs),
        // computed once.
        let cache = TLSEventCache()
        let flowCache = FlowEventCache()
        let settings = self.settings.unshared()
        while true {
            guard let (number, batch) = queue.takeNumbered(timeout: 0.5) else {
                if queue.isDrained { break }
                continue
            }
            let (encoded, events, processed) = prepareAndEncode(
                batch, settings: settings, cache: cache, flowCache: flowCache)
            turn.lock()
            // Up to twice `workers` batches wait for the writer; the one it needs next is always let in.
            while number >= nextToWrite + UInt64(2 * workers) { turn.wait() }
            ready[number] = Prepared(encoded: encoded, events: events, processed: processed)
            turn.broadcast()
            turn.unlock()
        }
    }

    /// The writer: writes the encoded batches in their queue order until the workers are done and it has
    /// written everything they handed over.
    func writeInOrder() {
        while true {
            turn.lock()
            while ready[nextToWrite] == nil && !(workersDone && ready.isEmpty) { turn.wait() }
            guard let next = ready.removeValue(forKey: nextToWrite) else {
                turn.unlock()
                return
            }
            turn.unlock()
            write(next.encoded, events: next.events, processed: next.processed)
            turn.lock()
            nextToWrite += 1
            turn.broadcast()
            turn.unlock()
        }
    }

    /// Events are prepared and encoded this many at a time: a chunk's event trees are still in the core's cache
    /// when the encoder walks them (a whole batch of TLS events is several megabytes, and encoding it after
    /// preparing all of it read every node back from memory).
    static let encodeChunk = 32

    /// The batch prepared (the pipeline's layers and processors applied) and encoded chunk by chunk, the number
    /// of events the processors kept, and what the processors did.
    func prepareAndEncode(
        _ batch: EventBatch, settings: PublishSettings, cache: TLSEventCache, flowCache: FlowEventCache
    ) -> (EncodedBatch, Int, ProcessorCounters) {
        var encoded = EncodedBatch()
        encoded.records.reserveCapacity(batch.count)
        var kept = 0
        var processed = ProcessorCounters()
        var chunk: [Event] = []
        chunk.reserveCapacity(Publisher.encodeChunk)
        func add(_ event: inout Event, client: UInt8, nullFree: Bool = false) {
            guard settings.prepare(&event, client: client, counters: &processed, nullFree: nullFree) else { return }
            chunk.append(event)
            if chunk.count == Publisher.encodeChunk { encodeChunk() }
        }
        func encodeChunk() {
            kept += chunk.count
            encoded.append(output.encode(chunk))
            chunk.removeAll(keepingCapacity: true)
        }
        for i in batch.events.indices {
            var event = batch.events[i]
            add(&event, client: batch.clients[i])
        }
        for pending in batch.reports {
            var event = pending.report.event(cache: cache)
            add(&event, client: pending.client, nullFree: pending.report.eventHoldsNoNulls)
        }
        for report in batch.flowReports {
            var event = settings.flowMapper.event(for: report, cache: flowCache)
            add(&event, client: EventBatcher.flowsClient, nullFree: FlowEventMapper.eventsHoldNoNulls)
        }
        if !chunk.isEmpty { encodeChunk() }
        return (encoded, kept, processed)
    }

    /// Counts a prepared batch and writes it, retrying failed writes until the shutdown deadline.
    func write(_ encoded: EncodedBatch, events count: Int, processed: ProcessorCounters) {
        if let failure = processed.lastFailure {
            logger.debug("Fail to apply processor: \(failure) (\(processed.failures) failures in this batch)")
        }
        lock.lock()
        _counters.received += count + processed.filtered
        _counters.filtered += processed.filtered
        _counters.processorFailures += processed.failures
        let closed = _outputClosed
        lock.unlock()
        if count == 0 { return }
        if closed {
            record(failed: count)
            return
        }
        var delay = 1.0
        while true {
            do {
                let report = try output.write(encoded)
                lock.lock()
                _counters.acked += report.acked
                _counters.dropped += report.dropped
                _counters.batches += 1
                lock.unlock()
                return
            } catch {
                if error.isPermanent {
                    logger.error("\(output.typeName) output closed: \(error.message); stopping")
                    lock.lock()
                    _outputClosed = true
                    lock.unlock()
                    record(failed: count)
                    return
                }
                lock.lock()
                let deadline = retryDeadline
                lock.unlock()
                if ProcessInfo.processInfo.systemUptime + delay > deadline {
                    logger.error("\(output.typeName) output failed: \(error.message); \(count) events lost at shutdown")
                    record(failed: count)
                    return
                }
                logger.warning("\(output.typeName) output failed: \(error.message); retrying in \(delay) s")
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 30)
            }
        }
    }

    func record(failed n: Int) {
        lock.lock()
        _counters.failed += n
        lock.unlock()
    }
}

extension PublishSettings {
    /// These settings with the fields they add to every event (`fields`, and `agent`, `ecs`, `host`) and their
    /// processors in storage of their own: one copy per publish worker (see `FieldValue.unshared`).
    func unshared() -> PublishSettings {
        var copy = self
        copy.builtins = builtins.unshared()
        copy.global = global.unshared()
        copy.clients = clients.map { $0.unshared() }
        return copy
    }

    /// Applies the pipeline's layers and processors to an event of `client` in Beats' order; false when a
    /// processor dropped it. `nullFree` says the event's builder never writes a null, so the null removal has
    /// nothing to find and skips its walk of the whole tree (flow events, most of a busy link's events).
    public func prepare(
        _ event: inout Event, client: UInt8, counters: inout ProcessorCounters, nullFree: Bool = false
    ) -> Bool {
        let client = Int(client) < clients.count ? clients[Int(client)] : ClientProcessing()
        if !client.keepNull && !nullFree { event.fields.removeNulls() }
        if let index = client.index { event.metadata["raw_index"] = .string(index) }
        if !global.tags.isEmpty || !client.tags.isEmpty {
            var existing: [FieldValue] = []
            if case .array(let items)? = event.fields["tags"] { existing = items }
            event.fields["tags"] = .array(existing + (global.tags + client.tags).map { .string($0) })
        }
        // Global fields first, the client's on top (no per-event array of the two layers).
        Self.addFields(of: global, to: &event)
        Self.addFields(of: client, to: &event)
        if !client.processors.isEmpty && !client.processors.run(&event, counters: &counters) { return false }
        event.fields.merge(builtins, overwrite: false)
        return global.processors.isEmpty || global.processors.run(&event, counters: &counters)
    }

    /// Adds a layer's `fields`, at the root or under `fields`, overwriting what the event has.
    static func addFields(of layer: ClientProcessing, to event: inout Event) {
        guard !layer.fields.isEmpty else { return }
        if layer.fieldsUnderRoot {
            event.fields.merge(layer.fields, overwrite: true)
        } else {
            var f = event.fields["fields"]?.object ?? Fields()
            f.merge(layer.fields, overwrite: true)
            event.fields["fields"] = .object(f)
        }
    }
}
