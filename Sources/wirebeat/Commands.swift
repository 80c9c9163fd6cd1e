// The command line, with Packetbeat's flags: `wirebeat [run] -c FILE -e -E k=v -I FILE -t -l N -d SEL`,
// `test config`, `devices`, `export config`, `version`. Run is the default subcommand, so init scripts and
// systemd units written for Packetbeat work unchanged.

import ArgumentParser
import Capture
import Config
import Foundation
import Logging
import Monitoring
import Outputs
import Pipeline

@main
struct Wirebeat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wirebeat",
        abstract: "Capture network traffic and publish Packetbeat-compatible events.",
        discussion: """
            wirebeat reads an unmodified packetbeat.yml, sniffs packets with libpcap (a live device or a \
            pcap/pcapng file), tracks flows and dissects protocols, and publishes ECS events to the configured \
            output (console, file, or Kafka).

            Examples:
              wirebeat -c packetbeat.yml -e                      capture live as configured, logs on stderr
              wirebeat -c packetbeat.yml -I trace.pcap -t        replay a file as fast as possible
              wirebeat test config -c packetbeat.yml             check a configuration
              wirebeat export config -c packetbeat.yml -E name=x show the effective configuration
              wirebeat devices                                   list capture devices
            """,
        version: WirebeatVersion.summary,
        subcommands: [Run.self, Test.self, Devices.self, Export.self, VersionCommand.self, DevBroker.self],
        defaultSubcommand: Run.self)
}

/// Flags every command that reads the configuration accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customShort("c"), help: "Configuration file (repeatable; later files override earlier ones).")
    var config: [String] = []

    @Option(
        name: .customShort("E"),
        help: ArgumentHelp("Override a setting: -E key=value (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Flag(name: .customShort("e"), help: "Log to standard error (sets logging.to_stderr).")
    var logToStderr = false

    @Option(
        name: .customShort("d"),
        help: ArgumentHelp(
            "Enable debug output for these selectors (comma-separated, * for all).", valueName: "selectors"))
    var debugSelectors: String?

    @Flag(name: .customShort("v"), help: "Log at info level (as Beats' -v).")
    var verbose = false

    @Option(name: .customLong("path.home"), help: "Home path (default: the working directory).")
    var pathHome: String?

    @Option(name: .customLong("path.config"), help: "Configuration path (relative -c files are read from here).")
    var pathConfig: String?

    @Option(name: .customLong("path.data"), help: "Data path (agent identity, disk queue).")
    var pathData: String?

    @Option(name: .customLong("path.logs"), help: "Logs path.")
    var pathLogs: String?

    @Option(name: .customLong("strict.perms"), help: "Check configuration file ownership and permissions.")
    var strictPerms: Bool = true

    @Option(name: .customLong("environment"), help: "Environment wirebeat runs in (systemd, container); informational.")
    var environment: String?

    @Option(name: .customLong("hostname"), help: "Override the host name used for host.name and agent.name.")
    var hostname: String?

    /// Loads the configuration, printing warnings; exits with status 1 and a clear message on errors.
    func load() throws -> LoadedConfig {
        var overrides = self.overrides
        if logToStderr { overrides.append("logging.to_stderr=true") }
        if let sel = debugSelectors {
            overrides.append("logging.level=debug")
            let list = sel.split(separator: ",").map { "\"\($0.trimmingCharacters(in: .whitespaces))\"" }
            overrides.append("logging.selectors=[\(list.joined(separator: ","))]")
        }
        if let hostname { overrides.append("hostname=\(hostname)") }
        var paths: [String: String] = [:]
        if let pathHome { paths["home"] = pathHome }
        if let pathConfig { paths["config"] = pathConfig }
        if let pathData { paths["data"] = pathData }
        if let pathLogs { paths["logs"] = pathLogs }
        let source = ConfigSource(
            files: config.isEmpty ? ["packetbeat.yml"] : config, overrides: overrides,
            environment: ProcessInfo.processInfo.environment, pathOverrides: paths,
            strictPermissions: strictPerms, workingDirectory: FileManager.default.currentDirectoryPath)
        do {
            let loaded = try ConfigLoader.load(source)
            for w in loaded.warnings { FileHandle.standardError.write(Data("wirebeat: warning: \(w)\n".utf8)) }
            return loaded
        } catch {
            FileHandle.standardError.write(Data("Exiting: error loading config file: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Run: ParsableCommand {
    // Every command names itself: a name derived from the type costs a demangling at every start.
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Capture and publish (the default command).",
        discussion:
            "Without -I, captures live on packetbeat.interfaces. With -I, replays the file at its recorded pace (add -t for full speed), then flushes every flow, prints a summary to standard error and exits 0."
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customShort("I"),
        help: ArgumentHelp("Read packets from a pcap or pcapng file instead of a device.", valueName: "file"))
    var file: String?

    @Flag(name: .customShort("t"), help: "Replay the file as fast as possible (no sleeping between packets).")
    var topspeed = false

    @Option(name: .customShort("l"), help: ArgumentHelp("Replay the file N times (0 = forever).", valueName: "N"))
    var loop: Int?

    @Flag(name: .customShort("N"), help: "Disable publishing: events are built and counted, then discarded.")
    var noPublish = false

    func validate() throws {
        if let loop, loop < 0 { throw ValidationError("-l must be 0 (forever) or a positive count") }
    }

    func run() throws {
        let loaded = try global.load()
        let settings = loaded.settings
        let logger = LogSetup.makeLogger(
            settings.logging, label: "packetbeat", files: true, secrets: loaded.secretValues())
        let plan: RunPlan
        let output: any Output
        do {
            plan = try PlanBuilder.plan(
                settings: settings, file: file, topspeed: topspeed ? true : nil, loop: loop)
            output = try PlanBuilder.output(settings: settings, noPublish: noPublish, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("Exiting: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
        for note in plan.warnings { logger.warning("\(note)") }
        let runner = Runner(plan: plan, output: output, logger: logger)
        let stats = runner.stats
        let source = MonitoringSource(
            beat: BeatInfo(builtins: plan.publish.builtins), outputType: output.typeName,
            snapshot: { stats.snapshot(nowUptime: ProcessInfo.processInfo.systemUptime) })
        let monitoring = try startMonitoring(settings.http, source: source, logger: logger)
        defer { monitoring?.stop() }
        let metricsLog =
            settings.logging.metrics.enabled
            ? MetricsLogger(
                source: source, period: Double(settings.logging.metrics.period.nanoseconds) / 1e9, logger: logger)
            : nil
        let summary: RunSummary
        do {
            summary = try runner.run()
        } catch {
            metricsLog?.stop()
            FileHandle.standardError.write(Data("Exiting: \(error)\n".utf8))
            throw ExitCode(1)
        }
        metricsLog?.stop()
        FileHandle.standardError.write(Data((summary.line + "\n").utf8))
        let failed = summary.publish.failed + (summary.delivery?.failed ?? 0)
        if failed > 0 && !StopSignal.requested { throw ExitCode(1) }
    }

    /// Starts the monitoring endpoint when `http.enabled`, before capture begins (a bad address fails the start).
    func startMonitoring(_ http: HTTPSettings, source: MonitoringSource, logger: Logger) throws -> MonitoringServer? {
        guard http.enabled else { return nil }
        do {
            let server = try MonitoringServer(host: http.host, port: http.port, source: source)
            logger.info("monitoring endpoint listening on \(server.address) (/, /stats, /metrics)")
            return server
        } catch {
            FileHandle.standardError.write(Data("Exiting: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Test the configuration or the output.",
        subcommands: [TestConfig.self, TestOutput.self])
}

struct TestConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Load and validate the configuration; prints \"Config OK\" on success.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let loaded = try global.load()
        do {
            _ = try PlanBuilder.plan(
                settings: loaded.settings, file: nil, topspeed: nil, loop: nil, resolveDevices: false)
            if loaded.settings.http.enabled {
                try MonitoringServer.validate(host: loaded.settings.http.host).get()
            }
            for notice in try PlanBuilder.validateOutput(settings: loaded.settings) {
                FileHandle.standardError.write(
                    Data("wirebeat: warning: output.\(loaded.settings.output.typeName): \(notice)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("Exiting: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
        print("Config OK")
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the effective configuration.", subcommands: [ExportConfig.self])
}

struct ExportConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the configuration after ${VAR} expansion and -E overrides (secrets redacted).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        print(try global.load().effectiveYAML(), terminator: "")
    }
}

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the devices wirebeat can capture on (the index can be used as packetbeat.interfaces.device).")

    func run() throws {
        let devices: [CaptureDevice]
        do {
            devices = try PcapHandle.devices()
        } catch {
            FileHandle.standardError.write(Data("Exiting: \(error)\n".utf8))
            throw ExitCode(1)
        }
        for (i, d) in devices.enumerated() {
            let addresses = d.addresses.isEmpty ? "Not assigned ip address" : d.addresses.joined(separator: " ")
            print("\(i): \(d.name) (\(d.description ?? "No description available")) (\(addresses))")
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Show version information.")

    func run() throws {
        print(WirebeatVersion.summary)
    }
}

extension WirebeatVersion {
    static var summary: String {
        #if arch(x86_64)
            let arch = "amd64"
        #elseif arch(arm64)
            let arch = "arm64"
        #else
            let arch = "unknown"
        #endif
        return
            "wirebeat version \(wirebeat) (\(arch)), packetbeat \(beatCompatibility) compatible, \(PcapHandle.libraryVersion)"
    }
}
