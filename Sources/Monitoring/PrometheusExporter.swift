// `/metrics`: the agent's counters in the Prometheus text format, through swift-metrics with
// swift-prometheus as its backend. The packet path never calls swift-metrics: each scrape takes a snapshot
// and moves the metrics to it (counters by the increase since the last scrape, gauges to the value), then
// renders the registry. The factory is passed explicitly rather than bootstrapped globally, so every
// exporter (one per run, one per test) has its own registry.

import CoreMetrics
import Foundation
import Pipeline
import Prometheus
import Synchronization

/// Keeps swift-metrics counters and gauges in step with snapshots and renders them.
public final class PrometheusExporter: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let state = Mutex<[String: (counter: CoreMetrics.Counter?, gauge: CoreMetrics.Gauge?, last: Int)]>([:])

    public init() { factory = PrometheusMetricsFactory(registry: registry) }

    /// One metric: name, labels, value, and whether it only grows.
    struct Sample {
        var name: String
        var labels: [(String, String)] = []
        var value: Double
        var counter: Bool
    }

    static func samples(_ s: RunSummary, process p: ProcessSample) -> [Sample] {
        func c(_ name: String, _ value: Int, _ labels: [(String, String)] = []) -> Sample {
            Sample(name: name, labels: labels, value: Double(value), counter: true)
        }
        func g(_ name: String, _ value: Double, _ labels: [(String, String)] = []) -> Sample {
            Sample(name: name, labels: labels, value: value, counter: false)
        }
        var out = [
            c("wirebeat_capture_packets_total", s.packets),
            c("wirebeat_capture_bytes_total", s.bytes),
            c("wirebeat_capture_kernel_received_total", Int(s.capture?.received ?? 0)),
            c("wirebeat_capture_dropped_total", Int(s.capture?.droppedByKernel ?? 0), [("reason", "kernel")]),
            c("wirebeat_capture_dropped_total", Int(s.capture?.droppedByInterface ?? 0), [("reason", "interface")]),
            c("wirebeat_decode_anomalies_total", s.decode.truncated, [("kind", "truncated")]),
            c("wirebeat_decode_anomalies_total", s.decode.malformed, [("kind", "malformed")]),
            c("wirebeat_decode_anomalies_total", s.decode.unsupportedLinkType, [("kind", "unsupported_link_type")]),
            c("wirebeat_flows_created_total", s.flows.created),
            c("wirebeat_flows_evicted_total", s.flows.evicted),
            g("wirebeat_flows_tracked", Double(max(0, s.flows.created - s.flows.ended))),
            c("wirebeat_events_total", s.flows.reports, [("protocol", "flow")]),
            c("wirebeat_events_total", s.dissectors.events, [("protocol", "tls")]),
            c("wirebeat_pipeline_events_dropped_total", s.eventsDroppedAtQueue, [("reason", "queue_full")]),
            g("wirebeat_pipeline_events_backlogged", Double(s.eventsBacklogged)),
            c("wirebeat_pipeline_events_filtered_total", s.publish.filtered),
            c("wirebeat_output_events_acked_total", s.delivery?.acked ?? s.publish.acked),
            c("wirebeat_output_events_failed_total", s.publish.failed + (s.delivery?.failed ?? 0)),
            c("wirebeat_output_events_dropped_total", s.publish.dropped + (s.delivery?.droppedTotal ?? 0)),
            g("wirebeat_process_resident_memory_bytes", Double(p.rssBytes)),
            c("wirebeat_process_cpu_milliseconds_total", p.userTicksMs + p.systemTicksMs),
            g("wirebeat_process_open_fds", Double(p.openHandles)),
            g("wirebeat_uptime_seconds", s.elapsedSeconds),
        ]
        if let d = s.delivery {
            out += [
                c("wirebeat_kafka_events_produced_total", d.produced),
                c("wirebeat_kafka_events_acked_total", d.acked),
                c("wirebeat_kafka_events_retried_total", d.retried),
                c("wirebeat_kafka_events_failed_total", d.failed),
                g("wirebeat_kafka_delivery_latency_mean_milliseconds", d.latencyMeanMs),
                g("wirebeat_spool_pending_events", Double(d.spool.pendingEntries)),
                g("wirebeat_spool_bytes", Double(d.spool.bytesOnDisk)),
                g("wirebeat_spool_segments", Double(d.spool.segments)),
                c("wirebeat_spool_corrupt_frames_total", d.spool.corruptFrames),
                c("wirebeat_spool_dropped_full_total", d.spool.droppedFull),
                c("wirebeat_spool_write_errors_total", d.spool.writeErrors),
            ]
            for reason in DropReason.allCases {
                out.append(
                    c("wirebeat_kafka_events_dropped_total", d.dropped[reason] ?? 0, [("reason", reason.rawValue)]))
            }
        }
        return out
    }

    /// Moves the metrics to `summary` and renders the registry in the Prometheus text format.
    public func render(_ summary: RunSummary, process: ProcessSample) -> String {
        let samples = Self.samples(summary, process: process)
        state.withLock { state in
            for sample in samples {
                let key = sample.name + sample.labels.map { "|\($0.0)=\($0.1)" }.joined()
                var entry =
                    state[key]
                    ?? (sample.counter
                        ? (CoreMetrics.Counter(label: sample.name, dimensions: sample.labels, factory: factory), nil, 0)
                        : (nil, CoreMetrics.Gauge(label: sample.name, dimensions: sample.labels, factory: factory), 0))
                let value = Int(sample.value)
                if let counter = entry.counter {
                    // Counters only grow; a smaller value (never expected) is not subtracted.
                    if value > entry.last { counter.increment(by: Int64(value - entry.last)) }
                    entry.last = max(entry.last, value)
                } else {
                    entry.gauge?.record(sample.value)
                }
                state[key] = entry
            }
        }
        return registry.emitToString()
    }
}
