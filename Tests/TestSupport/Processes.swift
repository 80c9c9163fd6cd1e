// Helpers for running the built `wirebeat` binary and external tools from tests (CLI and integration tests).

import Foundation
import Testing

/// Paths the end-to-end tests need.
public enum Paths {
    /// The repository root (this file is Tests/TestSupport/Processes.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The wirebeat binary: $WIREBEAT_BIN, or the one next to the test bundle (same build directory).
    public static var binary: String {
        if let env = ProcessInfo.processInfo.environment["WIREBEAT_BIN"], !env.isEmpty { return env }
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDir.appendingPathComponent("wirebeat").path,
            bundleDir.deletingLastPathComponent().appendingPathComponent("wirebeat").path,
            root.appendingPathComponent(".build/debug/wirebeat").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// The shared TLS corpus (read-only, next to the repository, as in CI).
    public static let corpus = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/tls/pcaps")

    public static var corpusPresent: Bool { FileManager.default.fileExists(atPath: corpus.path) }

    public static let sample = root.appendingPathComponent("Integration/pcaps/sample.pcap").path

    /// True when `tool` is on PATH.
    public static func have(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }

    public static var isRoot: Bool { geteuid() == 0 }
}

/// The result of running a command.
public struct Run {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` with `arguments`, returning its exit status and output; kills it after `timeout` seconds.
public func run(
    _ executable: String, _ arguments: [String], cwd: URL? = nil, environment: [String: String]? = nil,
    timeout: TimeInterval = 120
) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let cwd { p.currentDirectoryURL = cwd }
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data(), errData = Data()
    group.enter()
    DispatchQueue.global().async {
        outData = out.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        p.terminate()
        Issue.record("\(executable) \(arguments.joined(separator: " ")) timed out after \(timeout) s")
        group.wait()
    }
    p.waitUntilExit()
    return Run(
        status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// A scratch directory removed when the value is dropped by the test.
public final class ScratchDirectory {
    public let url: URL
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wirebeat-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` and returns its path.
    public func write(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// Parses NDJSON into flattened dictionaries (`"source.ip"` keys).
public func events(_ ndjson: String) throws -> [[String: Any]] {
    try ndjson.split(separator: "\n").map { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        guard let dict = object as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
        var flat: [String: Any] = [:]
        flatten(dict, prefix: "", into: &flat)
        return flat
    }
}

private func flatten(_ dict: [String: Any], prefix: String, into out: inout [String: Any]) {
    for (k, v) in dict {
        if let sub = v as? [String: Any] {
            flatten(sub, prefix: prefix + k + ".", into: &out)
        } else {
            out[prefix + k] = v
        }
    }
}

/// A child process whose output is collected in the background, for tests that signal it.
public final class RunningProcess: @unchecked Sendable {
    public let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private let outPipe = Pipe(), errPipe = Pipe()
    private let done = DispatchGroup()

    public init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
            done.enter()
            DispatchQueue.global().async { [self] in
                let handle = pipe.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    if isOut { out.append(chunk) } else { err.append(chunk) }
                    lock.unlock()
                }
                done.leave()
            }
        }
    }

    public var stdout: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: out, as: UTF8.self)
    }

    public var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: err, as: UTF8.self)
    }

    /// Waits until standard error contains `text`; false after `timeout` seconds.
    public func waitForStderr(_ text: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return stderr.contains(text)
    }

    /// Sends `signal` and waits for the exit; kills the process (and records an issue) after `timeout`.
    @discardableResult
    public func signalAndWait(_ signal: Int32, timeout: TimeInterval = 20) -> Int32 {
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            Issue.record("process did not exit within \(timeout) s of signal \(signal); killing it")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        done.wait()
        return process.terminationStatus
    }
}
