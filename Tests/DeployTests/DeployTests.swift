// The deployment files under Deploy/ checked by the tools named in docs/OPERATE.md: `systemd-analyze verify`
// for the unit, `kubernetes-validate` (the Kubernetes JSON schemas, offline) for the manifests, and
// scripts/check-containerfile (dockerfile-parse) for the image definition. Each validator is also shown a
// broken copy, which it must reject: a validator that accepts anything proves nothing. The command lines the
// unit and the image run, and the configuration the ConfigMap carries, are run through the built binary.

import Foundation
import TestSupport
import Testing
import Yams

@Suite struct DeployTests {
    static let deploy = Paths.root.appendingPathComponent("Deploy")
    static let unit = deploy.appendingPathComponent("systemd/wirebeat.service")
    static let manifests = deploy.appendingPathComponent("kubernetes/wirebeat.yaml")
    static let containerfile = deploy.appendingPathComponent("container/Containerfile")

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Runs `tool` found on PATH (through env), failing the test clearly when it is missing.
    static func tool(_ tool: String, _ arguments: [String]) throws -> Run {
        #expect(Paths.have(tool), "\(tool) is not installed (scripts/install-deps installs it)")
        return try run("/usr/bin/env", [tool] + arguments, timeout: 120)
    }

    /// The unit with the binary path replaced by the built binary, written to `name` in `scratch`.
    static func localUnit(_ scratch: ScratchDirectory, name: String, edit: (String) -> String = { $0 }) throws
        -> String
    {
        let unit = try text(unit).replacingOccurrences(of: "/usr/bin/wirebeat", with: Paths.binary)
        return try scratch.write(name, edit(unit))
    }

    @Test func theSystemdUnitPassesSystemdAnalyzeVerify() throws {
        let scratch = try ScratchDirectory()
        let good = try Self.tool("systemd-analyze", ["verify", try Self.localUnit(scratch, name: "wirebeat.service")])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stderr.isEmpty, "systemd-analyze warned: \(good.stderr)")

        let broken = try Self.localUnit(scratch, name: "broken.service") {
            $0.replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystem=strickt")
                .replacingOccurrences(of: "Restart=always", with: "Restartt=always")
        }
        let bad = try Self.tool("systemd-analyze", ["verify", broken])
        #expect(bad.stderr.contains("strickt") && bad.stderr.contains("Restartt"), "\(bad.stderr)")
    }

    @Test func theSystemdUnitGrantsOnlyTheCaptureCapabilitiesToAnUnprivilegedUser() throws {
        let unit = try Self.text(Self.unit)
        let lines = unit.split(separator: "\n").map(String.init)
        func value(_ key: String) -> String? {
            lines.last { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        #expect(value("User") == "wirebeat")
        #expect(value("CapabilityBoundingSet") == "CAP_NET_RAW CAP_NET_ADMIN")
        #expect(value("AmbientCapabilities") == "CAP_NET_RAW CAP_NET_ADMIN")
        #expect(value("NoNewPrivileges") == "yes")
        #expect(value("ProtectSystem") == "strict")
        #expect(value("Restart") == "always")
    }

    /// `ExecStart` with the unit's environment variables expanded, split into arguments.
    static func execStart(_ unit: String, extra: [String: String]) -> [String] {
        var environment = extra
        for line in unit.split(separator: "\n") where line.hasPrefix("Environment=\"") {
            let assignment = line.dropFirst("Environment=\"".count).dropLast()
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { environment[parts[0]] = parts[1] }
        }
        let command = unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }.map { String($0.dropFirst(10)) }
        return (command ?? "").split(separator: " ").flatMap { word -> [String] in
            guard word.hasPrefix("$") else { return [String(word)] }
            return (environment[String(word.dropFirst())] ?? "").split(separator: " ").map(String.init)
        }
    }

    @Test func theUnitsCommandLineRunsTheAgent() throws {
        let scratch = try ScratchDirectory()
        let config = try scratch.write("packetbeat.yml", "output.console.enabled: true\npacketbeat.flows: {}\n")
        // The unit's paths, moved into the scratch directory; the replay stands in for a live device.
        let argv = Self.execStart(try Self.text(Self.unit), extra: ["WIREBEAT_OPTS": "-E name=deploy-test"]).map {
            $0.replacingOccurrences(of: "/etc/wirebeat/packetbeat.yml", with: config)
                .replacingOccurrences(of: "/usr/share/wirebeat", with: scratch.url.path)
                .replacingOccurrences(of: "/etc/wirebeat", with: scratch.url.path)
                .replacingOccurrences(of: "/var/lib/wirebeat", with: scratch.url.path + "/data")
                .replacingOccurrences(of: "/var/log/wirebeat", with: scratch.url.path + "/logs")
        }
        #expect(argv.first == "/usr/bin/wirebeat", "\(argv)")
        let r = try run(Paths.binary, Array(argv.dropFirst()) + ["-I", Paths.sample, "-t"])
        #expect(r.status == 0, "\(argv) → \(r.stderr)")
        #expect(r.stdout.contains("\"name\":\"deploy-test\""), "the per-host override reached the events")
        #expect(FileManager.default.fileExists(atPath: scratch.url.path + "/data/meta.json"), "path.data is used")
    }

    @Test func theKubernetesManifestsMatchTheSchema() throws {
        let good = try Self.tool("python3", ["-m", "kubernetes_validate", "--strict", "--quiet", Self.manifests.path])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")

        let scratch = try ScratchDirectory()
        let broken = try scratch.write(
            "broken.yaml",
            try Self.text(Self.manifests).replacingOccurrences(of: "hostNetwork: true", with: "hostNetwork: sometimes")
                .replacingOccurrences(of: "dnsPolicy:", with: "dnsPolicyy:"))
        let bad = try Self.tool("python3", ["-m", "kubernetes_validate", "--strict", "--quiet", broken])
        #expect(bad.status != 0, "the validator accepted a broken DaemonSet: \(bad.stdout)")
    }

    /// The manifests as YAML documents.
    static func documents() throws -> [[String: Any]] {
        try Yams.load_all(yaml: try text(manifests)).compactMap { $0 as? [String: Any] }
    }

    @Test func theDaemonSetCapturesOnTheNodeWithCapabilitiesNotPrivilege() throws {
        let daemonSet = try #require(try Self.documents().first { $0["kind"] as? String == "DaemonSet" })
        let pod = try #require(
            ((daemonSet["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(pod["hostNetwork"] as? Bool == true)
        #expect(pod["dnsPolicy"] as? String == "ClusterFirstWithHostNet")
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let security = try #require(container["securityContext"] as? [String: Any])
        #expect(security["privileged"] as? Bool == false)
        let capabilities = try #require(security["capabilities"] as? [String: Any])
        #expect(capabilities["add"] as? [String] == ["NET_RAW", "NET_ADMIN"])
        #expect(capabilities["drop"] as? [String] == ["ALL"])
        #expect(container["resources"] as? [String: Any] != nil)
        let probe = try #require((container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])
        #expect(probe["port"] as? Int == 5066)
        let volumes = try #require(pod["volumes"] as? [[String: Any]])
        #expect(volumes.contains { ($0["configMap"] as? [String: Any])?["name"] as? String == "wirebeat-config" })
        #expect(volumes.contains { ($0["hostPath"] as? [String: Any])?["path"] as? String == "/var/lib/wirebeat" })
    }

    @Test func theConfigMapsConfigurationPassesTestConfig() throws {
        let configMap = try #require(try Self.documents().first { $0["kind"] as? String == "ConfigMap" })
        let yml = try #require((configMap["data"] as? [String: Any])?["packetbeat.yml"] as? String)
        let scratch = try ScratchDirectory()
        let config = try scratch.write("packetbeat.yml", yml)
        var environment = ProcessInfo.processInfo.environment
        environment["NODE_NAME"] = "node-1"
        let r = try run(
            Paths.binary, ["test", "config", "-c", config, "--path.data", scratch.url.path + "/data"],
            environment: environment)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("Config OK"), "\(r.stdout)")
    }

    @Test func theContainerfilePassesItsStaticChecks() throws {
        let script = Paths.root.appendingPathComponent("scripts/check-containerfile").path
        let good = try Self.tool("python3", [script, Self.containerfile.path])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")

        let scratch = try ScratchDirectory()
        let broken = try scratch.write(
            "Containerfile",
            try Self.text(Self.containerfile).replacingOccurrences(of: "USER wirebeat", with: "USER root")
                .replacingOccurrences(of: "FROM debian:bookworm-slim", with: "FROM debian:bookworm"))
        let bad = try Self.tool("python3", [script, broken])
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("runs as USER root") || bad.stdout.contains("runs as root"), "\(bad.stdout)")
        #expect(bad.stdout.contains("debian:bookworm-slim"), "\(bad.stdout)")
    }

    @Test func theImagesEntryPointRunsTheAgent() throws {
        let file = try Self.text(Self.containerfile)
        func exec(_ instruction: String) throws -> [String] {
            let line = try #require(file.split(separator: "\n").last { $0.hasPrefix(instruction + " ") })
            let json = Data(line.dropFirst(instruction.count + 1).utf8)
            return try #require(try JSONSerialization.jsonObject(with: json) as? [String])
        }
        let scratch = try ScratchDirectory()
        let config = try scratch.write("packetbeat.yml", "output.console.enabled: true\npacketbeat.flows: {}\n")
        let argv = (try exec("ENTRYPOINT") + exec("CMD")).map {
            $0.replacingOccurrences(of: "/etc/wirebeat/packetbeat.yml", with: config)
                .replacingOccurrences(of: "/etc/wirebeat", with: scratch.url.path)
                .replacingOccurrences(of: "/var/lib/wirebeat", with: scratch.url.path + "/data")
                .replacingOccurrences(of: "/var/log/wirebeat", with: scratch.url.path + "/logs")
        }
        #expect(argv.first == "/usr/bin/wirebeat")
        let r = try run(Paths.binary, Array(argv.dropFirst()) + ["-I", Paths.sample, "-t"])
        #expect(r.status == 0, "\(argv) → \(r.stderr)")
        #expect(!r.stdout.isEmpty, "no events")
    }
}
