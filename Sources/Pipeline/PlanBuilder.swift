// From validated settings and command-line flags to a run plan and an output: capture source and BPF
// filter, flow settings, queue size, the fields the pipeline adds, and the output with its codec.

import Capture
import Config
import DissectorRegistry
import Events
import Flows
import Foundation
import Logging
import NetModel
import Outputs
import Processors
import TLSAnalysis

/// A setting combination that cannot run, reported as `Exiting: <message>`.
public struct PlanError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

/// Versions the events and `wirebeat version` report.
public enum WirebeatVersion {
    /// wirebeat's own version.
    public static let wirebeat = "0.1.0"
    /// The Packetbeat release whose event format and configuration wirebeat reproduces; published as
    /// `@metadata.version` and `agent.version`, which consumers route on.
    public static let beatCompatibility = "8.17.0"
    /// The ECS version of the events (what Packetbeat 8.x writes).
    public static let ecs = "8.0.0"
}

/// Builds a run from settings and command-line flags.
public enum PlanBuilder {
    /// Builds the plan; `file`, `topspeed`, `loop` are the -I, -t, -l flags (nil when not given).
    public static func plan(
        settings: Settings, file: String?, topspeed: Bool?, loop: Int?, resolveDevices: Bool = true
    ) throws(PlanError) -> RunPlan {
        guard let interface = settings.interfaces.first else {
            throw PlanError(message: "no packetbeat.interfaces configured")
        }
        let filter = bpfFilter(settings: settings, interface: interface)
        let source: RunPlan.Source
        if let path = file ?? interface.file {
            source = .file(
                path: path, loops: loop ?? interface.loop, topspeed: topspeed ?? interface.topSpeed, bpfFilter: filter)
        } else {
            // Every interface of the list form captures, each with its own options.
            var all: [LiveCaptureOptions] = []
            for (i, interface) in settings.interfaces.enumerated() {
                if interface.file != nil {
                    throw PlanError(
                        message:
                            "packetbeat.interfaces.\(i).file: a file replay cannot be combined with live interfaces (put it first and alone, or use -I)"
                    )
                }
                let device = resolveDevices ? try deviceName(interface.device) : interface.device.description
                all.append(
                    LiveCaptureOptions(
                        device: device, snaplen: interface.snaplen,
                        bufferSizeBytes: interface.bufferSizeMB * 1_048_576, promiscuous: interface.promiscuous,
                        bpfFilter: bpfFilter(settings: settings, interface: interface),
                        inboundOnly: interface.ignoreOutgoing || settings.ignoreOutgoing))
            }
            source = .live(all)
        }
        let flows = settings.flows.map {
            FlowTableSettings(
                timeout: $0.timeout, period: $0.period, activeTimeout: $0.activeTimeout, maxFlows: $0.maxFlows,
                deltaReports: $0.deltaReports)
        }
        let capacity: Int
        switch settings.queue {
        case .memory(let mem): capacity = mem.events
        case .disk(let disk): capacity = disk.writeAhead
        }
        var notices: [String] = []
        let flowClient = try client(settings.flows?.metadata ?? EventMetadataSettings(), notices: &notices)
        let global = ClientProcessing(
            tags: settings.tags, fields: ProcessorFactory.eventFields(settings.fields),
            fieldsUnderRoot: settings.fieldsUnderRoot,
            processors: try processors(settings.processors, notices: &notices))
        var clients = [flowClient]
        var dissectors: DissectorSettings? = nil
        if let tls = settings.enabledProtocols.first(where: { $0.type == .tls }) {
            let options = tls.tls ?? TLSOptions()
            clients.append(try client(tls.metadata, notices: &notices))
            dissectors = DissectorSettings(
                tls: TLSSettings(
                    sendCertificates: options.sendCertificates, includeRawCertificates: options.includeRawCertificates,
                    includeDetailedFields: options.includeDetailedFields,
                    fingerprints: options.fingerprints.compactMap { TLSFingerprintAlgorithm(rawValue: $0.rawValue) },
                    transactionTimeout: tls.transactionTimeout, detectAllPorts: options.detectAllPorts),
                tlsPorts: tls.ports, tlsClient: UInt8(clients.count - 1))
        }
        let publish = PublishSettings(clients: clients, global: global, builtins: builtins(settings))
        var plan = RunPlan(
            source: source, flows: flows, queueCapacity: capacity, publish: publish,
            shutdownTimeout: Double(settings.shutdownTimeout.nanoseconds) / 1e9)
        plan.dissectors = dissectors
        plan.warnings = notYetActive(settings) + notices
        plan.runAs = try privilegeDrop(settings)
        return plan
    }

    /// Settings that load and validate but that this build does not act on yet: each is reported at start-up
    /// so nobody relies on them unknowingly.
    public static func notYetActive(_ settings: Settings) -> [String] {
        var notes: [String] = []
        if case .disk = settings.queue, settings.output.typeName != "kafka" {
            notes.append(
                "queue.disk is configured; it spools for output.kafka only, the console and file outputs write directly"
            )
        }
        let logging = settings.logging
        let inactiveLogging =
            [
                (logging.files.interval > .zero, "logging.files.interval"), (logging.toSyslog, "logging.to_syslog"),
                (logging.toEventlog, "logging.to_eventlog"),
                (logging.files.redirectStderr, "logging.files.redirect_stderr"),
            ]
            .filter(\.0).map(\.1)
        if !inactiveLogging.isEmpty {
            notes.append(
                "\(inactiveLogging.joined(separator: ", ")): not implemented; logs rotate by size and go to files or standard error"
            )
        }
        let undissected = settings.enabledProtocols.filter { $0.type != .tls }.map(\.type.rawValue)
        if !undissected.isEmpty {
            notes.append(
                "protocol dissectors are not implemented yet for: \(undissected.joined(separator: ", ")); their ports only shape the BPF filter"
            )
        }
        return notes
    }

    /// `run_as_user`: the user (which must exist) and the directories the agent writes: `path.data`, the
    /// log directory (`logging.files.path`, by default `path.logs`) when logging to files, the disk queue of
    /// the Kafka output, and the file output's directory.
    static func privilegeDrop(_ settings: Settings) throws(PlanError) -> PrivilegeDrop? {
        guard let user = settings.runAsUser else { return nil }
        guard UserAccount.named(user) != nil else {
            throw PlanError(message: "run_as_user: no user named \"\(user)\" on this system")
        }
        var owned = [settings.paths.data]
        // Log files are written only when logging to files (and not to standard error), as in Beats.
        if settings.logging.toFiles && !settings.logging.toStderr { owned.append(settings.logging.files.path) }
        if case .disk(let disk) = settings.queue, case .kafka = settings.output { owned.append(disk.path) }
        var shared: [(path: String, prefix: String)] = []
        if case .file(let f) = settings.output {
            if f.path == settings.paths.data || f.path.hasPrefix(settings.paths.data + "/") {
                owned.append(f.path)
            } else {
                shared.append((f.path, f.filename))
            }
        }
        return PrivilegeDrop(user: user, ownedDirectories: owned, sharedDirectories: shared)
    }

    /// What the pipeline adds to, and runs on, one source's events.
    static func client(_ m: EventMetadataSettings, notices: inout [String]) throws(PlanError) -> ClientProcessing {
        ClientProcessing(
            tags: m.tags, fields: ProcessorFactory.eventFields(m.fields), fieldsUnderRoot: m.fieldsUnderRoot,
            keepNull: m.keepNull, index: m.index, processors: try processors(m.processors, notices: &notices))
    }

    /// A processor chain; a bad processor is reported with its file, line and key path.
    static func processors(_ entries: [ProcessorEntry], notices: inout [String]) throws(PlanError) -> ProcessorChain {
        do {
            return try ProcessorFactory.chain(entries, notices: &notices)
        } catch {
            throw PlanError(message: error.description)
        }
    }

    /// The user's `bpf_filter`, or — like Packetbeat — none when flows are on (flows need every packet), else
    /// the configured protocols' ports (`tcp port P` / `udp port P` / `port P`), `icmp or icmp6` when ICMP is
    /// enabled, doubled with `vlan and (…)` when `with_vlans` is set.
    public static func bpfFilter(settings: Settings, interface: InterfaceSettings) -> String {
        if !interface.bpfFilter.isEmpty { return interface.bpfFilter }
        if settings.flows != nil { return "" }
        var expressions: [String] = []
        var withICMP = false
        for proto in settings.enabledProtocols {
            if proto.type == .icmp {
                withICMP = true
                continue
            }
            let t = proto.type.transports
            let prefix = t == .tcp ? "tcp port" : t == .udp ? "udp port" : "port"
            for port in proto.ports { expressions.append("\(prefix) \(port)") }
        }
        if withICMP { expressions += ["icmp", "icmp6"] }
        if settings.enabledProtocols.contains(where: { $0.tls?.detectAllPorts == true }) {
            // TLS is looked for on every TCP port, so every TCP packet must reach the dissector.
            expressions.insert("tcp", at: 0)
        }
        let filter = expressions.joined(separator: " or ")
        if interface.withVLANs && !filter.isEmpty { return "\(filter) or (vlan and (\(filter)))" }
        return filter
    }

    /// A device name from a name or an index into `wirebeat devices`.
    static func deviceName(_ device: InterfaceSettings.Device) throws(PlanError) -> String {
        switch device {
        case .name(let name):
            return name
        case .index(let i):
            let devices: [CaptureDevice]
            do { devices = try PcapHandle.devices() } catch { throw PlanError(message: error.description) }
            guard i >= 0 && i < devices.count else {
                throw PlanError(
                    message:
                        "packetbeat.interfaces.device: no device with index \(i) (wirebeat devices lists \(devices.count))"
                )
            }
            return devices[i].name
        }
    }

    /// The output, or an explanation of why it cannot run. The Kafka output opens its spool and starts its
    /// producer here, so a locked spool or a bad property stops the run before capture starts.
    public static func output(settings: Settings, noPublish: Bool, logger: Logger) throws(PlanError) -> any Output {
        if noPublish { return DiscardOutput() }
        switch settings.output {
        case .console(let c):
            return ConsoleOutput(codec: codec(c.codec, settings: settings))
        case .file(let f):
            let options = FileOutputOptions(
                directory: f.path, filename: f.filename, rotateEveryBytes: f.rotateEveryKB * 1024,
                numberOfFiles: f.numberOfFiles, permissions: f.permissions, rotateOnStartup: f.rotateOnStartup)
            return FileOutput(codec: codec(f.codec, settings: settings), options: options)
        case .kafka(let k):
            return try kafkaOutput(k, settings: settings, logger: logger)
        }
    }

    /// Checks the output's configuration without opening or connecting anything (`wirebeat test config`);
    /// returns notices about options that are accepted but changed or without effect.
    public static func validateOutput(settings: Settings) throws(PlanError) -> [String] {
        switch settings.output {
        case .console, .file:
            return []
        case .kafka(let k):
            return try validateKafka(k, settings: settings)
        }
    }

    /// The codec of an output.
    static func codec(_ c: CodecSettings, settings: Settings) -> OutputCodec {
        switch c {
        case .json(let j):
            return .json(
                JSONEventEncoder(
                    identity: BeatIdentity(version: WirebeatVersion.beatCompatibility), pretty: j.pretty,
                    escapeHTML: j.escapeHTML, fractionDigits: settings.timestampPrecision.fractionDigits))
        case .format(let f):
            return .format(f)
        }
    }

    /// `agent.*`, `ecs.version`, `host.name`, added by the pipeline where absent.
    public static func builtins(_ settings: Settings) -> Fields {
        let host = settings.hostname ?? settings.name ?? AgentIdentity.hostname()
        let name = settings.name ?? host
        let identity = AgentIdentity.load(dataPath: settings.paths.data)
        var agent = Fields()
        agent["type"] = .string("packetbeat")
        agent["version"] = .string(WirebeatVersion.beatCompatibility)
        agent["ephemeral_id"] = .string(identity.ephemeralID)
        agent["id"] = .string(identity.id)
        agent["name"] = .string(name)
        agent["build"] = .object(["original": .string("wirebeat \(WirebeatVersion.wirebeat)")])
        return [
            "agent": .object(agent), "ecs": .object(["version": .string(WirebeatVersion.ecs)]),
            "host": .object(["name": .string(host)]),
        ]
    }
}

/// `-N`: builds and counts events, publishes nothing.
public final class DiscardOutput: Output {
    public let typeName = "discard"
    public init() {}
    public func publish(_ events: [Event]) throws(OutputError) -> PublishReport { PublishReport(acked: events.count) }
    public func flush() throws(OutputError) {}
    public func close() throws(OutputError) {}
}
