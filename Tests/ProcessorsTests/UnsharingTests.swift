// Per-worker copies of processors (Sources/Processors/Core/Unsharing.swift): they do what the originals do, and
// share no counted storage with them (their paths are interned, which takes no reference count).

import Config
@testable import Events
import NetModel
import Testing
@testable import Processors

/// The address of an array's storage (nil when empty).
private func storage<T>(_ array: [T]) -> UnsafeRawPointer? {
    array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
}

/// Whether a path's keys are interned: shared by every copy, with no reference count to contend for.
private func interned(_ path: EventPath) -> Bool { path.path.isInterned }

@Suite struct UnsharingTests {
    static let yaml = """
        processors:
        - drop_event.when.and:
          - equals.network.transport: icmp
          - network.destination.ip: [loopback]
        - drop_event.when.or:
          - contains.flow.note: forbidden
          - regexp.flow.note: '^x+$'
          - range.source.bytes.gte: 1000000
          - not.has_fields: [source.ip]
        - drop_fields: {fields: [agent.ephemeral_id, ecs], ignore_missing: true}
        - add_fields: {target: observer, fields: {name: sensor-1, type: sniffer}}
        - add_network_direction:
            source: source.ip
            destination: destination.ip
            target: network.direction
            internal_networks: [private]
        - rename: {fields: [{from: flow.id, to: flow.key}], ignore_missing: true}
        - add_tags: {tags: [internal], when.network.destination.ip: private}
        - convert: {fields: [{from: destination.port, to: destination.port_text, type: string}], ignore_missing: true}
        - truncate_fields: {fields: [flow.note], max_characters: 4, ignore_missing: true}
        - registered_domain: {field: server.domain, target_field: server.registered_domain, ignore_missing: true}
        """

    static let events: [Event] = [
        event([
            "source.ip": .string("10.0.0.1"), "destination.ip": .string("10.0.0.2"), "destination.port": .uint(443),
            "network.transport": .string("tcp"), "flow.id": .string("an id long enough to be stored apart"),
            "agent.ephemeral_id": .string("x"), "ecs.version": .string("8.0.0"), "flow.note": .string("notable"),
            "source.bytes": .uint(10), "server.domain": .string("www.example.co.uk"),
        ]),
        event([
            "source.ip": .string("192.0.2.1"), "destination.ip": .string("127.0.0.1"),
            "network.transport": .string("icmp"),
        ]),
        event(["source.ip": .string("198.51.100.7"), "destination.ip": .string("10.1.2.3"), "flow.note": .string("xy")]),
        event(["source.ip": .string("10.0.0.5"), "destination.ip": .string("10.1.2.3"), "flow.note": .string("xxx")]),
        event(["destination.ip": .string("10.1.2.3")]),
        event([
            "source.ip": .string("10.9.9.9"), "destination.ip": .string("203.0.113.5"), "source.bytes": .uint(5),
            "destination.port": .uint(8443), "flow.note": .string("a forbidden word"),
        ]),
    ]

    @Test func unsharedChainsDoWhatTheOriginalsDo() throws {
        let original = try chain(yaml: Self.yaml)
        let copy = original.unshared()
        #expect(copy.processors.count == original.processors.count)
        var kept = 0
        for e in Self.events {
            let expected = run(original, e)
            #expect(run(copy, e) == expected)
            if expected != nil { kept += 1 }
        }
        // The events exercise both outcomes.
        #expect(kept == 2)
    }

    @Test func unsharedProcessorsShareNoStorageWithTheOriginals() throws {
        let original = try chain(yaml: Self.yaml).processors
        let copy = original.map { $0.unshared() }

        func pair<T>(_ index: Int, as: T.Type) throws -> (T, T) {
            (try #require(original[index] as? T), try #require(copy[index] as? T))
        }
        let (dropA, dropB) = try pair(0, as: ConditionalProcessor.self)
        guard case .and(let a) = dropA.condition, case .and(let b) = dropB.condition,
            case .equals(let ea) = a[0], case .equals(let eb) = b[0], case .network(let na) = a[1],
            case .network(let nb) = b[1]
        else {
            Issue.record("unexpected conditions")
            return
        }
        #expect(storage(ea) != storage(eb) && interned(ea[0].field) && interned(eb[0].field))
        #expect(interned(na[0].field) && interned(nb[0].field) && storage(na[0].ranges) != storage(nb[0].ranges))

        let (orA, orB) = try pair(1, as: ConditionalProcessor.self)
        guard case .or(let oa) = orA.condition, case .or(let ob) = orB.condition,
            case .contains(let ca) = oa[0], case .contains(let cb) = ob[0], case .not(let notA) = oa[3],
            case .not(let notB) = ob[3], case .hasFields(let ha) = notA, case .hasFields(let hb) = notB
        else {
            Issue.record("unexpected conditions")
            return
        }
        #expect(interned(ca[0].field) && interned(cb[0].field) && interned(ha[0]) && interned(hb[0]))

        let (dropFieldsA, dropFieldsB) = try pair(2, as: DropFields.self)
        #expect(storage(dropFieldsA.fields) != storage(dropFieldsB.fields))
        #expect(interned(dropFieldsA.fields[0]) && interned(dropFieldsB.fields[0]))

        let (addA, addB) = try pair(3, as: AddFields.self)
        #expect(storage(addA.fields.items) != storage(addB.fields.items))

        let (directionA, directionB) = try pair(4, as: AddNetworkDirection.self)
        #expect(interned(directionA.source) && interned(directionB.source))
        #expect(storage(directionA.internalNetworks) != storage(directionB.internalNetworks))

        let (renameA, renameB) = try pair(5, as: RenameFields.self)
        #expect(interned(renameA.fields[0].from) && interned(renameB.fields[0].from))

        let (tagsA, tagsB) = try pair(6, as: ConditionalProcessor.self)
        let (innerA, innerB) = (try #require(tagsA.inner as? AddTags), try #require(tagsB.inner as? AddTags))
        #expect(storage(innerA.values) != storage(innerB.values) && interned(innerA.target) && interned(innerB.target))

        let (convertA, convertB) = try pair(7, as: Convert.self)
        #expect(interned(convertA.conversions[0].from) && interned(convertB.conversions[0].from))

        let (truncateA, truncateB) = try pair(8, as: TruncateFields.self)
        #expect(interned(truncateA.fields[0]) && interned(truncateB.fields[0]))

        let (domainA, domainB) = try pair(9, as: RegisteredDomain.self)
        #expect(interned(domainA.field) && interned(domainB.field))
    }
}
