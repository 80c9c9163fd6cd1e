// Live capture: two network namespaces created by the test, joined by a veth pair; wirebeat captures on
// one end while the other namespace pings and sends UDP; SIGINT makes it flush and exit. A second test ends
// 20,000 flows at once against a 32-event queue: all of them are published.

import Foundation
import TestSupport
import Testing

/// Two namespaces and a veth pair, removed on deinit.
final class NamespacePair {
    let a: String, b: String
    init() throws {
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        a = "wbtA\(tag)"
        b = "wbtB\(tag)"
        for cmd in [
            ["netns", "add", a], ["netns", "add", b],
            ["link", "add", "wbl0", "netns", a, "type", "veth", "peer", "name", "wbl1", "netns", b],
            ["-n", a, "addr", "add", "10.199.0.1/24", "dev", "wbl0"], ["-n", b, "addr", "add", "10.199.0.2/24", "dev", "wbl1"],
            ["-n", a, "link", "set", "wbl0", "up"], ["-n", b, "link", "set", "wbl1", "up"],
            ["-n", a, "link", "set", "lo", "up"], ["-n", b, "link", "set", "lo", "up"],
        ] {
            let r = try run("/usr/bin/env", ["ip"] + cmd)
            guard r.status == 0 else { throw CocoaError(.featureUnsupported, userInfo: ["ip": cmd, "stderr": r.stderr]) }
        }
    }
    deinit {
        _ = try? run("/usr/bin/env", ["ip", "netns", "del", a])
        _ = try? run("/usr/bin/env", ["ip", "netns", "del", b])
    }
}

@Suite(.serialized) struct LiveCaptureTests {
    static let canCreateNamespaces = Paths.isRoot && Paths.have("ip")

    /// wirebeat capturing on `ns`'s first interface with `settings`, printing events, once it says it captures.
    static func capture(in ns: NamespacePair, scratch: ScratchDirectory, settings: String) throws -> RunningProcess {
        let cfg = try scratch.write(
            "pb.yml",
            """
            packetbeat.interfaces.device: wbl0
            \(settings)
            output.console.enabled: true
            path.data: \(scratch.url.path)/data
            """)
        let p = try RunningProcess("/usr/bin/env", ["ip", "netns", "exec", ns.a, Paths.binary, "-c", cfg, "-e"])
        #expect(p.waitForStderr("capturing on wbl0", timeout: 15), "\(p.stderr)")
        return p
    }

    @Test(.enabled(if: canCreateNamespaces, "needs root and iproute2 to create network namespaces"))
    func liveCaptureOnANamespaceInterfaceProducesFlowEvents() throws {
        let ns = try NamespacePair()
        let scratch = try ScratchDirectory()
        let p = try Self.capture(in: ns, scratch: scratch, settings: "packetbeat.flows: {timeout: 30s, period: 1s}")
        _ = try run("/usr/bin/env", ["ip", "netns", "exec", ns.b, "ping", "-c", "3", "-i", "0.2", "10.199.0.1"])
        _ = try run(
            "/usr/bin/env",
            ["ip", "netns", "exec", ns.b, "python3", "-c",
             "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'x'*100, ('10.199.0.1', 9999)) for _ in range(4)]"])
        Thread.sleep(forTimeInterval: 1.5)
        let status = p.signalAndWait(SIGINT)
        let stdout = p.stdout, stderrText = p.stderr
        #expect(status == 0, "\(stderrText)")
        let evs = try events(stdout)
        // The echo exchange is one flow; the port-unreachable replies to the UDP datagrams are another,
        // one-way ICMP flow from 10.199.0.1.
        let finalICMP = evs.filter { $0["network.transport"] as? String == "icmp" && $0["flow.final"] as? Bool == true }
        let icmp = finalICMP.filter { $0["source.ip"] as? String == "10.199.0.2" }
        #expect(icmp.count == 1)
        #expect(finalICMP.contains { $0["source.ip"] as? String == "10.199.0.1" })
        #expect(icmp.first?["source.packets"] as? Int == 3)
        #expect(icmp.first?["destination.packets"] as? Int == 3)
        let udp = evs.filter { $0["network.transport"] as? String == "udp" && $0["destination.port"] as? Int == 9999 }
        #expect(udp.last?["source.packets"] as? Int == 4)
        #expect(udp.last?["source.bytes"] as? Int == 4 * (14 + 20 + 8 + 100))
        #expect(stderrText.contains("capture dropped 0 in kernel"))
    }

    @Test(.enabled(if: canCreateNamespaces, "needs root and iproute2 to create network namespaces"))
    func flowReportsBeyondTheQueuesCapacityAreAllPublished() throws {
        let ns = try NamespacePair()
        let scratch = try ScratchDirectory()
        // A queue of 32 events against 20,000 flows reported at once when capture stops: Packetbeat drops what
        // the full queue refuses; wirebeat backlogs it and publishes it all.
        let p = try Self.capture(
            in: ns, scratch: scratch, settings: "packetbeat.flows: {timeout: 30s, period: -1}\nqueue.mem.events: 32")
        let sender = """
            import socket
            for port in range(20000, 40000):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(('10.199.0.2', port))
                s.sendto(b'x' * 20, ('10.199.0.1', 9999))
                s.close()
            """
        let r = try run("/usr/bin/env", ["ip", "netns", "exec", ns.b, "python3", "-c", sender])
        #expect(r.status == 0, "\(r.stderr)")
        Thread.sleep(forTimeInterval: 2.5)
        let status = p.signalAndWait(SIGINT)
        let stdout = p.stdout, stderrText = p.stderr
        #expect(status == 0, "\(stderrText)")
        let udp = try events(stdout).filter {
            $0["network.transport"] as? String == "udp" && $0["destination.port"] as? Int == 9999
        }
        let finalPorts = Set(udp.filter { $0["flow.final"] as? Bool == true }.compactMap { $0["source.port"] as? Int })
        #expect(finalPorts == Set(20000..<40000))
        #expect(!stderrText.contains("dropped at a full queue"), "\(stderrText.suffix(2000))")
    }
}
