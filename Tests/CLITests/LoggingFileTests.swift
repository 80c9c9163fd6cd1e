// Logging to files end to end: Beats 8 file names in path.logs, one ECS JSON object per line, and no secret
// from the configuration in any log line, even at debug level for every selector.

import Foundation
import TestSupport
import Testing

@Suite struct LoggingFileTests {
    static func logFiles(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".ndjson") }.sorted()
    }

    @Test func aRunLogsECSJSONToBeatsNamedFiles() throws {
        let scratch = try ScratchDirectory()
        let config = try scratch.write(
            "pb.yml", "output.console.enabled: true\npacketbeat.flows: {}\nlogging.level: info\n")
        let logs = scratch.url.path + "/logs"
        let r = try run(
            Paths.binary,
            ["-c", config, "-I", Paths.sample, "-t", "--path.logs", logs, "--path.data", scratch.url.path + "/data"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = Self.logFiles(logs)
        #expect(
            files.count == 1 && files[0].range(of: #"^packetbeat-\d{8}\.ndjson$"#, options: .regularExpression) != nil,
            "\(files)")
        let text = try String(contentsOfFile: logs + "/" + (files.first ?? ""), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["log.level"] != nil && object?["message"] != nil, "\(line)")
        }
        #expect(text.contains("replaying"), "the start-up line is in the file")
        #expect(!r.stderr.contains("replaying"), "info lines go to the file, not to standard error, without -e")
        let mode = try FileManager.default.attributesOfItem(atPath: logs + "/" + files[0])[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // -e sends everything to standard error and nothing to files, as in Beats.
        let stderrOnly = scratch.url.path + "/logs-e"
        let e = try run(Paths.binary, ["-c", config, "-I", Paths.sample, "-t", "-e", "--path.logs", stderrOnly])
        #expect(e.status == 0 && e.stderr.contains("replaying"), "\(e.stderr)")
        #expect(Self.logFiles(stderrOnly).isEmpty)
    }

    @Test func secretsNeverReachTheLogs() throws {
        let scratch = try ScratchDirectory()
        let password = "wb-Secret-7731"
        let config = try scratch.write(
            "pb.yml",
            """
            packetbeat.flows: {}
            output.kafka:
              hosts: ["127.0.0.1:1"]
              topic: wb
              username: alice
              password: \(password)
              sasl.mechanism: PLAIN
              headers:
              - {key: Authorization, value: "Bearer \(password)-token"}
            """)
        let logs = scratch.url.path + "/logs"
        let agent = try RunningProcess(
            Paths.binary,
            [
                "-c", config, "-I", Paths.sample, "-t", "-d", "*", "--path.logs", logs, "--path.data",
                scratch.url.path + "/data", "-E", "logging.metrics.period=1s",
            ])
        Thread.sleep(forTimeInterval: 4)
        agent.signalAndWait(SIGTERM)
        let files = Self.logFiles(logs)
        #expect(!files.isEmpty)
        var everything = agent.stderr + agent.stdout
        for f in files { everything += (try? String(contentsOfFile: logs + "/" + f, encoding: .utf8)) ?? "" }
        #expect(everything.contains("[kafka]") || everything.contains("\"log.logger\":\"kafka\""), "debug logging ran")
        #expect(!everything.contains(password), "the password leaked into the logs")
        let export = try run(Paths.binary, ["export", "config", "-c", config])
        #expect(export.status == 0 && !export.stdout.contains(password), "\(export.stdout)")
    }
}
