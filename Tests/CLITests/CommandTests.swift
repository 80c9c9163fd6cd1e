// The built binary, run as users run it: replay, exit codes, the summary line, test/export config,
// version, devices, pacing, looping, signals and the file output.

import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CommandTests {
    static let baseConfig = """
        packetbeat.interfaces.device: any
        packetbeat.flows: {timeout: 30s, period: 10s}
        packetbeat.protocols:
        - type: tls
          ports: [443, 8443]
        output.console.enabled: true
        """

    func config(_ scratch: ScratchDirectory, _ extra: String = "") throws -> String {
        try scratch.write("pb.yml", Self.baseConfig + "\npath.data: \(scratch.url.path)/data\n" + extra)
    }

    @Test func replayPrintsFlowEventsAndASummaryThenExitsZero() throws {
        let scratch = try ScratchDirectory()
        let r = try run(Paths.binary, ["-c", try config(scratch), "-I", Paths.sample, "-t"])
        #expect(r.status == 0, "\(r.stderr)")
        let evs = try events(r.stdout)
        #expect(evs.count >= 10)
        #expect(evs.allSatisfy { $0["@metadata.beat"] as? String == "packetbeat" })
        // The sample holds two TLS handshakes (TLS 1.3 and TLS 1.2 on port 443); everything else is a flow.
        let tls = evs.filter { $0["type"] as? String == "tls" }
        #expect(Set(tls.compactMap { $0["tls.version"] as? String }) == ["1.2", "1.3"])
        #expect(evs.filter { $0["type"] as? String == "flow" }.count == evs.count - tls.count)
        #expect(evs.contains { $0["network.transport"] as? String == "udp" && $0["destination.port"] as? Int == 5353 })
        #expect(evs.contains { $0["network.type"] as? String == "ipv6" && $0["network.transport"] as? String == "tcp" })
        #expect(evs.allSatisfy { ($0["network.community_id"] as? String)?.hasPrefix("1:") == true })
        let summary = try #require(r.stderr.split(separator: "\n").last { $0.hasPrefix("wirebeat: ") })
        #expect(summary.contains("110 packets"))
        #expect(summary.contains("\(evs.count) events published"))
        #expect(summary.contains("0 anomalies"))
        #expect(summary.contains("packets/s"))
    }

    @Test func theAgentIdentityPersistsInTheDataPath() throws {
        let scratch = try ScratchDirectory()
        let cfg = try config(scratch)
        let a = try events(try run(Paths.binary, ["-c", cfg, "-I", Paths.sample, "-t"]).stdout)
        let b = try events(try run(Paths.binary, ["-c", cfg, "-I", Paths.sample, "-t"]).stdout)
        let idA = try #require(a.first?["agent.id"] as? String), idB = try #require(b.first?["agent.id"] as? String)
        #expect(idA == idB)
        #expect(a.first?["agent.ephemeral_id"] as? String != b.first?["agent.ephemeral_id"] as? String)
        #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("data/meta.json").path))
    }

    @Test func loopingReplaysTheFileAgainWithTimeMovingForward() throws {
        let scratch = try ScratchDirectory()
        let once = try run(Paths.binary, ["-c", try config(scratch), "-I", Paths.sample, "-t"])
        let thrice = try run(Paths.binary, ["-c", try config(scratch), "-I", Paths.sample, "-t", "-l", "3"])
        #expect(thrice.status == 0)
        #expect(thrice.stderr.contains("330 packets"))
        let packets = { (r: Run) throws -> Int in
            try events(r.stdout).filter { $0["flow.final"] as? Bool == true }.reduce(0) { $0 + (($1["network.packets"] as? Int) ?? 0) }
        }
        #expect(try packets(thrice) == 3 * (try packets(once)))
    }

    @Test func withoutTopspeedTheReplayKeepsTheRecordedPacing() throws {
        let scratch = try ScratchDirectory()
        let start = Date()
        let r = try run(Paths.binary, ["-c", try config(scratch), "-I", Paths.sample])
        let elapsed = Date().timeIntervalSince(start)
        #expect(r.status == 0)
        // The sample spans about 3.4 s of capture time; pacing can only make the run longer than that.
        #expect(elapsed >= 2.5, "a paced replay of a 3.4 s capture finished in \(elapsed) s")
    }

    @Test func sigintDuringAPacedReplayFlushesFlowsAndExitsZero() throws {
        let scratch = try ScratchDirectory()
        let p = try RunningProcess(Paths.binary, ["-c", try config(scratch), "-I", Paths.sample])
        Thread.sleep(forTimeInterval: 2.7)  // past the HTTP and TLS connections, before the ICMPv6 tail
        let status = p.signalAndWait(SIGINT)
        #expect(status == 0, "\(p.stderr)")
        #expect(p.stderr.contains("(interrupted)"))
        #expect(!p.stderr.contains("110 packets"))
        let evs = try events(p.stdout)
        #expect(!evs.isEmpty)
        let flows = evs.filter { $0["type"] as? String == "flow" }
        #expect(!flows.isEmpty)
        #expect(flows.allSatisfy { $0["flow.final"] as? Bool == true })
        #expect(evs.contains { $0["type"] as? String == "tls" })  // the handshakes before the signal
    }

    @Test func testConfigSaysConfigOK() throws {
        let scratch = try ScratchDirectory()
        let r = try run(Paths.binary, ["test", "config", "-c", try config(scratch)])
        #expect(r.status == 0)
        #expect(r.stdout == "Config OK\n")
    }

    @Test func theShippedPacketbeatYmlIsValid() throws {
        let r = try run(Paths.binary, ["test", "config", "-c", Paths.root.appendingPathComponent("packetbeat.yml").path, "--strict.perms=false"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "Config OK\n")
        #expect(!r.stderr.contains("warning"))
    }

    @Test(arguments: [
        ("packetbeat.flows:\n  timeout: 5q\noutput.console.enabled: true\n", "pb.yml:2:12: packetbeat.flows.timeout"),
        ("packetbeat.interfaces.snaplen: abc\noutput.console.enabled: true\n", "pb.yml:1:32: packetbeat.interfaces.snaplen"),
        ("output.console.enabled: false\n", "no output is enabled"),
        ("output:\n  console: {}\n  file: {path: /tmp/x}\n", "only one output can be enabled"),
        ("packetbeat.protocols:\n- type: nope\noutput.console.enabled: true\n", "pb.yml:2:9: packetbeat.protocols.0.type"),
        ("a: [unclosed\n", "pb.yml:"),
    ])
    func brokenConfigurationsExitOneWithTheLocation(yaml: String, expected: String) throws {
        let scratch = try ScratchDirectory()
        let cfg = try scratch.write("pb.yml", yaml)
        for args in [["test", "config", "-c", cfg], ["-c", cfg, "-I", Paths.sample, "-t"]] {
            let r = try run(Paths.binary, args)
            #expect(r.status == 1)
            #expect(r.stderr.contains(expected), "stderr: \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func aMissingCaptureFileIsAClearError() throws {
        let scratch = try ScratchDirectory()
        let r = try run(Paths.binary, ["-c", try config(scratch), "-I", scratch.url.appendingPathComponent("nope.pcap").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot open capture file"))
    }

    @Test func exportConfigShowsEnvironmentAndOverridesAndHidesSecrets() throws {
        let scratch = try ScratchDirectory()
        let cfg = try scratch.write(
            "pb.yml", "name: ${SENSOR:default-sensor}\noutput.console.enabled: true\nprocessors: []\n"
                + "output.kafka: {enabled: false, hosts: [\"k:9092\"], topic: t, username: u, password: hunter2}\n")
        var env = ProcessInfo.processInfo.environment
        env["SENSOR"] = "edge-7"
        let r = try run(Paths.binary, ["export", "config", "-c", cfg, "-E", "tags=[a,b]"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("edge-7"))
        #expect(r.stdout.contains("tags"))
        #expect(!r.stdout.contains("hunter2"))
    }

    @Test func versionAndHelpAreUseful() throws {
        let v = try run(Paths.binary, ["version"])
        #expect(v.status == 0)
        #expect(v.stdout.contains("wirebeat version"))
        #expect(v.stdout.contains("libpcap"))
        let h = try run(Paths.binary, ["--help"])
        #expect(h.status == 0)
        for word in ["run", "test", "devices", "export", "version", "packetbeat.yml"] { #expect(h.stdout.contains(word)) }
        let runHelp = try run(Paths.binary, ["run", "--help"])
        for flag in ["-c", "-E", "-e", "-I", "-t", "-l", "-d", "--path.home"] { #expect(runHelp.stdout.contains(flag)) }
    }

    @Test func devicesListsTheLoopbackInterface() throws {
        let r = try run(Paths.binary, ["devices"])
        #expect(r.status == 0)
        #expect(r.stdout.split(separator: "\n").contains { $0.hasPrefix("0: ") })
        #expect(r.stdout.contains(" lo ") || r.stdout.contains("any"))
    }

    @Test func fileOutputWritesBeatsNamedFiles() throws {
        let scratch = try ScratchDirectory()
        let dir = scratch.url.appendingPathComponent("out").path
        let cfg = try scratch.write(
            "pb.yml",
            "packetbeat.flows: {timeout: 30s, period: 10s}\npath.data: \(scratch.url.path)/data\n"
                + "output.file: {path: \(dir), filename: flows, rotate_every_kb: 4, number_of_files: 3}\n")
        let r = try run(Paths.binary, ["-c", cfg, "-I", Paths.sample, "-t"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        // About 17 events of ~1 KB in 4 KB files: rotation happened and only 3 files are kept.
        #expect(files.count == 3, "\(files)")
        #expect(files.allSatisfy { $0.hasPrefix("flows-") && $0.hasSuffix(".ndjson") })
        for f in files {
            let text = try String(contentsOfFile: "\(dir)/\(f)", encoding: .utf8)
            #expect(try events(text).allSatisfy { $0["type"] as? String == "flow" })
            let attrs = try FileManager.default.attributesOfItem(atPath: "\(dir)/\(f)")
            #expect((attrs[.posixPermissions] as? Int) == 0o600)
        }
    }
}
