// The machine facts add_host_metadata reports, read the way Beats' go-sysinfo reads them on Linux: the
// operating system from os-release(5) (with lsb-release and `/etc/<distrib>-release` as go-sysinfo uses them),
// the id from machine-id(5), "containerized" from the cgroups of pid 1, the kernel release and the machine
// architecture from the kernel. Files are read under a root directory so tests can describe a fake host.
// Host names are lower-cased, as go-sysinfo reports them.

import Events
import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// What the machine is.
struct HostFacts: Sendable, Equatable {
    var hostname: String
    var architecture: String
    var kernel: String
    var os: OperatingSystem
    /// The machine id, nil when no machine-id file exists.
    var id: String?
    /// Whether this process runs in a container, nil when pid 1's cgroups cannot be read.
    var containerized: Bool?

    /// The operating system as go-sysinfo describes it.
    struct OperatingSystem: Sendable, Equatable {
        var type = "linux"
        var family = ""
        var platform = ""
        var name = ""
        var version = ""
        var codename = ""
        var build = ""
    }

    /// The facts of the host whose files are under `root` ("" for this machine).
    static func read(root: String, hostname: String) -> HostFacts {
        let kernel = kernelNames()
        let release = text(root + "/proc/sys/kernel/osrelease")?.trimmingCharacters(in: .whitespacesAndNewlines)
        return HostFacts(
            hostname: hostname.lowercased(), architecture: kernel.machine,
            kernel: release.flatMap { $0.isEmpty ? nil : $0 } ?? kernel.release,
            os: operatingSystem(root: root), id: machineID(root: root), containerized: containerized(root: root))
    }

    /// `host.*` as Beats maps it: name, hostname, architecture, os.*, then id and containerized when known.
    func fields(name: String?) -> Fields {
        var os: Fields = [
            "type": .string(self.os.type), "platform": .string(self.os.platform), "version": .string(self.os.version),
            "family": .string(self.os.family), "name": .string(self.os.name), "kernel": .string(kernel),
        ]
        if !self.os.codename.isEmpty { os["codename"] = .string(self.os.codename) }
        if !self.os.build.isEmpty { os["build"] = .string(self.os.build) }
        var host: Fields = [
            "name": .string(name ?? hostname), "hostname": .string(hostname), "architecture": .string(architecture),
            "os": .object(os),
        ]
        if let id { host["id"] = .string(id) }
        if let containerized { host["containerized"] = .bool(containerized) }
        return host
    }

    static func text(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// The machine architecture and the kernel release, from uname(2).
    static func kernelNames() -> (machine: String, release: String) {
        var names = utsname()
        guard uname(&names) == 0 else { return ("", "") }
        func text<Field>(_ field: Field) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return (text(names.machine), text(names.release))
    }

    // go-sysinfo looks in these places, in this order.
    private static let machineIDFiles = ["/etc/machine-id", "/var/lib/dbus/machine-id", "/var/db/dbus/machine-id"]

    static func machineID(root: String) -> String? {
        for file in machineIDFiles {
            if let text = text(root + file) { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return nil
    }

    /// go-sysinfo's test: a cgroup of pid 1 naming docker, lxc, kubepods or a systemd slice.
    static func containerized(root: String) -> Bool? {
        guard let text = text(root + "/proc/1/cgroup") else { return nil }
        return text.split(whereSeparator: \.isNewline).contains { line in
            ["docker", ".slice", "lxc", "kubepods"].contains { line.contains($0) }
        }
    }

    // go-sysinfo's platform families.
    private static let families: [(family: String, platforms: [String])] = [
        (
            "redhat",
            [
                "redhat", "fedora", "centos", "scientific", "oraclelinux", "ol", "amzn", "rhel", "almalinux",
                "openeuler", "rocky",
            ]
        ),
        ("debian", ["debian", "ubuntu", "raspbian", "linuxmint"]),
        ("suse", ["suse", "sles", "opensuse"]),
        ("arch", ["arch", "antergos", "manjaro"]),
    ]

    static func family(of platform: String) -> String {
        let p = platform.lowercased()
        guard !p.isEmpty else { return "" }
        if let exact = families.first(where: { $0.platforms.contains(p) }) { return exact.family }
        return families.first(where: { $0.platforms.contains(where: { p.hasPrefix($0) }) })?.family ?? ""
    }

    static func operatingSystem(root: String) -> OperatingSystem {
        let osRelease = text(root + "/etc/os-release") ?? text(root + "/usr/lib/os-release") ?? ""
        guard !osRelease.isEmpty else { return distribRelease(root: root) ?? OperatingSystem() }
        var os = fromOSRelease(keyValues((text(root + "/etc/lsb-release") ?? "") + "\n" + osRelease))
        if os.family == "redhat", let distrib = distribRelease(root: root) { os.codename = distrib.codename }
        return os
    }

    /// KEY=value lines, later keys winning; quotes removed. (go-sysinfo uses Go's strconv.Unquote, which keeps
    /// single quotes around more than one character; os-release(5) allows them, so both kinds are removed.)
    static func keyValues(_ text: String) -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
            }
            out.removeAll { $0.key == key }
            out.append((key, value))
        }
        return out
    }

    static func fromOSRelease(_ pairs: [(key: String, value: String)]) -> OperatingSystem {
        func first(_ keys: String...) -> String {
            for key in keys { if let v = pairs.first(where: { $0.key == key })?.value, !v.isEmpty { return v } }
            return ""
        }
        var os = OperatingSystem(
            platform: first("ID", "DISTRIB_ID"), name: first("NAME", "PRETTY_NAME"),
            version: first("VERSION", "VERSION_ID", "DISTRIB_RELEASE"),
            codename: first(
                "VERSION_CODENAME",
                "DISTRIB_CODENAME"), build: first("BUILD_ID"))
        if os.codename.isEmpty { os.codename = pairs.first { $0.key.contains("CODENAME") }?.value ?? "" }
        if os.platform.isEmpty { os.platform = String(os.name.prefix { $0 != " " }) }
        os.family = family(of: os.platform)
        if os.family.isEmpty {
            let likes = first("ID_LIKE").split(separator: " ").map { family(of: String($0)) }
            os.family = likes.first { !$0.isEmpty } ?? ""
        }
        if os.codename.isEmpty, let groups = versionPattern.groups(in: os.version) { os.codename = groups[5] }
        return os
    }

    // go-sysinfo's version pattern: the version (major, minor, patch), then an optional " (codename)".
    private static let versionGrok = #"(([0-9]+)\.?([0-9]+)?\.?(\w+)?)(?: \(([-\w ]+)\))?"#
    private static let versionPattern = Pattern(constant: versionGrok)
    private static let distribLine = Pattern(constant: #"([\w]+).* "# + versionGrok)

    /// The first line of an `/etc/<distrib>-release` file: `CentOS Linux release 7.9.2009 (Core)`.
    static func distribRelease(root: String) -> OperatingSystem? {
        let directory = root + "/etc"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() ?? []
        for file in names where file.hasSuffix("-release") && file != "os-release" && file != "lsb-release" {
            guard let text = text(directory + "/" + file), let line = text.split(whereSeparator: \.isNewline).first,
                let groups = distribLine.groups(in: line.trimmingCharacters(in: .whitespaces))
            else { continue }
            let platform = String(file.prefix { $0 != "-" }).lowercased()
            var os = OperatingSystem(platform: platform, name: groups[1], version: groups[2])
            if !groups[6].isEmpty {
                os.codename = groups[6]
                os.version += " (\(groups[6]))"
            }
            os.family = family(of: platform)
            return os
        }
        return nil
    }
}
