// add_process_metadata on a fake /proc tree (the documentation's systemd example, a kernel thread, container
// cgroups) and on this test's own process: every option, pid values of every type, existing targets, caches,
// configuration errors, and the documentation's example.

import Config
import Crypto
import Events
import Foundation
import NetModel
import Testing

@testable import Processors

private let dockerID = "b5285682fba7449c86452b89a800609440ecc88a7ba5f2d38bedfb85409b30b1"
private let machineID = "7c2e9a4d5b6f40e1a3c8d9e0f1a2b3c4"
private let bootTime: Int64 = 1_534_927_480  // btime of the fake host
private let startTicks: Int64 = 1_068  // pid 1 started 10.68 s after boot

/// A host with pid 1 (systemd, in a Docker container) and pid 2 (a kernel thread), under `prefix`.
private func procHost(prefix: String = "") throws -> FakeHost {
    let host = try FakeHost()
    try host.write("/etc/machine-id", machineID + "\n")
    try host.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n")
    try host.write("/etc/group", "root:x:0:\nwww-data:x:33:\n")
    try host.write(prefix + "/proc/stat", "cpu  1 2 3 4\nbtime \(bootTime)\nprocesses 100\n")
    let p1 = prefix + "/proc/1/"
    try host.write(p1 + "stat", "1 (systemd) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 \(startTicks) 0 0\n")
    try host.write(p1 + "cmdline", "/usr/lib/systemd/systemd\0--switched-root\0--system\0--deserialize\022\0")
    try host.link(p1 + "exe", to: "/usr/lib/systemd/systemd")
    try host.write(
        p1 + "status",
        "Name:\tsystemd\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapPrm:\t0000000000003000\n"
            + "CapEff:\t0000000000000400\n")
    try host.write(p1 + "environ", "HOME=/\0TERM=linux\0LANG=en_US.UTF-8\0")
    try host.write(p1 + "cgroup", "12:pids:/docker/\(dockerID)\n0::/docker/\(dockerID)\n")
    let p2 = prefix + "/proc/2/"
    try host.write(p2 + "stat", "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0\n")
    try host.write(p2 + "cmdline", "")
    try host.write(p2 + "status", "Name:\tkthreadd\nUid:\t33\t33\t33\t33\nGid:\t33\t33\t33\t33\nCapEff:\t0\n")
    try host.write(p2 + "cgroup", "0::/\n")
    return host
}

private let startTime = Timestamp(nanoseconds: bootTime * 1_000_000_000 + startTicks * 10_000_000)

private func expectedEntityID(pid: Int64) -> String {
    var input = Data(machineID.utf8)
    withUnsafeBytes(of: pid.littleEndian) { input.append(contentsOf: $0) }
    withUnsafeBytes(of: (startTime.nanoseconds % 1_000_000_000).littleEndian) { input.append(contentsOf: $0) }
    return Data(SHA256.hash(data: input).prefix(12)).base64EncodedString()
}

private let systemd: Fields = [
    "name": .string("systemd"), "title": .string("/usr/lib/systemd/systemd --switched-root --system --deserialize 22"),
    "executable": .string("/usr/lib/systemd/systemd"),
    "args": .strings(["/usr/lib/systemd/systemd", "--switched-root", "--system", "--deserialize", "22"]),
    "pid": .int(1), "parent": .object(["pid": .int(0)]), "entity_id": .string(expectedEntityID(pid: 1)),
    "start_time": .timestamp(startTime),
    "owner": .object(["name": .string("root"), "id": .string("0")]),
    "group": .object(["name": .string("root"), "id": .string("0")]),
    "thread": .object([
        "capabilities": .object([
            "effective": .strings(["CAP_NET_BIND_SERVICE"]), "permitted": .strings(["CAP_NET_ADMIN", "CAP_NET_RAW"]),
        ])
    ]),
]

@Suite struct AddProcessMetadataTests {
    @Test func docsExampleFromYAML() throws {
        let host = try procHost()
        let processors = try chain(
            yaml: """
                processors:
                  - add_process_metadata:
                      match_pids:
                        - process.pid
                      overwrite_keys: true
                """, environment: host.environment)
        let out = run(processors, event(["process.pid": .int(1)]))
        var expected: Fields = ["pid": .int(1)]  // the event's field keeps its place
        expected.merge(systemd)
        #expect(out?.value(at: "process") == .object(expected))
        #expect(out?.value(at: "container.id") == .string(dockerID))
        #expect(out?.value(at: "process.env") == nil)
    }

    @Test func theDocumentedConfigurationAloneMeetsTheExistingPid() throws {
        let host = try procHost()
        let p = try build("add_process_metadata", ["match_pids": ["process.pid"]], environment: host.environment)
        let before = event(["process.pid": .int(1)])
        #expect(
            run(p, before) == (
                before,
                .failed(
                    "error applying add_process_metadata processor: target field 'process.pid' already exists and "
                        + "overwrite_keys is false")
            ))
    }

    @Test func defaultsAddEverythingButTheEnvironment() throws {
        let host = try procHost()
        let p = try build(
            "add_process_metadata", ["match_pids": ["system.process.ppid"]], environment: host.environment)
        let out = run(p, event(["system.process.ppid": .string("1")])).event
        #expect(out?.value(at: "process") == .object(systemd))
        #expect(out?.value(at: "container") == .object(["id": .string(dockerID)]))
        #expect(out?.value(at: "system.process.ppid") == .string("1"))
    }

    @Test func restrictedFieldsAddTheEnvironment() throws {
        let host = try procHost()
        let p = try build(
            "add_process_metadata", ["match_pids": ["ppid"], "restricted_fields": true],
            environment: host.environment)
        #expect(
            run(p, event(["ppid": .int(1)])).event?.value(at: "process.env")
                == .object(["HOME": .string("/"), "TERM": .string("linux"), "LANG": .string("en_US.UTF-8")]))
    }

    @Test(arguments: [
        (["process.name"], [("process.name", FieldValue.string("systemd"))]),
        (
            ["process.owner", "container.id"],
            [
                ("process.owner", .object(["name": .string("root"), "id": .string("0")])),
                ("container.id", .string(dockerID)),
            ]
        ),
        (
            ["process.parent.pid", "process.thread.capabilities.effective"],
            [
                ("process.parent.pid", .int(0)),
                ("process.thread.capabilities.effective", .strings(["CAP_NET_BIND_SERVICE"])),
            ]
        ),
    ])
    func includeFieldsPicksParts(include: [String], expected: [(String, FieldValue)]) throws {
        let host = try procHost()
        let p = try build(
            "add_process_metadata", ["match_pids": ["ppid"], "include_fields": include],
            environment: host.environment)
        var wanted = event(["ppid": .int(1)])
        for (path, value) in expected { wanted.fields.set(path, value) }
        #expect(run(p, event(["ppid": .int(1)])).event == wanted)
    }

    @Test func targetPrefixesAndParentTargetsFlatten() throws {
        let host = try procHost()
        let nested = try build(
            "add_process_metadata",
            [
                "match_pids": ["ppid"], "target": "observer",
                "include_fields": ["process.name"],
            ], environment: host.environment)
        #expect(run(nested, event(["ppid": .int(1)])).event?.value(at: "observer.process.name") == .string("systemd"))
        let parent = try build(
            "add_process_metadata",
            [
                "match_pids": ["process.parent.pid"], "target": "process.parent",
                "include_fields": ["process.name", "process.executable"],
            ],
            environment: host.environment)
        let out = run(parent, event(["process.pid": .int(4242), "process.parent.pid": .int(1)])).event
        #expect(
            out?.value(at: "process.parent")
                == .object([
                    "pid": .int(1), "name": .string("systemd"), "executable": .string("/usr/lib/systemd/systemd"),
                ]))
    }

    @Test func existingTargetsNeedOverwriteKeys() throws {
        let host = try procHost()
        let before = event(["ppid": .int(1), "process.name": .string("other")])
        let keep = try build(
            "add_process_metadata", ["match_pids": ["ppid"], "include_fields": ["process.name"]],
            environment: host.environment)
        #expect(
            run(keep, before) == (
                before,
                .failed(
                    "error applying add_process_metadata processor: target field 'process.name' already exists and "
                        + "overwrite_keys is false")
            ))
        let replace = try build(
            "add_process_metadata",
            [
                "match_pids": ["ppid"], "include_fields": ["process.name"],
                "overwrite_keys": true,
            ], environment: host.environment)
        #expect(run(replace, before).event?.value(at: "process.name") == .string("systemd"))
    }

    @Test func missingPidFieldsAreIgnoredUnlessAsked() throws {
        let host = try procHost()
        let lenient = try build("add_process_metadata", ["match_pids": ["ppid"]], environment: host.environment)
        #expect(run(lenient, event(["other": .string("field")])) == (event(["other": .string("field")]), .keep))
        let strict = try build(
            "add_process_metadata", ["match_pids": ["ppid"], "ignore_missing": false],
            environment: host.environment)
        #expect(run(strict, event()).outcome == .failed("none of the fields in match_pids found in the event"))
    }

    @Test func theFirstPresentPidFieldIsUsed() throws {
        let host = try procHost()
        let p = try build(
            "add_process_metadata", ["match_pids": ["a", "b", "c"], "include_fields": ["process.name"]],
            environment: host.environment)
        #expect(run(p, event(["b": .int(2), "c": .int(1)])).event?.value(at: "process.name") == .string("kthreadd"))
    }

    @Test(arguments: [
        (FieldValue.int(1), nil), (.uint(1), nil), (.string("1"), nil),
        (
            .string("a"),
            "cannot parse pid field 'pid': error converting string to integer: "
                + "strconv.Atoi: parsing \"a\": invalid syntax"
        ),
        (.bool(false), "cannot parse pid field 'pid': not an integer or string, but boolean"),
        (.double(1.5), "cannot parse pid field 'pid': not an integer or string, but number"),
        (.uint(UInt64.max), "cannot parse pid field 'pid': integer out of range: 18446744073709551615"),
        (.strings(["1"]), "cannot parse pid field 'pid': not an integer or string, but array"),
    ])
    func pidValues(value: FieldValue, failure: String?) throws {
        let host = try procHost()
        let p = try build(
            "add_process_metadata", ["match_pids": ["pid"], "include_fields": ["process.name"]],
            environment: host.environment)
        let (out, outcome) = run(p, event(["pid": value]))
        if let failure {
            #expect(outcome == .failed("error applying add_process_metadata processor: " + failure))
            #expect(out == event(["pid": value]))
        } else {
            #expect(out?.value(at: "process.name") == .string("systemd"))
        }
    }

    @Test func anUnknownPidFails() throws {
        let host = try procHost()
        let p = try build("add_process_metadata", ["match_pids": ["ppid"]], environment: host.environment)
        #expect(run(p, event(["ppid": .int(424242)])) == (event(["ppid": .int(424242)]), .failed("process not found")))
    }

    @Test func aKernelThreadHasNoExecutableNorArguments() throws {
        let host = try procHost()
        let p = try build(
            "add_process_metadata", ["match_pids": ["ppid"], "include_fields": ["process", "container"]],
            environment: host.environment)
        let out = run(p, event(["ppid": .int(2)])).event
        #expect(out?.value(at: "process.args") == .array([]))
        #expect(out?.value(at: "process.title") == .string(""))
        #expect(out?.value(at: "process.executable") == nil)
        #expect(out?.value(at: "process.owner") == .object(["name": .string("www-data"), "id": .string("33")]))
        #expect(out?.value(at: "process.thread") == nil)
        #expect(out?.value(at: "container") == nil)
    }

    @Test func hostPathLocatesProc() throws {
        let host = try procHost(prefix: "/hostfs")
        let p = try build(
            "add_process_metadata",
            [
                "match_pids": ["ppid"], "host_path": "/hostfs/",
                "include_fields": ["process.name", "container.id"],
            ],
            environment: host.environment)
        let out = run(p, event(["ppid": .int(1)])).event
        #expect(out?.value(at: "process.name") == .string("systemd"))
        #expect(out?.value(at: "container.id") == .string(dockerID))
        let unset = try build("add_process_metadata", ["match_pids": ["ppid"]], environment: host.environment)
        #expect(run(unset, event(["ppid": .int(1)])).outcome == .failed("process not found"))
    }

    @Test func cgroupPrefixesAndRegex() throws {
        let host = try procHost()
        try host.write("/proc/1/cgroup", "11:cpu:/kubepods/besteffort/pod9b9e44c2/2bb9fd4de339\n1:name=systemd:/\n")
        let prefixes = try build(
            "add_process_metadata",
            [
                "match_pids": ["ppid"], "cgroup_prefixes": ["/kubepods"],
                "include_fields": ["container.id"],
            ], environment: host.environment)
        #expect(run(prefixes, event(["ppid": .int(1)])).event?.value(at: "container.id") == .string("2bb9fd4de339"))
        let regex = try build(
            "add_process_metadata",
            [
                "match_pids": ["ppid"], "cgroup_regex": "/pod(?P<pod>[0-9a-f]+)/",
                "include_fields": ["container.id"],
            ], environment: host.environment)
        #expect(run(regex, event(["ppid": .int(1)])).event?.value(at: "container.id") == .string("9b9e44c2"))
        let standard = try build(
            "add_process_metadata", ["match_pids": ["ppid"], "include_fields": ["container.id"]],
            environment: host.environment)
        #expect(run(standard, event(["ppid": .int(1)])).event?.value(at: "container.id") == nil)
    }

    @Test func processFactsAreCachedAndCgroupCachingCanBeTurnedOff() throws {
        let host = try procHost()
        let p = try build(
            "add_process_metadata",
            [
                "match_pids": ["ppid"], "overwrite_keys": true,
                "cgroup_cache_expire_time": 0,
                "include_fields": ["process.name", "container.id"],
            ],
            environment: host.environment)
        #expect(run(p, event(["ppid": .int(1)])).event?.value(at: "process.name") == .string("systemd"))
        try host.write("/proc/1/stat", "1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 \(startTicks) 0 0\n")
        let otherID = String(repeating: "ab", count: 32)
        try host.write("/proc/1/cgroup", "0::/system.slice/docker-\(otherID).scope\n")
        let out = run(p, event(["ppid": .int(1)])).event
        #expect(out?.value(at: "process.name") == .string("systemd"))
        #expect(out?.value(at: "container.id") == .string(otherID))
    }

    @Test func optionsAreChecked() {
        #expect(buildFailure("add_process_metadata", ["match_pids": []])?.contains("requires \"match_pids\"") == true)
        #expect(buildFailure("add_process_metadata", nil) == nil)
        #expect(
            buildFailure("add_process_metadata", ["include_fields": ["process.env"]])?
                .contains("field 'process.env' not found") == true)
        #expect(
            buildFailure("add_process_metadata", ["include_fields": ["process.env"], "restricted_fields": true]) == nil)
        #expect(
            buildFailure("add_process_metadata", ["include_fields": ["process.cpu"]])?
                .contains(
                    "include_fields: field 'process.cpu' not found (add_process_metadata can add: process, process.name"
                ) == true)
        #expect(
            buildFailure("add_process_metadata", ["include_fields": ["process.name", "process.name"]])?
                .contains("field 'process.name' repeated") == true)
        #expect(
            buildFailure("add_process_metadata", ["include_fields": ["process", "process.name"]])?
                .contains("repeated") == true)
        #expect(
            buildFailure("add_process_metadata", ["include_fields": ["a": "b"]])?.contains("expected a list") == true)
        #expect(buildFailure("add_process_metadata", ["overwrite_keys": "yes"])?.contains("expected a boolean") == true)
        #expect(
            buildFailure("add_process_metadata", ["cgroup_regex": "(a)(b)"])?
                .contains("cgroup_regex: cgroup_regex must contain exactly one capturing group") == true)
        #expect(
            buildFailure("add_process_metadata", ["cgroup_regex": "(unclosed"])?.contains("invalid regular expression")
                == true)
        #expect(
            buildFailure("add_process_metadata", ["cgroup_cache_expire_time": "often"])?.contains("expected a duration")
                == true)
        #expect(buildFailure("add_process_metadata", ["cache.ttl": "1m"])?.contains("unknown option") == true)
    }

    @Test func defaultMatchPidsArePidThenParentPid() throws {
        let host = try procHost()
        let p = try build(
            "add_process_metadata", ["target": "lookup", "include_fields": ["process.name"]],
            environment: host.environment)
        #expect(
            run(p, event(["process.parent.pid": .int(2)])).event?.value(at: "lookup.process.name")
                == .string("kthreadd"))
        #expect(
            run(p, event(["process.pid": .int(1), "process.parent.pid": .int(2)])).event?
                .value(at: "lookup.process.name") == .string("systemd"))
    }

    @Test func thisTestsOwnProcess() throws {
        let pid = Int64(getpid())
        let p = try build("add_process_metadata", ["match_pids": ["process.pid"], "overwrite_keys": true])
        let out = run(p, event(["process.pid": .int(pid)])).event
        let comm = try String(contentsOfFile: "/proc/self/comm", encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(out?.value(at: "process.name") == .string(comm))
        #expect(out?.value(at: "process.pid") == .int(pid))
        #expect(out?.value(at: "process.parent.pid") == .int(Int64(getppid())))
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #expect(out?.value(at: "process.executable") == .string(exe))
        #expect(out?.value(at: "process.args") == .strings(CommandLine.arguments))
        #expect(out?.value(at: "process.owner.id") == .string(String(getuid())))
        if case .timestamp(let start)? = out?.value(at: "process.start_time") {
            let now = Int64(Date().timeIntervalSince1970 * 1e9)
            #expect(start.nanoseconds <= now && start.nanoseconds > now - 86_400 * 1_000_000_000)
        } else {
            Issue.record("no start time")
        }
        #expect(out?.value(at: "process.entity_id")?.string?.count == 16)
    }
}
