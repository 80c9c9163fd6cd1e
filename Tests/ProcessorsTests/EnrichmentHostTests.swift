// add_host_metadata and add_observer_metadata on a fake host tree with fake interfaces, and once on this
// machine: the fields and their formats, netinfo, geo, the cache TTL, replace_fields / overwrite, option
// errors, and the documentation's examples.

import Config
import Events
import Foundation
import Testing

@testable import Processors

private func debianHost() throws -> FakeHost {
    let host = try FakeHost()
    try host.write(
        "/etc/os-release",
        "NAME=\"Debian GNU/Linux\"\nVERSION=\"12 (bookworm)\"\nID=debian\nVERSION_CODENAME=bookworm\n")
    try host.write("/etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n")
    try host.write("/proc/1/cgroup", "0::/docker/81438f4655cd771c425607dcf7654f4dc03c073c0123edc45fcfad28132e8c60\n")
    try host.write("/proc/sys/kernel/osrelease", "6.1.0-18-amd64\n")
    return host
}

private let fakeInterfaces: @Sendable () -> [NetworkInterface] = {
    [
        NetworkInterface(
            name: "lo", isLoopback: true, hardwareAddress: [0, 0, 0, 0, 0, 0], ipv4: ["127.0.0.1"], ipv6: ["::1"]),
        NetworkInterface(
            name: "eth0", hardwareAddress: [0x02, 0x42, 0xac, 0x11, 0x00, 0x02], ipv4: ["172.17.0.2"],
            ipv6: ["fe80::42:acff:fe11:2"]),
        NetworkInterface(name: "eth1", hardwareAddress: [0x00, 0x00, 0x5e, 0x00, 0x53, 0x23], ipv4: ["192.0.2.7"]),
        NetworkInterface(name: "bond0", hardwareAddress: [0x00, 0x00, 0x5e, 0x00, 0x53, 0x23]),
        NetworkInterface(name: "wg0", ipv4: ["10.8.0.1"]),
    ]
}

private func options(_ config: KeyValuePairs<String, Any?>, name: String = "add_host_metadata") throws
    -> ProcessorOptions
{
    guard case .map(let map) = cv(config) else { fatalError("options must be a map") }
    return ProcessorOptions(entry: entry(name, config), base: name, map: map, environment: ProcessorEnvironment())
}

@Suite struct AddHostMetadataTests {
    @Test func fieldsOfAFakeHost() throws {
        let host = try debianHost()
        let p = AddHostMetadata.make(
            try MachineMetadataOptions(options([:])), hostName: nil, replaceFields: true,
            source: MachineFactsSource(root: host.root, hostname: "Web-01", interfaces: fakeInterfaces))
        let out = run(p, event(["host.name": .string("packetbeat")])).event
        let machine = HostFacts.kernelNames().machine
        #expect(
            out?.value(at: "host")
                == .object([
                    "name": .string("web-01"), "hostname": .string("web-01"), "architecture": .string(machine),
                    "os": .object([
                        "type": .string("linux"), "platform": .string("debian"), "version": .string("12 (bookworm)"),
                        "family": .string("debian"), "name": .string("Debian GNU/Linux"),
                        "kernel": .string("6.1.0-18-amd64"),
                        "codename": .string("bookworm"),
                    ]),
                    "id": .string("3d1219c7c4c5404aaa1f6d2a48adfda4"), "containerized": .bool(true),
                    "ip": .strings(["172.17.0.2", "fe80::42:acff:fe11:2", "192.0.2.7", "10.8.0.1"]),
                    "mac": .strings(["00-00-5E-00-53-23", "02-42-AC-11-00-02"]),
                ]))
    }

    @Test func netinfoCanBeTurnedOff() throws {
        let host = try debianHost()
        let p = try build("add_host_metadata", ["netinfo": ["enabled": false]], environment: host.environment)
        let out = run(p, event()).event
        #expect(out?.value(at: "host.ip") == nil && out?.value(at: "host.mac") == nil)
        #expect(out?.value(at: "host.id") == .string("3d1219c7c4c5404aaa1f6d2a48adfda4"))
    }

    @Test func thisMachinesInterfaces() throws {
        let p = try build("add_host_metadata")
        let out = run(p, event()).event
        let ips =
            out?.value(at: "host.ip").map { value -> [FieldValue] in if case .array(let a) = value { a } else { [] } }
            ?? []
        #expect(!ips.contains(.string("127.0.0.1")) && !ips.contains(.string("::1")))
        if case .array(let macs)? = out?.value(at: "host.mac") {
            for case .string(let mac) in macs {
                #expect(mac.range(of: "^[0-9A-F]{2}(-[0-9A-F]{2})+$", options: .regularExpression) != nil)
            }
            #expect(macs == macs.sorted { $0.string! < $1.string! })
        }
        #expect(out?.value(at: "host.hostname") == .string(ProcessorEnvironment().hostname.lowercased()))
        #expect(out?.value(at: "host.os.type") == .string("linux"))
    }

    @Test func replaceFieldsMergesOverHostByDefault() throws {
        let host = try debianHost()
        let p = try build("add_host_metadata", ["netinfo": ["enabled": false]], environment: host.environment)
        let out = run(p, event(["host.name": .string("old"), "host.rack": .string("r12")])).event
        #expect(out?.value(at: "host.name") == .string("web-01"))
        #expect(out?.value(at: "host.rack") == .string("r12"))
    }

    @Test(arguments: [
        ([("host.name", FieldValue.string("packetbeat"))], true),
        ([("network.type", .string("ipv4"))], true),
        ([("host.name", .string("forwarded")), ("host.id", .string("abc"))], false),
        ([("host.ip", .strings(["10.0.0.1"]))], false),
        ([("host", .object([:]))], false),
        ([("host", .string("not an object"))], true),
    ])
    func replaceFieldsFalseKeepsAnotherHostsFields(fields: [(String, FieldValue)], adds: Bool) throws {
        let host = try debianHost()
        let p = try build(
            "add_host_metadata", ["replace_fields": false, "netinfo": ["enabled": false]],
            environment: host.environment)
        var before = event()
        for (path, value) in fields { before.fields.set(path, value) }
        let out = run(p, before).event
        #expect((out?.value(at: "host.os.family") == .string("debian")) == adds)
        if !adds { #expect(out == before) }
    }

    @Test func nameOptionOverridesHostName() throws {
        let host = try debianHost()
        let p = try build(
            "add_host_metadata", ["name": "edge-sensor-3", "netinfo": ["enabled": false]],
            environment: host.environment)
        let out = run(p, event()).event
        #expect(out?.value(at: "host.name") == .string("edge-sensor-3"))
        #expect(out?.value(at: "host.hostname") == .string("web-01"))
    }

    @Test func geoFieldsAreStaticAndBlankOnesDropped() throws {
        let host = try debianHost()
        let p = try build(
            "add_host_metadata",
            [
                "netinfo": ["enabled": false],
                "geo": [
                    "name": "ams-dc2-rack7", "location": "52.3676, 4.9041", "continent_name": "Europe",
                    "country_name": "Netherlands", "country_iso_code": "NL", "region_name": "North Holland",
                    "region_iso_code": "NL-NH", "city_name": "  ",
                ],
            ], environment: host.environment)
        #expect(
            run(p, event()).event?.value(at: "host.geo")
                == .object([
                    "name": .string("ams-dc2-rack7"), "location": .string("52.3676, 4.9041"),
                    "continent_name": .string("Europe"),
                    "country_name": .string("Netherlands"), "country_iso_code": .string("NL"),
                    "region_name": .string("North Holland"), "region_iso_code": .string("NL-NH"),
                ]))
    }

    @Test(arguments: ["garbage", "9999999999", "52.1;4.9", "north, east"])
    func badGeoLocationIsAConfigError(location: String) {
        #expect(
            buildFailure("add_host_metadata", ["geo": ["location": location]])?
                .contains("processors.0.add_host_metadata.geo.location: invalid lat,lon string") == true)
    }

    @Test func optionTypesAreChecked() {
        #expect(buildFailure("add_host_metadata", ["netinfo": "yes"])?.contains("expected a map") == true)
        #expect(
            buildFailure("add_host_metadata", ["netinfo": ["enabled": "yes"]])?.contains("expected a boolean") == true)
        #expect(buildFailure("add_host_metadata", ["netinfo": ["enable": true]])?.contains("unknown option") == true)
        #expect(buildFailure("add_host_metadata", ["cache": ["ttl": "soon"]])?.contains("expected a duration") == true)
        #expect(buildFailure("add_host_metadata", ["geo": ["town": "x"]])?.contains("geo.town: unknown option") == true)
        #expect(buildFailure("add_host_metadata", ["replace_fields": "no"])?.contains("expected a boolean") == true)
        #expect(buildFailure("add_host_metadata", ["overwrite": true])?.contains("unknown option") == true)
        #expect(buildFailure("add_host_metadata", ["cache": ["ttl": "-1s"]]) == nil)
    }

    @Test func cacheTTLControlsRereading() throws {
        let offset = Locked(Duration.zero)
        let base = ContinuousClock.now
        let clock: MonotonicClock = { base + offset.withLock { $0 } }
        for (ttl, loadsAfterThreeCalls, loadsAfterSixMinutes) in [
            (Duration.seconds(300), 1, 2), (.zero, 3, 4),
            (.seconds(-1), 3, 4),
        ] {
            let loads = Locked(0)
            offset.withLock { $0 = .zero }
            let snapshot = MetadataSnapshot(ttl: ttl, clock: clock) {
                loads.withLock { $0 += 1 }
                return ["n": .int(Int64(loads.withLock { $0 }))]
            }
            for _ in 0..<3 { _ = snapshot.current() }
            #expect(loads.withLock { $0 } == loadsAfterThreeCalls)
            offset.withLock { $0 = .seconds(360) }
            #expect(snapshot.current() == ["n": .int(Int64(loadsAfterSixMinutes))])
        }
    }

    @Test func factsAreReadAgainAfterTheTTL() throws {
        let host = try debianHost()
        let offset = Locked(Duration.zero)
        let base = ContinuousClock.now
        var source = MachineFactsSource(root: host.root, hostname: "web-01", interfaces: { [] })
        source.clock = { base + offset.withLock { $0 } }
        let opts = try MachineMetadataOptions(options(["cache": ["ttl": "1m"]]))
        let p = AddHostMetadata.make(opts, hostName: nil, replaceFields: true, source: source)
        #expect(run(p, event()).event?.value(at: "host.id") == .string("3d1219c7c4c5404aaa1f6d2a48adfda4"))
        try host.write("/etc/machine-id", "00000000000000000000000000000001\n")
        #expect(run(p, event()).event?.value(at: "host.id") == .string("3d1219c7c4c5404aaa1f6d2a48adfda4"))
        offset.withLock { $0 = .seconds(61) }
        #expect(run(p, event()).event?.value(at: "host.id") == .string("00000000000000000000000000000001"))
    }

    @Test func docsExampleFromYAML() throws {
        let host = try debianHost()
        let processors = try chain(
            yaml: """
                processors:
                  - add_host_metadata:
                      cache.ttl: 5m
                      geo:
                        name: nyc-dc1-rack1
                        location: 40.7128, -74.0060
                        continent_name: North America
                        country_iso_code: US
                        region_name: New York
                        region_iso_code: NY
                        city_name: New York
                """, environment: host.environment)
        let out = run(processors, event())
        #expect(out?.value(at: "host.geo.location") == .string("40.7128, -74.0060"))
        #expect(out?.value(at: "host.geo.city_name") == .string("New York"))
        #expect(out?.value(at: "host.geo.name") == .string("nyc-dc1-rack1"))
        #expect(out?.value(at: "host.name") == .string("web-01"))
        #expect(out?.value(at: "host.os.family") == .string("debian"))
        #expect(out?.value(at: "host.architecture") == .string(HostFacts.kernelNames().machine))
    }
}

@Suite struct AddObserverMetadataTests {
    @Test func addsHostnameAddressesAndGeo() throws {
        let p = AddObserverMetadata.make(
            try MachineMetadataOptions(options(["geo": ["name": "tap-1"]], name: "add_observer_metadata")),
            overwrite: false, source: MachineFactsSource(root: "", hostname: "Sensor-A", interfaces: fakeInterfaces))
        #expect(
            run(p, event()).event?.value(at: "observer")
                == .object([
                    "hostname": .string("sensor-a"),
                    "ip": .strings(["172.17.0.2", "fe80::42:acff:fe11:2", "192.0.2.7", "10.8.0.1"]),
                    "mac": .strings(["00-00-5E-00-53-23", "02-42-AC-11-00-02"]),
                    "geo": .object(["name": .string("tap-1")]),
                ]))
    }

    @Test func anExistingObserverIsKeptUnlessOverwrite() throws {
        let before = event(["observer.vendor": .string("elastic"), "observer.type": .string("packetbeat")])
        let keep = try build("add_observer_metadata")
        #expect(run(keep, before) == (before, .keep))
        let replace = try build("add_observer_metadata", ["overwrite": true, "netinfo": ["enabled": false]])
        #expect(
            run(replace, before).event?.value(at: "observer")
                == .object(["hostname": .string(ProcessorEnvironment().hostname.lowercased())]))
    }

    @Test func optionsAreChecked() {
        #expect(buildFailure("add_observer_metadata", ["replace_fields": true])?.contains("unknown option") == true)
        #expect(
            buildFailure("add_observer_metadata", ["overwrite": "sometimes"])?.contains("expected a boolean") == true)
        #expect(
            buildFailure("add_observer_metadata", ["geo": ["location": "north"]])?.contains("invalid lat,lon") == true)
        #expect(buildFailure("add_observer_metadata", ["cache": ["ttl": 30]]) == nil)
    }

    @Test func docsExampleFromYAML() throws {
        let processors = try chain(
            yaml: """
                processors:
                  - add_observer_metadata:
                      cache.ttl: 5m
                      geo:
                        name: nyc-dc1-rack1
                        location: 40.7128, -74.0060
                        continent_name: North America
                        country_iso_code: US
                        region_name: New York
                        region_iso_code: NY
                        city_name: New York
                """)
        let out = run(processors, event(["network.transport": .string("tcp")]))
        #expect(out?.value(at: "observer.hostname") == .string(ProcessorEnvironment().hostname.lowercased()))
        #expect(out?.value(at: "observer.geo.region_iso_code") == .string("NY"))
        #expect(out?.value(at: "observer.geo.continent_name") == .string("North America"))
        #expect(out?.value(at: "network.transport") == .string("tcp"))
    }
}
