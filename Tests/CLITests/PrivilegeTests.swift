// Least privilege: `run_as_user` drops root after the capture is open (and capture keeps working), a run
// without CAP_NET_RAW fails with a message that says what to grant, and CAP_NET_RAW alone is enough.

import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct PrivilegeTests {
    static let canCreateNamespaces = Paths.isRoot && Paths.have("ip")
    static let canSwitchUsers = canCreateNamespaces && Paths.have("setpriv")

    /// The `Name:\tvalue…` lines of /proc/PID/status.
    static func status(_ pid: Int32) -> [String: String] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return [:] }
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { out[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return out
    }

    static func owner(_ path: String) -> UInt32? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.ownerAccountID] as? NSNumber)?.uint32Value
    }

    static let nobody: UInt32 = 65534

    static func pingAndSend(from ns: String, to address: String) throws {
        _ = try run("/usr/bin/env", ["ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.2", address])
        _ = try run(
            "/usr/bin/env",
            [
                "ip", "netns", "exec", ns, "python3", "-c",
                "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'x'*100, ('\(address)', 9999)) for _ in range(4)]",
            ])
    }

    @Test(.enabled(if: canCreateNamespaces, "needs root and iproute2 to create network namespaces"))
    func runAsUserDropsRootAfterOpeningTheCaptureAndKeepsCapturing() throws {
        let ns = try NamespacePair()
        let scratch = try ScratchDirectory()
        // The scratch directory belongs to root and is not writable by nobody: the output directory can only
        // appear there because wirebeat creates it, as root, before the switch.
        chmod(scratch.url.path, 0o755)
        let out = scratch.url.appendingPathComponent("out").path
        let data = scratch.url.appendingPathComponent("data").path
        let cfg = try scratch.write(
            "pb.yml",
            """
            packetbeat.interfaces.device: wbl0
            packetbeat.flows: {timeout: 30s, period: 1s}
            output.file: {path: \(out), filename: pb}
            path.data: \(data)
            path.logs: \(scratch.url.path)/logs
            run_as_user: nobody
            """)
        let p = try RunningProcess("/usr/bin/env", ["ip", "netns", "exec", ns.a, Paths.binary, "-c", cfg, "-e"])
        #expect(p.waitForStderr("dropped privileges to nobody", timeout: 20), "\(p.stderr)")
        let st = Self.status(p.process.processIdentifier)
        #expect(st["Uid"]?.split(separator: "\t").allSatisfy { $0 == "65534" } == true, "\(st)")
        #expect(st["Gid"]?.split(separator: "\t").allSatisfy { $0 == "65534" } == true, "\(st)")
        #expect(st["Groups"] == "65534", "\(st)")
        #expect(st["CapEff"] == "0000000000000000", "\(st)")
        #expect(st["CapPrm"] == "0000000000000000", "\(st)")
        #expect(p.stderr.contains("capabilities: effective 0000000000000000, permitted 0000000000000000"))

        try Self.pingAndSend(from: ns.b, to: "10.199.0.1")
        Thread.sleep(forTimeInterval: 1.5)
        let status = p.signalAndWait(SIGINT)
        #expect(status == 0, "\(p.stderr)")

        let files = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(files.count == 1, "\(files)")
        let file = out + "/" + (files.first ?? "")
        #expect(Self.owner(out) == Self.nobody)
        #expect(Self.owner(file) == Self.nobody, "the output file is created after the switch")
        #expect(Self.owner(data) == Self.nobody)
        #expect(Self.owner(data + "/meta.json") == Self.nobody, "files made before the switch are handed over")
        // -e logs to standard error, so no log directory is made.
        #expect(!FileManager.default.fileExists(atPath: scratch.url.path + "/logs"))

        let evs = try events((try? String(contentsOfFile: file, encoding: .utf8)) ?? "")
        let icmp = evs.filter {
            $0["network.transport"] as? String == "icmp" && $0["flow.final"] as? Bool == true
                && $0["source.ip"] as? String == "10.199.0.2"
        }
        #expect(icmp.count == 1)
        #expect(icmp.first?["source.packets"] as? Int == 3)
        let udp = evs.filter { $0["network.transport"] as? String == "udp" && $0["destination.port"] as? Int == 9999 }
        #expect(udp.last?["source.packets"] as? Int == 4)
    }

    @Test(.enabled(if: canSwitchUsers, "needs root, iproute2 and setpriv"))
    func withoutCapabilitiesTheErrorSaysWhatToGrant() throws {
        let ns = try NamespacePair()
        let scratch = try ScratchDirectory()
        let cfg = try scratch.write(
            "pb.yml",
            """
            packetbeat.interfaces.device: wbl0
            packetbeat.flows: {}
            output.console.enabled: true
            path.data: \(scratch.url.path)/data
            """)
        let r = try run(
            "/usr/bin/env",
            [
                "ip", "netns", "exec", ns.a, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=-all", Paths.binary, "-c", cfg, "-e",
            ])
        #expect(r.status != 0)
        #expect(
            r.stderr.contains("Exiting: capturing on wbl0 needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode)"),
            "\(r.stderr)")
        #expect(r.stderr.contains("setcap cap_net_raw,cap_net_admin=eip"), "\(r.stderr)")
        #expect(r.stderr.contains("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test(.enabled(if: canSwitchUsers, "needs root, iproute2 and setpriv"))
    func capNetRawAloneCapturesWithoutPromiscuousMode() throws {
        let ns = try NamespacePair()
        let scratch = try ScratchDirectory()
        let cfg = try scratch.write(
            "pb.yml",
            """
            packetbeat.interfaces: {device: wbl0, promiscuous: false}
            packetbeat.flows: {timeout: 30s, period: 1s}
            output.console.enabled: true
            path.data: \(scratch.url.path)/data
            """)
        let p = try RunningProcess(
            "/usr/bin/env",
            [
                "ip", "netns", "exec", ns.a, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=+net_raw", "--ambient-caps=+net_raw", Paths.binary, "-c", cfg, "-e",
            ])
        #expect(p.waitForStderr("capturing on wbl0", timeout: 20), "\(p.stderr)")
        let st = Self.status(p.process.processIdentifier)
        #expect(st["Uid"]?.split(separator: "\t").allSatisfy { $0 == "65534" } == true, "\(st)")
        try Self.pingAndSend(from: ns.b, to: "10.199.0.1")
        Thread.sleep(forTimeInterval: 1.5)
        let status = p.signalAndWait(SIGINT)
        #expect(status == 0, "\(p.stderr)")
        let evs = try events(p.stdout)
        let icmp = evs.filter {
            $0["network.transport"] as? String == "icmp" && $0["flow.final"] as? Bool == true
                && $0["source.ip"] as? String == "10.199.0.2"
        }
        #expect(icmp.count == 1, "\(p.stderr)")
        #expect(icmp.first?["destination.packets"] as? Int == 3)
    }

    @Test(.enabled(if: Paths.isRoot, "needs root to switch users"))
    func aReplayDropsRootToo_andLoopsReadTheFileTheUserCannotOpen() throws {
        let scratch = try ScratchDirectory()
        let pcap = scratch.url.appendingPathComponent("private.pcap").path
        try FileManager.default.copyItem(atPath: Paths.sample, toPath: pcap)
        chmod(pcap, 0o600)
        let base = "output.console.enabled: true\npath.data: \(scratch.url.path)/data\n"
        let plain = try scratch.write("plain.yml", base)
        let dropping = try scratch.write("drop.yml", base + "run_as_user: nobody\n")
        let once = try run(Paths.binary, ["-c", plain, "-e", "-N", "-I", pcap, "-t"])
        let twice = try run(Paths.binary, ["-c", dropping, "-e", "-N", "-I", pcap, "-t", "-l", "2"])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(twice.status == 0, "\(twice.stderr)")
        #expect(twice.stderr.contains("dropped privileges to nobody"), "\(twice.stderr)")
        let packets = { (text: String) -> Int? in
            text.split(separator: "\n").last { $0.hasPrefix("wirebeat: ") }
                .flatMap { Int($0.dropFirst("wirebeat: ".count).prefix { $0.isNumber }) }
        }
        let n = try #require(packets(once.stderr))
        #expect(n > 0)
        #expect(packets(twice.stderr) == 2 * n, "the second loop reads the file kept open from before the switch")
    }

    @Test(.enabled(if: Paths.isRoot && Paths.have("setpriv"), "needs root and setpriv"))
    func notStartedAsRootTheRunWarnsAndKeepsItsUser() throws {
        let scratch = try ScratchDirectory()
        let cfg = try scratch.write(
            "pb.yml", "output.console.enabled: true\npath.data: \(scratch.url.path)/data\nrun_as_user: daemon\n")
        let r = try run(
            "/usr/bin/env",
            [
                "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all", Paths.binary,
                "-c", cfg, "-e", "-N", "-I", Paths.sample, "-t",
            ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stderr.contains(
                "run_as_user: daemon is set but wirebeat was not started as root, so it keeps running as nobody"),
            "\(r.stderr)")
    }

    @Test(.enabled(if: Paths.isRoot, "needs root to switch users"))
    func theKafkaDiskSpoolOpenedBeforeTheSwitchStaysWritableAfterIt() throws {
        let broker = try RunningProcess(Paths.binary, ["devbroker", "--brokers", "1"])
        defer { broker.signalAndWait(SIGTERM) }
        #expect(broker.waitForStderr("broker(s) up", timeout: 20), "\(broker.stderr)")
        let bootstrap = broker.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let scratch = try ScratchDirectory()
        let spool = scratch.url.appendingPathComponent("spool").path
        let cfg = try scratch.write(
            "pb.yml",
            """
            packetbeat.flows: {timeout: 30s, period: 10s}
            path.data: \(scratch.url.path)/data
            output.kafka: {hosts: ["\(bootstrap)"], topic: wb-flows}
            queue.disk: {path: \(spool), max_size: 64MB}
            run_as_user: nobody
            """)
        let r = try run(Paths.binary, ["-c", cfg, "-e", "-I", Paths.sample, "-t"], timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("dropped privileges to nobody"), "\(r.stderr)")
        let summary = r.stderr.split(separator: "\n").last { $0.hasPrefix("wirebeat: ") }.map(String.init) ?? ""
        let published = Int(summary.split(separator: ",").dropFirst(2).first?.split(separator: " ").first ?? "") ?? 0
        #expect(published > 0, "\(summary)")
        #expect(summary.contains(" 0 failed, 0 dropped"), "\(summary)")
        #expect(summary.contains(" 0 write errors"), "\(summary)")
        // Everything in the spool belongs to the user: what was created before the switch was handed over,
        // what came after was created by it.
        let entries = try FileManager.default.subpathsOfDirectory(atPath: spool)
        #expect(!entries.isEmpty)
        #expect(Self.owner(spool) == Self.nobody)
        for entry in entries { #expect(Self.owner(spool + "/" + entry) == Self.nobody, "\(entry)") }
    }

    @Test func anUnknownUserIsAConfigurationError() throws {
        let scratch = try ScratchDirectory()
        let cfg = try scratch.write(
            "pb.yml",
            "output.console.enabled: true\npath.data: \(scratch.url.path)/data\nrun_as_user: no-such-user-wb\n")
        let test = try run(Paths.binary, ["test", "config", "-c", cfg])
        #expect(test.status == 1)
        #expect(test.stderr.contains("Exiting: run_as_user: no user named \"no-such-user-wb\""), "\(test.stderr)")
        #expect(!test.stdout.contains("Config OK"))
        let start = try run(Paths.binary, ["-c", cfg, "-N", "-I", Paths.sample, "-t"])
        #expect(start.status == 1)
        #expect(start.stderr.contains("no user named \"no-such-user-wb\""), "\(start.stderr)")
        #expect(start.stdout.isEmpty)
    }
}
