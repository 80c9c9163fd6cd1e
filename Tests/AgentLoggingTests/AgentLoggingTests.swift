// Log files as Beats 8 names and rotates them, ECS JSON lines, debug selectors, and secrets never written.

import AgentLogging
import Foundation
import Logging
import Testing

@Suite struct AgentLoggingTests {
    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "wb-log-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func names(_ file: RotatingLogFile) -> [String] {
        file.files().map { URL(fileURLWithPath: $0).lastPathComponent }
    }

    @Test func filesRotateBySizeWithBeatsNamesAndOnlyKeepfilesRemain() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = RotatingLogFile.Options(
            directory: dir + "/logs", name: "packetbeat", rotateEveryBytes: 100, keepFiles: 3, permissions: 0o640)
        let file = try RotatingLogFile(options, today: { "20261124" })
        #expect(Self.names(file) == ["packetbeat-20261124.ndjson"])
        let line = String(repeating: "x", count: 39) + "\n"  // 40 bytes: two lines fill a file
        for _ in 0..<10 { file.write(line) }
        #expect(
            Self.names(file) == [
                "packetbeat-20261124-2.ndjson", "packetbeat-20261124-3.ndjson", "packetbeat-20261124-4.ndjson",
            ])
        for path in file.files() {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o640, "\(path)")
            #expect((attributes[.size] as? Int ?? 0) <= 100)
        }
        let directory = try FileManager.default.attributesOfItem(atPath: dir + "/logs")
        #expect((directory[.posixPermissions] as? Int) == 0o750)

        // A restart starts a new file (rotateonstartup), or appends to the last one when it is off.
        let again = try RotatingLogFile(options, today: { "20261124" })
        #expect(URL(fileURLWithPath: again.currentPath).lastPathComponent == "packetbeat-20261124-5.ndjson")
        var keep = options
        keep.rotateOnStartup = false
        let appended = try RotatingLogFile(keep, today: { "20261124" })
        #expect(appended.currentPath == again.currentPath)
    }

    @Test func anUnwritableDirectoryIsAnError() {
        #expect(throws: LogFileError.self) {
            _ = try RotatingLogFile(.init(directory: "/proc/wirebeat-logs", name: "packetbeat"))
        }
    }

    static func handler(_ file: RotatingLogFile, selectors: Set<String>, secrets: [String] = []) -> AgentLogHandler {
        AgentLogHandler(
            label: "packetbeat", level: .debug,
            destinations: LogDestinations(
                file: file, stderrLevel: .critical, stderrJSON: false, selectors: selectors, secrets: secrets))
    }

    static func lines(_ file: RotatingLogFile) throws -> [[String: Any]] {
        try String(contentsOfFile: file.currentPath, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func fileLinesAreECSJSON() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try RotatingLogFile(.init(directory: dir, name: "packetbeat"))
        let logger = Logger(label: "packetbeat") { _ in Self.handler(file, selectors: ["*"]) }
        logger.info("replaying sample.pcap", metadata: ["kafka.facility": "FAIL"])
        let line = try #require(try Self.lines(file).first)
        #expect(line["log.level"] as? String == "info")
        #expect(line["log.logger"] as? String == "packetbeat")
        #expect(line["message"] as? String == "replaying sample.pcap")
        #expect(line["service.name"] as? String == "wirebeat")
        #expect(line["ecs.version"] as? String == "1.6.0")
        #expect(line["kafka.facility"] as? String == "FAIL")
        #expect((line["@timestamp"] as? String)?.hasSuffix("Z") == true)
        let origin = try #require(line["log.origin"] as? [String: Any])
        #expect(origin["file.name"] as? String == "AgentLoggingTests.swift")
    }

    @Test func debugLinesPassOnlyForSelectedLoggers() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try RotatingLogFile(.init(directory: dir, name: "packetbeat"))
        let selected = Logger(label: "kafka") { _ in
            AgentLogHandler(
                label: "kafka", level: .debug,
                destinations: LogDestinations(
                    file: file, stderrLevel: .critical, stderrJSON: false, selectors: ["kafka"], secrets: []))
        }
        let other = Logger(label: "packetbeat") { _ in Self.handler(file, selectors: ["kafka"]) }
        selected.debug("kafka detail")
        other.debug("pipeline detail")
        other.info("pipeline info")
        let messages = try Self.lines(file).compactMap { $0["message"] as? String }
        #expect(messages == ["kafka detail", "pipeline info"])
    }

    @Test func secretsAreRedactedFromMessagesAndFields() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try RotatingLogFile(.init(directory: dir, name: "packetbeat"))
        let logger = Logger(label: "packetbeat") { _ in Self.handler(file, selectors: ["*"], secrets: ["s3cr3t-pw"]) }
        logger.error("SASL failed for alice:s3cr3t-pw", metadata: ["config": "password=s3cr3t-pw"])
        let text = try String(contentsOfFile: file.currentPath, encoding: .utf8)
        #expect(!text.contains("s3cr3t-pw"))
        #expect(text.contains("alice:[REDACTED]"))
    }
}
