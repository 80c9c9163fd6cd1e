// The monitoring endpoint end to end: the agent replays the sample capture at its recorded pace with
// `http.enabled`, and curl fetches `/`, `/stats` and `/metrics` twice while it runs; a bad `http.host` is a
// configuration error.

import Foundation
import TestSupport
import Testing

@Suite struct MonitoringEndpointTests {
    /// A loopback port nothing listens on (bound to port 0, read back, released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func curl(_ url: String) throws -> (status: Int, body: String) {
        let r = try run("/usr/bin/env", ["curl", "-s", "-w", "\n%{http_code}", "--max-time", "10", url], timeout: 30)
        var lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    static func stats(_ body: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    static func value(_ document: [String: Any], _ path: String) -> Any? {
        var node: Any? = document
        for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
        return node
    }

    @Test func theEndpointServesInfoStatsAndMetricsWhileTheAgentRuns() throws {
        #expect(Paths.have("curl"), "curl is not installed (scripts/install-deps installs it)")
        let scratch = try ScratchDirectory()
        let port = Self.freePort()
        let config = try scratch.write(
            "pb.yml",
            """
            output.console.enabled: true
            packetbeat.flows: {timeout: 2s, period: 1s}
            path.data: \(scratch.url.path)/data
            http.enabled: true
            http.port: \(port)
            """)
        // The sample lasts 3.5 s at its recorded pace: 20 loops keep the agent running for about a minute.
        let agent = try RunningProcess(Paths.binary, ["-c", config, "-I", Paths.sample, "-l", "20", "-e"])
        defer { agent.signalAndWait(SIGTERM) }
        let base = "http://127.0.0.1:\(port)"
        #expect(
            agent.waitForStderr("monitoring endpoint listening on 127.0.0.1:\(port)", timeout: 30), "\(agent.stderr)")

        let info = try Self.curl(base + "/")
        #expect(info.status == 200)
        let beat = Self.stats(info.body)
        #expect(beat["beat"] as? String == "packetbeat")
        #expect((beat["uuid"] as? String)?.isEmpty == false)
        let events = agent.stdout.split(separator: "\n").first.map { Self.stats(String($0)) } ?? [:]
        if let agentID = Self.value(events, "agent.id") as? String { #expect(beat["uuid"] as? String == agentID) }

        func packets() throws -> (stats: Int, metrics: Int) {
            let stats = try Self.curl(base + "/stats")
            #expect(stats.status == 200)
            let document = Self.stats(stats.body)
            for key in [
                "beat.info.uptime.ms", "beat.memstats.rss", "libbeat.pipeline.events.total", "libbeat.output.type",
                "libbeat.output.events.acked", "wirebeat.capture.packets", "wirebeat.flows.created",
                "wirebeat.events.flow",
            ] {
                #expect(Self.value(document, key) != nil, "/stats has no \(key)")
            }
            let metrics = try Self.curl(base + "/metrics")
            #expect(metrics.status == 200)
            let line = metrics.body.split(separator: "\n").first { $0.hasPrefix("wirebeat_capture_packets_total ") }
            #expect(metrics.body.contains("# TYPE wirebeat_capture_packets_total counter"))
            return (
                Self.value(document, "wirebeat.capture.packets") as? Int ?? -1,
                Int(line?.split(separator: " ").last ?? "") ?? -1
            )
        }
        let first = try packets()
        Thread.sleep(forTimeInterval: 3)
        let second = try packets()
        #expect(second.stats > first.stats, "packet counter in /stats did not increase: \(first) → \(second)")
        #expect(second.metrics > first.metrics, "packet counter in /metrics did not increase: \(first) → \(second)")
        #expect(first.stats >= 0 && first.metrics >= 0)

        #expect(try Self.curl(base + "/nope").status == 404)
        #expect(try Self.curl(base + "/stats?pretty").body.contains("\n  \""), "?pretty indents")
    }

    @Test func anUnresolvableHostIsAConfigurationError() throws {
        let scratch = try ScratchDirectory()
        let config = try scratch.write(
            "pb.yml", "output.console.enabled: true\nhttp.enabled: true\nhttp.host: no-such-host.invalid\n")
        let test = try run(Paths.binary, ["test", "config", "-c", config])
        #expect(test.status == 1)
        #expect(test.stderr.contains("http.host no-such-host.invalid: cannot be resolved"), "\(test.stderr)")
        let start = try run(Paths.binary, ["-c", config, "-I", Paths.sample, "-t"])
        #expect(start.status == 1)
        #expect(start.stderr.contains("Exiting: http.host no-such-host.invalid"), "\(start.stderr)")
    }
}
