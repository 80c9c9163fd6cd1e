// Loading from files: `-c` resolution and merging, strict permissions, and the repository's own
// packetbeat.yml, which must load as shipped.

import Config
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "wirebeat-config-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `text` to `directory/name` with `mode`.
@discardableResult
func write(_ text: String, to name: String, in directory: String, mode: Int = 0o600) throws -> String {
    let path = directory + "/" + name
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    return path
}

@Suite("Loading files")
struct FileLoadingTests {
    @Test("later -c files override earlier ones; maps merge deeply")
    func mergesFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(
            "packetbeat.flows:\n  timeout: 30s\n  period: 10s\noutput.console.enabled: true\ntags: [a]\n",
            to: "base.yml", in: dir)
        try write("packetbeat.flows.period: 20s\ntags: [b]\n", to: "site.yml", in: dir)
        let loaded = try ConfigLoader.load(
            ConfigSource(files: ["base.yml", "site.yml"], environment: [:], workingDirectory: dir))
        #expect(loaded.settings.flows?.timeout == .seconds(30))
        #expect(loaded.settings.flows?.period == .seconds(20))
        #expect(loaded.settings.tags == ["b"])
        #expect(loaded.files == [dir + "/base.yml", dir + "/site.yml"])
    }

    @Test("relative -c files resolve against --path.config, then --path.home, then the working directory")
    func resolution() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/etc", withIntermediateDirectories: true)
        try write("name: from-config\noutput.console.enabled: true\n", to: "etc/packetbeat.yml", in: dir)
        try write("name: from-home\noutput.console.enabled: true\n", to: "packetbeat.yml", in: dir)
        let viaConfig = try ConfigLoader.load(
            ConfigSource(
                environment: [:], pathOverrides: ["config": dir + "/etc", "home": "/nowhere"],
                workingDirectory: "/"))
        #expect(viaConfig.settings.name == "from-config")
        let viaHome = try ConfigLoader.load(
            ConfigSource(environment: [:], pathOverrides: ["home": dir], workingDirectory: "/"))
        #expect(viaHome.settings.name == "from-home")
        #expect(viaHome.settings.paths.data == dir + "/data")
        let viaWorkingDirectory = try ConfigLoader.load(ConfigSource(environment: [:], workingDirectory: dir))
        #expect(viaWorkingDirectory.files == [dir + "/packetbeat.yml"])
    }

    @Test("a missing file is an error naming it")
    func missingFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(ConfigSource(files: ["absent.yml"], environment: [:], workingDirectory: dir))
        }
        #expect(error?.file == "absent.yml")
        #expect(error?.message.contains(dir + "/absent.yml") == true)
    }

    @Test("errors in files carry the file name as given")
    func errorNamesFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("output.console.enabled: true\n\npacketbeat.flows.timeout: soon\n", to: "pb.yml", in: dir)
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(ConfigSource(files: ["pb.yml"], environment: [:], workingDirectory: dir))
        }
        #expect(error?.description.hasPrefix("pb.yml:3:27: packetbeat.flows.timeout: invalid duration") == true)
    }

    @Test("strict permissions refuse a file others can write, with the chmod hint")
    func strictPermissions() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("output.console.enabled: true\n", to: "packetbeat.yml", in: dir, mode: 0o666)
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(ConfigSource(environment: [:], workingDirectory: dir))
        }
        #expect(error?.file == "packetbeat.yml")
        #expect(error?.message.contains("can only be writable by the owner") == true)
        #expect(error?.message.contains("\"-rw-rw-rw-\"") == true)
        #expect(error?.message.contains("chmod go-w \(dir)/packetbeat.yml") == true)
        let relaxed = try ConfigLoader.load(
            ConfigSource(environment: [:], strictPermissions: false, workingDirectory: dir))
        #expect(relaxed.settings.output.typeName == "console")
    }

    @Test("strict permissions refuse a file owned by another user", .enabled(if: geteuid() == 0))
    func foreignOwner() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try write("output.console.enabled: true\n", to: "packetbeat.yml", in: dir, mode: 0o644)
        #expect(chown(path, 12345, 12345) == 0)
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.load(ConfigSource(environment: [:], workingDirectory: dir))
        }
        #expect(
            error?.message.hasPrefix("config file (\"packetbeat.yml\") must be owned by the beat user (uid=0) or root")
                == true)
    }

    @Test("strict permissions accept a file only its owner can write")
    func ownerOnly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("output.console.enabled: true\n", to: "packetbeat.yml", in: dir, mode: 0o644)
        let loaded = try ConfigLoader.load(ConfigSource(environment: [:], workingDirectory: dir))
        #expect(loaded.warnings.isEmpty)
    }

    @Test("the repository's packetbeat.yml loads without errors or warnings")
    func repositoryFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let loaded = try ConfigLoader.load(
            ConfigSource(environment: [:], strictPermissions: false, workingDirectory: root))
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let s = loaded.settings
        #expect(s.interfaces.map(\.device) == [.name("any")])
        #expect(s.flows?.timeout == .seconds(30))
        #expect(s.flows?.period == .seconds(10))
        #expect(s.enabledProtocols.map(\.type) == [.tls])
        #expect(s.protocolSettings(.tls)?.ports == ProtocolType.tls.defaultPorts)
        #expect(s.output == .console(ConsoleOutputSettings()))
    }
}
