// Fake hosts for the enrichment processors (a temporary directory standing for `/`, built per test), the
// helpers that load processors from YAML as packetbeat.yml would, and the reading of machine facts from
// such trees: os-release variants, distribution release files, machine-id, containerization, kernel.

import Config
import Events
import Foundation
import Testing

@testable import Processors

/// A directory tree standing for a host's files; removed when the value goes away.
final class FakeHost {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "wirebeat-fakehost-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `text` at `path` (absolute, as on the host), creating directories.
    func write(_ path: String, _ text: String) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    /// Makes `path` a symbolic link to `destination` (which need not exist).
    func link(_ path: String, to destination: String) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: destination)
    }

    func remove(_ path: String) throws { try FileManager.default.removeItem(atPath: root + path) }

    /// An environment reading this tree, with host name `Web-01`.
    var environment: ProcessorEnvironment {
        var env = ProcessorEnvironment()
        env.fileSystemRoot = root
        env.hostname = "Web-01"
        return env
    }
}

/// The error message building `name` with `options` in `environment` fails with, or nil when it builds.
func buildFailure(
    _ name: String, _ options: KeyValuePairs<String, Any?>?, environment: ProcessorEnvironment = ProcessorEnvironment()
) -> String? {
    do {
        _ = try build(name, options, environment: environment)
        return nil
    } catch {
        return "\(error)"
    }
}

/// The processors of a packetbeat.yml text (given a console output, which loading requires), built as wirebeat
/// builds them.
func chain(yaml: String, environment: ProcessorEnvironment = ProcessorEnvironment()) throws -> ProcessorChain {
    let loaded = try ConfigLoader.load(yaml: yaml + "\noutput.console:\n  pretty: false\n", name: "packetbeat.yml")
    var notices: [String] = []
    return try ProcessorFactory.chain(loaded.settings.processors, environment: environment, notices: &notices)
}

/// Runs `chain` on `event`; nil when dropped.
func run(_ chain: ProcessorChain, _ event: Event) -> Event? {
    var e = event
    var counters = ProcessorCounters()
    return chain.run(&e, counters: &counters) ? e : nil
}

@Suite struct HostFactsTests {
    static let ubuntu = """
        NAME="Ubuntu"
        VERSION="22.04.3 LTS (Jammy Jellyfish)"
        ID=ubuntu
        ID_LIKE=debian
        PRETTY_NAME="Ubuntu 22.04.3 LTS"
        VERSION_ID="22.04"
        VERSION_CODENAME=jammy
        UBUNTU_CODENAME=jammy
        """

    @Test func ubuntuHost() throws {
        let host = try FakeHost()
        try host.write("/etc/os-release", HostFactsTests.ubuntu)
        try host.write("/etc/machine-id", "4f1f0a2e9b5d4b1e8c8f1e2d3c4b5a69\n")
        try host.write("/proc/1/cgroup", "0::/init.scope\n")
        try host.write("/proc/sys/kernel/osrelease", "5.15.0-91-generic\n")
        let facts = HostFacts.read(root: host.root, hostname: "Web-01.Example.COM")
        #expect(facts.hostname == "web-01.example.com")
        #expect(facts.kernel == "5.15.0-91-generic")
        #expect(facts.architecture == HostFacts.kernelNames().machine && !facts.architecture.isEmpty)
        #expect(facts.id == "4f1f0a2e9b5d4b1e8c8f1e2d3c4b5a69")
        #expect(facts.containerized == false)
        #expect(
            facts.os
                == HostFacts.OperatingSystem(
                    family: "debian", platform: "ubuntu", name: "Ubuntu", version: "22.04.3 LTS (Jammy Jellyfish)",
                    codename: "jammy"))
    }

    @Test(arguments: [
        // ID maps straight to a family.
        ("ID=\"centos\"\nNAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"", "centos", "redhat", "Core"),
        // A platform is matched by prefix (opensuse-tumbleweed), and the codename comes from VERSION.
        ("ID=opensuse-tumbleweed\nNAME='openSUSE Tumbleweed'\nVERSION=\"20240101\"", "opensuse-tumbleweed", "suse", ""),
        // Unknown ID: the family comes from ID_LIKE.
        ("ID=pop\nID_LIKE=\"ubuntu debian\"\nNAME=\"Pop!_OS\"\nUBUNTU_CODENAME=jammy", "pop", "debian", "jammy"),
        // No ID: the platform is the first word of NAME; no family.
        ("NAME=\"Gentoo Linux\"\nVERSION_ID=2.14", "Gentoo", "", ""),
        // Debian gives the codename in VERSION only on some releases.
        ("ID=debian\nNAME=\"Debian GNU/Linux\"\nVERSION=\"12 (bookworm)\"", "debian", "debian", "bookworm"),
    ])
    func osReleaseVariants(text: String, platform: String, family: String, codename: String) {
        let os = HostFacts.fromOSRelease(HostFacts.keyValues(text))
        #expect(os.platform == platform)
        #expect(os.family == family)
        #expect(os.codename == codename)
        #expect(os.type == "linux")
    }

    @Test func quotesCommentsAndLaterKeysWin() {
        let pairs = HostFacts.keyValues("# comment\nNAME = \"First\"\n\nNAME='Second'\nBROKEN LINE\nID=x")
        #expect(pairs.map(\.key) == ["NAME", "ID"])
        #expect(pairs.first?.value == "Second")
    }

    @Test func lsbReleaseFillsWhatOSReleaseLacks() throws {
        let host = try FakeHost()
        try host.write("/etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\n")
        try host.write("/etc/os-release", "NAME=\"Ubuntu\"\nVERSION=\"14.04.6 LTS, Trusty Tahr\"\nID=ubuntu\n")
        let os = HostFacts.operatingSystem(root: host.root)
        #expect(os.platform == "ubuntu")
        #expect(os.codename == "trusty")
        #expect(os.version == "14.04.6 LTS, Trusty Tahr")
    }

    @Test func usrLibOSReleaseIsTheFallback() throws {
        let host = try FakeHost()
        try host.write("/usr/lib/os-release", "ID=arch\nNAME=\"Arch Linux\"\nBUILD_ID=rolling\n")
        let os = HostFacts.operatingSystem(root: host.root)
        #expect(os.family == "arch")
        #expect(os.build == "rolling")
    }

    @Test func distribReleaseWithoutOSRelease() throws {
        let host = try FakeHost()
        try host.write("/etc/centos-release", "CentOS release 6.10 (Final)\n")
        let os = HostFacts.operatingSystem(root: host.root)
        #expect(
            os
                == HostFacts.OperatingSystem(
                    family: "redhat", platform: "centos", name: "CentOS", version: "6.10 (Final)", codename: "Final"))
    }

    @Test func redhatCodenameComesFromTheDistribFile() throws {
        let host = try FakeHost()
        try host.write("/etc/os-release", "ID=\"rhel\"\nNAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.3\"\n")
        try host.write("/etc/redhat-release", "Red Hat Enterprise Linux release 9.3 (Plow)\n")
        let os = HostFacts.operatingSystem(root: host.root)
        #expect(os.family == "redhat")
        #expect(os.codename == "Plow")
    }

    @Test func nothingKnownGivesOnlyTheType() throws {
        let host = try FakeHost()
        let facts = HostFacts.read(root: host.root, hostname: "h")
        #expect(facts.os == HostFacts.OperatingSystem())
        #expect(facts.id == nil)
        #expect(facts.containerized == nil)
        #expect(facts.kernel == HostFacts.kernelNames().release)
        let fields = facts.fields(name: nil)
        #expect(fields.value(at: "os.type") == .string("linux"))
        #expect(fields.value(at: "os.family") == .string(""))
        #expect(fields["id"] == nil && fields["containerized"] == nil && fields.value(at: "os.codename") == nil)
    }

    @Test func machineIDFallsBackToDBus() throws {
        let host = try FakeHost()
        try host.write("/var/lib/dbus/machine-id", "  abc123\n")
        #expect(HostFacts.machineID(root: host.root) == "abc123")
    }

    @Test(arguments: [
        ("12:pids:/docker/81438f4655cd771c425607dcf7654f4dc03c073c0123edc45fcfad28132e8c60\n", true),
        ("1:name=systemd:/kubepods/burstable/podb83789a8/9f99515d\n", true),
        ("2:cpu:/lxc/81438f4655cd\n", true),
        ("1:name=systemd:/service.slice/pod1.slice/e2b68f8a\n", true),
        ("11:freezer:/\n10:pids:/init.scope\n", false),
        ("0::/\n", false),
        ("", false),
    ])
    func containerization(cgroup: String, expected: Bool) throws {
        let host = try FakeHost()
        try host.write("/proc/1/cgroup", cgroup)
        #expect(HostFacts.containerized(root: host.root) == expected)
    }
}
