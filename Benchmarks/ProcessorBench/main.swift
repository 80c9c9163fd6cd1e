// Events per second through the publish path (pipeline fields, processors, JSON encoding) with a chain of
// typical processors, next to the same path without processors, measured in the same run.
//
//   processor-bench [EVENTS] [CONFIG.yml] [CAPTURE...]
//
// The events are the flow and TLS events wirebeat makes from the captures (by default the bundled sample and
// the TLS fixtures), repeated up to EVENTS (default 1,000,000). CONFIG defaults to
// Benchmarks/ProcessorBench/chain.yml. Nothing here gates CI: performance is measured, not asserted.

import Config
import Events
import Foundation
import Logging
import Outputs
import Pipeline
import Processors

/// Collects what the pipeline publishes.
final class Collector: Output, @unchecked Sendable {
    let typeName = "collector"
    private let lock = NSLock()
    private(set) var events: [Event] = []
    func publish(_ events: [Event]) throws(OutputError) -> PublishReport {
        lock.lock()
        self.events += events
        lock.unlock()
        return PublishReport(acked: events.count)
    }
    func flush() throws(OutputError) {}
    func close() throws(OutputError) {}
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("processor-bench: \(message)\n".utf8))
    exit(1)
}

func settings(_ yaml: String, name: String) -> Settings {
    do { return try ConfigLoader.load(yaml: yaml, name: name).settings } catch { fail("\(error)") }
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
var arguments = Array(CommandLine.arguments.dropFirst())
let total = arguments.first.flatMap { Int($0) } ?? 1_000_000
if arguments.first.flatMap({ Int($0) }) != nil { arguments.removeFirst() }
let chainPath =
    arguments.first { $0.hasSuffix(".yml") } ?? root.appendingPathComponent("Benchmarks/ProcessorBench/chain.yml").path
var captures = arguments.filter { !$0.hasSuffix(".yml") }
if captures.isEmpty {
    captures.append(root.appendingPathComponent("Integration/pcaps/sample.pcap").path)
    let fixtures = root.appendingPathComponent("Tests/Protocols/TLSTests/Fixtures/pcaps")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
    captures += names.filter { $0.hasSuffix(".pcap") }.sorted().map { fixtures.appendingPathComponent($0).path }
}

let common = """
    packetbeat.interfaces.device: any
    packetbeat.flows: {timeout: 30s, period: -1}
    output.console.enabled: true
    path.data: \(FileManager.default.temporaryDirectory.path)/wirebeat-processor-bench

    """
let baseline = settings(common + "packetbeat.protocols:\n- type: tls\n  ports: [443, 8443, 4433, 4443]\n", name: "baseline")
guard let chainYAML = try? String(contentsOfFile: chainPath, encoding: .utf8) else { fail("cannot read \(chainPath)") }
let chained = settings(common + chainYAML, name: chainPath)

// The events, as the pipeline publishes them without processors, minus what the pipeline itself adds.
var templates: [(event: Event, client: UInt8)] = []
let basePlan: RunPlan
do { basePlan = try PlanBuilder.plan(settings: baseline, file: captures[0], topspeed: true, loop: 1, resolveDevices: false) } catch {
    fail(error.message)
}
let tlsClient = basePlan.dissectors?.tlsClient ?? 1
for capture in captures {
    var plan = basePlan
    plan.source = .file(path: capture, loops: 1, topspeed: true, bpfFilter: "")
    let collector = Collector()
    do { _ = try Runner(plan: plan, output: collector, logger: Logger(label: "bench")).run() } catch { fail("\(capture): \(error)") }
    for var event in collector.events {
        for key in ["agent", "ecs", "host", "tags", "fields"] { event.fields[key] = nil }
        templates.append((event, event.fields["type"] == .string("tls") ? tlsClient : 0))
    }
}
guard !templates.isEmpty else { fail("the captures gave no events") }
let tlsCount = templates.filter { $0.client == tlsClient }.count

let chainPlan: RunPlan
do { chainPlan = try PlanBuilder.plan(settings: chained, file: captures[0], topspeed: true, loop: 1, resolveDevices: false) } catch {
    fail(error.message)
}
let processorCount = chainPlan.publish.global.processors.processors.count
    + chainPlan.publish.clients.reduce(0) { $0 + $1.processors.processors.count }

/// A copy of `fields` sharing no object or array storage with it, as a freshly built event shares none with
/// any other: the pipeline's events are uniquely referenced, so processors change them in place.
func fresh(_ fields: Fields) -> Fields {
    var out = Fields(capacity: fields.count)
    fields.forEach { key, value in out.append(key, fresh(value)) }
    return out
}

func fresh(_ value: FieldValue) -> FieldValue {
    switch value {
    case .object(let inner): return .object(fresh(inner))
    case .array(let items): return .array(items.map(fresh))
    default: return value
    }
}

/// Seconds to prepare and encode `total` events with `publish`, and how many were kept. Events are copied
/// fresh in chunks outside the timed part.
@MainActor func measure(_ publish: PublishSettings) -> (seconds: Double, kept: Int, counters: ProcessorCounters) {
    let encoder = JSONEventEncoder(identity: BeatIdentity(version: WirebeatVersion.beatCompatibility))
    var buffer: [UInt8] = []
    buffer.reserveCapacity(16384)
    var counters = ProcessorCounters()
    var kept = 0, bytes = 0
    var seconds = 0.0
    let chunk = 10_000
    var chunkEvents: [(event: Event, client: UInt8)] = []
    chunkEvents.reserveCapacity(chunk)
    for first in stride(from: 0, to: total, by: chunk) {
        chunkEvents.removeAll(keepingCapacity: true)
        for i in first..<min(first + chunk, total) {
            let template = templates[i % templates.count]
            var event = template.event
            event.fields = fresh(event.fields)
            chunkEvents.append((event, template.client))
        }
        let start = ProcessInfo.processInfo.systemUptime
        for i in chunkEvents.indices {
            // Flow and TLS events, built by mappers that write no nulls: the pipeline skips the null removal.
            let client = chunkEvents[i].client
            if publish.prepare(&chunkEvents[i].event, client: client, counters: &counters, nullFree: true) {
                // `encode` appends: one event's JSON at a time, as the outputs' batches reuse their buffers.
                buffer.removeAll(keepingCapacity: true)
                encoder.encode(chunkEvents[i].event, into: &buffer)
                bytes &+= buffer.count
                kept += 1
            }
        }
        seconds += ProcessInfo.processInfo.systemUptime - start
    }
    if bytes == 0 { fail("nothing was encoded") }
    return (seconds, kept, counters)
}

var best: (base: Double, chain: Double) = (.infinity, .infinity)
var last: (kept: Int, counters: ProcessorCounters) = (0, ProcessorCounters())
for _ in 0..<3 {
    best.base = min(best.base, measure(basePlan.publish).seconds)
    let run = measure(chainPlan.publish)
    best.chain = min(best.chain, run.seconds)
    last = (run.kept, run.counters)
}
let baseRate = Double(total) / best.base, chainRate = Double(total) / best.chain
print("processor-bench: \(total) events (\(templates.count) distinct: \(templates.count - tlsCount) flow, \(tlsCount) TLS), best of 3")
print(String(format: "  no processors     : %10.0f events/s", baseRate))
print(String(format: "  %2d processors     : %10.0f events/s  (%d kept, %d filtered, %d processor failures)",
    processorCount, chainRate, last.kept, last.counters.filtered, last.counters.failures))
print(String(format: "  chain cost        : %.1f %% of the baseline rate (target: at most 30 %%)", (1 - chainRate / baseRate) * 100))
if let failure = last.counters.lastFailure { print("  last failure      : \(failure)") }
