// The monitoring documents from hand-made counters: Beats' `/stats` keys and values, wirebeat's own
// namespace, the Prometheus text (counters follow snapshots), and the agent identity taken from the fields
// the pipeline adds to every event.

import Events
import Foundation
import Pipeline
import Testing

@testable import Monitoring

@Suite struct MonitoringTests {
    static let beat = BeatInfo(
        name: "edge-1", hostname: "edge-1.example", uuid: "u-1", ephemeralID: "e-1", version: "8.17.0")

    static func summary(packets: Int) -> RunSummary {
        var s = RunSummary()
        s.packets = packets
        s.bytes = packets * 100
        s.eventsProduced = 40
        s.eventsDroppedAtQueue = 2
        s.publish.filtered = 3
        s.publish.acked = 30
        s.publish.batches = 5
        s.publish.received = 38
        s.flows.created = 10
        s.flows.ended = 4
        s.flows.evicted = 1
        s.flows.reports = 25
        s.dissectors.events = 7
        s.decode.malformed = 2
        s.decode.truncated = 1
        s.elapsedSeconds = 12.5
        return s
    }

    func value(_ document: [String: Any], _ path: String) -> Any? {
        var node: Any? = document
        for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
        return node
    }

    @Test func statsCarryBeatsKeysAndWirebeatCounters() {
        var process = ProcessSample()
        process.userTicksMs = 120
        process.systemTicksMs = 30
        process.rssBytes = 4096
        process.cores = 2
        let d = StatsDocument.stats(
            Self.summary(packets: 500), beat: Self.beat, process: process, outputType: "console")
        #expect(value(d, "libbeat.pipeline.events.total") as? Int == 40)
        #expect(value(d, "libbeat.pipeline.events.published") as? Int == 38)
        #expect(value(d, "libbeat.pipeline.events.failed") as? Int == 2)
        #expect(value(d, "libbeat.pipeline.events.filtered") as? Int == 3)
        #expect(value(d, "libbeat.pipeline.events.active") as? Int == 5)
        #expect(value(d, "libbeat.pipeline.queue.acked") as? Int == 30)
        #expect(value(d, "libbeat.output.type") as? String == "console")
        #expect(value(d, "libbeat.output.events.acked") as? Int == 30)
        #expect(value(d, "beat.cpu.total.ticks") as? Int == 150)
        #expect(value(d, "beat.memstats.rss") as? Int == 4096)
        #expect(value(d, "beat.info.uptime.ms") as? Int == 12_500)
        #expect(value(d, "beat.info.ephemeral_id") as? String == "e-1")
        #expect(value(d, "system.cpu.cores") as? Int == 2)
        #expect(value(d, "wirebeat.capture.packets") as? Int == 500)
        #expect(value(d, "wirebeat.decode.anomalies") as? Int == 3)
        #expect(value(d, "wirebeat.flows.tracked") as? Int == 6)
        #expect(value(d, "wirebeat.events.tls") as? Int == 7)
        #expect(value(d, "wirebeat.events.flow") as? Int == 25)
        #expect(value(d, "wirebeat.kafka") == nil, "no Kafka namespace without the Kafka output")
        let counters = StatsDocument.counters(d)
        #expect(counters["libbeat.pipeline.events.total"] == 40)
        #expect(counters["wirebeat.capture.bytes"] == 50_000)
    }

    @Test func eventsInThePacketPathsBacklogAreNotPublishedYet() {
        var s = Self.summary(packets: 500)
        s.eventsBacklogged = 4
        let d = StatsDocument.stats(s, beat: Self.beat, process: ProcessSample(), outputType: "console")
        #expect(value(d, "libbeat.pipeline.events.published") as? Int == 34)
        #expect(value(d, "libbeat.pipeline.events.active") as? Int == 1)
        #expect(value(d, "wirebeat.events.backlog") as? Int == 4)
        let text = PrometheusExporter().render(s, process: ProcessSample())
        #expect(text.contains("# TYPE wirebeat_pipeline_events_backlogged gauge"))
        #expect(text.contains("wirebeat_pipeline_events_backlogged 4.0\n"))
    }

    @Test func prometheusCountersFollowTheSnapshots() {
        let exporter = PrometheusExporter()
        let first = exporter.render(Self.summary(packets: 500), process: ProcessSample())
        #expect(first.contains("# TYPE wirebeat_capture_packets_total counter"))
        #expect(first.contains("wirebeat_capture_packets_total 500\n"))
        #expect(first.contains("wirebeat_events_total{protocol=\"tls\"} 7\n"))
        #expect(first.contains("wirebeat_decode_anomalies_total{kind=\"malformed\"} 2\n"))
        #expect(first.contains("# TYPE wirebeat_flows_tracked gauge"))
        let second = exporter.render(Self.summary(packets: 800), process: ProcessSample())
        #expect(second.contains("wirebeat_capture_packets_total 800\n"), "\(second)")
        #expect(!second.contains("wirebeat_capture_packets_total 1300"))
    }

    @Test func theIdentityIsTheOneEventsCarry() {
        let builtins: Fields = [
            "agent": .object([
                "name": .string("edge-1"), "id": .string("u-1"), "ephemeral_id": .string("e-1"),
                "version": .string("8.17.0"),
            ]),
            "host": .object(["name": .string("edge-1.example")]),
        ]
        #expect(BeatInfo(builtins: builtins) == Self.beat)
        let info = StatsDocument.info(Self.beat)
        #expect(info["beat"] as? String == "packetbeat")
        #expect(info["uuid"] as? String == "u-1")
    }

    @Test func anUnresolvableHostIsRejected() {
        if case .success = MonitoringServer.validate(host: "no-such-host.invalid") {
            Issue.record("an unresolvable host was accepted")
        }
        if case .failure(let e) = MonitoringServer.validate(host: "127.0.0.1") { Issue.record("\(e)") }
        if case .success = MonitoringServer.validate(host: "unix://relative.sock") {
            Issue.record("a relative unix socket path was accepted")
        }
    }

    @Test func theMetricsLogShowsOnlyIncreasesNestedAsBeatsDoes() throws {
        #expect(MetricsLogger.deltas(["a.b": 5, "a.c": 1], since: ["a.b": 5, "a.c": 1]) == nil)
        let line = try #require(MetricsLogger.deltas(["a.b": 7, "a.c": 1, "d": 2], since: ["a.b": 5, "a.c": 1]))
        #expect(line == #"{"monitoring":{"metrics":{"a":{"b":2},"d":2}}}"#)
    }

    @Test func theMetricsJSONIsWhatJSONSerializationWritesForTheNestedDocument() throws {
        let flat = [
            "libbeat.output.events.acked": 3, "libbeat.output.write.bytes": 10, "libbeat.pipeline.events.total": 4,
            "beat.cpu.total.ticks": 1, "a-c": 5, "a.b": 6, "a.b2.c": 8, "q\"x.y\u{1}": 7, "z": -2,
        ]
        var nested: [String: Any] = [:]
        func insert(_ value: Int, _ path: ArraySlice<Substring>, into node: inout [String: Any]) {
            let key = String(path.first!)
            if path.count == 1 {
                node[key] = value
                return
            }
            var child = node[key] as? [String: Any] ?? [:]
            insert(value, path.dropFirst(), into: &child)
            node[key] = child
        }
        for (path, value) in flat { insert(value, path.split(separator: ".")[...], into: &nested) }
        let reference = try JSONSerialization.data(
            withJSONObject: ["monitoring": ["metrics": nested]], options: [.sortedKeys])
        #expect(MetricsLogger.json(flat) == String(decoding: reference, as: UTF8.self))
        #expect(MetricsLogger.json([:]) == #"{"monitoring":{"metrics":{}}}"#)
    }
}
