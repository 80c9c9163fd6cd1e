// What add_process_metadata learns about one process from procfs (proc(5)), the way Beats' go-sysinfo and
// procfs read it: `stat` for the command name, parent and start (boot time from `/proc/stat` plus the start
// in clock ticks, which procfs counts at 100 per second), `cmdline` for the arguments, the `exe` link,
// `status` for the real uid and gid and the capability sets, `environ` when asked for, `cgroup` for the
// container id. User and group names come from the passwd and group files under the root (and, for the real
// host, from the name service). A field that cannot be read (kernel threads have no `exe`, other users'
// `environ` is private) is left out rather than failing the whole lookup.

import Crypto
import Events
import Foundation
import NetModel

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The facts of one process.
struct ProcessFacts: Sendable, Equatable {
    var pid: Int
    var ppid: Int
    var name: String
    var executable: String?
    var args: [String]
    var startTime: Timestamp?
    var env: Fields?
    var owner: (id: String, name: String?)?
    var group: (id: String, name: String?)?
    var capabilitiesEffective: [String] = []
    var capabilitiesPermitted: [String] = []
    var entityID: String?

    static func == (a: ProcessFacts, b: ProcessFacts) -> Bool { a.fields == b.fields }

    /// The `process` object Beats builds from these facts.
    var fields: Fields {
        var process: Fields = ["name": .string(name), "title": .string(args.joined(separator: " "))]
        if let executable { process["executable"] = .string(executable) }
        process["args"] = .strings(args)
        if let env { process["env"] = .object(env) }
        process["pid"] = .int(Int64(pid))
        process["parent"] = .object(["pid": .int(Int64(ppid))])
        if let entityID { process["entity_id"] = .string(entityID) }
        if let startTime { process["start_time"] = .timestamp(startTime) }
        for (key, account) in [("owner", owner), ("group", group)] {
            guard let account else { continue }
            var object: Fields = [:]
            if let name = account.name { object["name"] = .string(name) }
            object["id"] = .string(account.id)
            process[key] = .object(object)
        }
        var capabilities = Fields()
        if !capabilitiesEffective.isEmpty { capabilities["effective"] = .strings(capabilitiesEffective) }
        if !capabilitiesPermitted.isEmpty { capabilities["permitted"] = .strings(capabilitiesPermitted) }
        if !capabilities.isEmpty { process["thread"] = .object(["capabilities": .object(capabilities)]) }
        return process
    }
}

/// Reads processes from a proc file system.
struct ProcReader: Sendable {
    /// The root of the host's files ("" for this machine): passwd, group and machine-id are read under it.
    let root: String
    /// The directory holding `/proc` (Beats' `host_path`), already under `root`.
    let procRoot: String

    init(root: String, hostPath: String) {
        self.root = root
        var base = root + hostPath
        while base.hasSuffix("/") { base.removeLast() }
        procRoot = base
    }

    private func file(_ pid: Int, _ name: String) -> String { "\(procRoot)/proc/\(pid)/\(name)" }

    /// The facts of `pid`, nil when there is no such process.
    func process(_ pid: Int, withEnvironment: Bool) -> ProcessFacts? {
        guard let stat = HostFacts.text(file(pid, "stat")), let open = stat.firstIndex(of: "("),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let name = String(stat[stat.index(after: open)..<close])
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state (field 3), ppid (4), ... starttime (22).
        guard rest.count > 19, let ppid = Int(rest[1]) else { return nil }
        var facts = ProcessFacts(pid: pid, ppid: ppid, name: name, args: arguments(pid))
        facts.executable = try? FileManager.default.destinationOfSymbolicLink(atPath: file(pid, "exe"))
        if let ticks = Int64(rest[19]), let boot = bootTime() {
            facts.startTime = Timestamp(nanoseconds: boot * 1_000_000_000 + ticks * 10_000_000)
        }
        if withEnvironment { facts.env = environment(pid) }
        let status = keyedLines(HostFacts.text(file(pid, "status")) ?? "")
        if let uid = status["Uid"]?.split(separator: "\t").first.map(String.init) {
            facts.owner = (uid, accountName(uid, file: "/etc/passwd"))
        }
        if let gid = status["Gid"]?.split(separator: "\t").first.map(String.init) {
            facts.group = (gid, accountName(gid, file: "/etc/group"))
        }
        facts.capabilitiesEffective = Capabilities.names(hex: status["CapEff"])
        facts.capabilitiesPermitted = Capabilities.names(hex: status["CapPrm"])
        if let start = facts.startTime { facts.entityID = entityID(pid: pid, start: start) }
        return facts
    }

    /// The cgroup paths of `pid`, one per hierarchy, in file order.
    func cgroupPaths(_ pid: Int) -> [String] {
        (HostFacts.text(file(pid, "cgroup")) ?? "").split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            return parts.count == 3 ? String(parts[2]) : nil
        }
    }

    private func arguments(_ pid: Int) -> [String] {
        guard let data = FileManager.default.contents(atPath: file(pid, "cmdline")) else { return [] }
        var parts = data.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        while parts.last == "" { parts.removeLast() }
        return parts
    }

    private func environment(_ pid: Int) -> Fields? {
        guard let data = FileManager.default.contents(atPath: file(pid, "environ")) else { return nil }
        var env = Fields()
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let eq = text.firstIndex(of: "=") else { continue }
            env[String(text[..<eq])] = .string(String(text[text.index(after: eq)...]))
        }
        return env
    }

    /// `btime` of `/proc/stat`: the boot time in seconds since the epoch.
    private func bootTime() -> Int64? {
        guard let stat = HostFacts.text(procRoot + "/proc/stat") else { return nil }
        return stat.split(whereSeparator: \.isNewline).lazy.compactMap { line -> Int64? in
            line.hasPrefix("btime ") ? Int64(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) : nil
        }.first
    }

    private func keyedLines(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    /// The name of account `id` in a passwd(5) or group(5) file under the root, or from the name service when
    /// the root is this machine's.
    private func accountName(_ id: String, file: String) -> String? {
        for line in (HostFacts.text(root + file) ?? "").split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 2, fields[2] == id { return String(fields[0]) }
        }
        guard root.isEmpty, let number = UInt32(id) else { return nil }
        return file == "/etc/passwd" ? ProcReader.userName(number) : ProcReader.groupName(number)
    }

    private static func userName(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: entry.pw_name)
    }

    private static func groupName(_ gid: UInt32) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: entry.gr_name)
    }

    /// Beats' `process.entity_id`: the first 12 bytes of SHA-256 over the machine id, the pid and the
    /// sub-second part of the start time (both little-endian 64-bit), in unpadded base64.
    private func entityID(pid: Int, start: Timestamp) -> String? {
        guard let machineID = HostFacts.machineID(root: root), !machineID.isEmpty else { return nil }
        var input = Data(machineID.utf8)
        withUnsafeBytes(of: Int64(pid).littleEndian) { input.append(contentsOf: $0) }
        let subsecond = start.nanoseconds % 1_000_000_000
        withUnsafeBytes(of: subsecond.littleEndian) { input.append(contentsOf: $0) }
        let digest = Data(SHA256.hash(data: input).prefix(12))
        return digest.base64EncodedString()
    }
}

/// Linux capability names (capability(7)), by bit, in the upper-case form ECS uses.
enum Capabilities {
    static let names = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ].map { "CAP_" + $0 }

    /// The names of the bits set in a hexadecimal capability mask (`CapEff` of `status`).
    static func names(hex: String?) -> [String] {
        guard let hex, var mask = UInt64(hex, radix: 16) else { return [] }
        var out: [String] = []
        var bit = 0
        while mask != 0 {
            if mask & 1 != 0 { out.append(bit < names.count ? names[bit] : "CAP_\(bit)") }
            mask >>= 1
            bit += 1
        }
        return out
    }
}
