// The list form of `packetbeat.interfaces`: one agent captures on two devices at once, each with its own
// options, and the summary adds both up.

import Foundation
import TestSupport
import Testing

/// Namespace `a` with two devices (wbm0 10.201.0.1, wbm1 10.202.0.1), each joined by a veth pair to
/// namespace `b` (10.201.0.2, 10.202.0.2); removed on deinit.
final class TwoLinkNamespaces {
    let a: String, b: String
    init() throws {
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        a = "wbmA\(tag)"
        b = "wbmB\(tag)"
        var commands: [[String]] = [["netns", "add", a], ["netns", "add", b]]
        for (i, net) in ["10.201.0", "10.202.0"].enumerated() {
            commands += [
                ["link", "add", "wbm\(i)", "netns", a, "type", "veth", "peer", "name", "wbp\(i)", "netns", b],
                ["-n", a, "addr", "add", "\(net).1/24", "dev", "wbm\(i)"],
                ["-n", b, "addr", "add", "\(net).2/24", "dev", "wbp\(i)"],
                ["-n", a, "link", "set", "wbm\(i)", "up"], ["-n", b, "link", "set", "wbp\(i)", "up"],
            ]
        }
        do {
            for cmd in commands {
                let r = try run("/usr/bin/env", ["ip"] + cmd)
                guard r.status == 0 else {
                    throw CocoaError(.featureUnsupported, userInfo: ["ip": cmd, "stderr": r.stderr])
                }
            }
        } catch {
            remove()
            throw error
        }
    }
    deinit { remove() }
    private func remove() {
        _ = try? run("/usr/bin/env", ["ip", "netns", "del", a])
        _ = try? run("/usr/bin/env", ["ip", "netns", "del", b])
    }
}

@Suite(.serialized) struct MultiInterfaceTests {
    static let canCreateNamespaces = Paths.isRoot && Paths.have("ip")

    @Test(.enabled(if: canCreateNamespaces, "needs root and iproute2 to create network namespaces"))
    func everyListedInterfaceCapturesWithItsOwnFilter() throws {
        let ns = try TwoLinkNamespaces()
        let scratch = try ScratchDirectory()
        let cfg = try scratch.write(
            "pb.yml",
            """
            packetbeat.interfaces:
            - device: wbm0
              bpf_filter: icmp
            - device: wbm1
              snaplen: 1514
              promiscuous: false
            packetbeat.flows: {timeout: 30s, period: 1s}
            output.console.enabled: true
            path.data: \(scratch.url.path)/data
            """)
        let check = try run(Paths.binary, ["test", "config", "-c", cfg])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("Config OK"))
        #expect(!check.stderr.contains("capture interfaces are configured"), "\(check.stderr)")

        let p = try RunningProcess("/usr/bin/env", ["ip", "netns", "exec", ns.a, Paths.binary, "-c", cfg, "-e"])
        #expect(p.waitForStderr("capturing on wbm1", timeout: 20), "\(p.stderr)")
        #expect(p.stderr.contains("capturing on wbm0 (link type EN10MB, filter \"icmp\")"), "\(p.stderr)")
        for net in ["10.201.0", "10.202.0"] {
            _ = try run("/usr/bin/env", ["ip", "netns", "exec", ns.b, "ping", "-c", "3", "-i", "0.2", "\(net).1"])
            _ = try run(
                "/usr/bin/env",
                [
                    "ip", "netns", "exec", ns.b, "python3", "-c",
                    "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'x'*100, ('\(net).1', 9999)) for _ in range(4)]",
                ])
        }
        Thread.sleep(forTimeInterval: 1.5)
        let status = p.signalAndWait(SIGINT)
        let stderrText = p.stderr
        #expect(status == 0, "\(stderrText)")
        #expect(!stderrText.contains("capture interfaces are configured"))
        let finals = try events(p.stdout).filter { $0["flow.final"] as? Bool == true }

        // Echo flows on both devices, each counted by its own flow table.
        for net in ["10.201.0", "10.202.0"] {
            let icmp = finals.filter {
                $0["network.transport"] as? String == "icmp" && $0["source.ip"] as? String == "\(net).2"
            }
            #expect(icmp.count == 1, "\(net)")
            #expect(icmp.first?["source.packets"] as? Int == 3, "\(net)")
            #expect(icmp.first?["destination.packets"] as? Int == 3, "\(net)")
        }
        // wbm0's filter keeps only ICMP; wbm1 has none.
        let udp = finals.filter { $0["network.transport"] as? String == "udp" }
        #expect(udp.contains { $0["destination.ip"] as? String == "10.202.0.1" && $0["source.packets"] as? Int == 4 })
        #expect(!udp.contains { $0["destination.ip"] as? String == "10.201.0.1" })

        // The summary adds both devices up: it counts at least every packet the flows of both accounted.
        let flowPackets = finals.reduce(0) {
            $0 + ($1["source.packets"] as? Int ?? 0) + ($1["destination.packets"] as? Int ?? 0)
        }
        let summary = stderrText.split(separator: "\n").last { $0.hasPrefix("wirebeat: ") }.map(String.init) ?? ""
        let packets = Int(summary.dropFirst("wirebeat: ".count).prefix { $0.isNumber }) ?? -1
        #expect(packets >= flowPackets, "\(summary)")
        #expect(flowPackets >= 2 * 6 + 4, "\(summary)")
        #expect(summary.contains("capture dropped 0 in kernel"), "\(summary)")
    }
}
