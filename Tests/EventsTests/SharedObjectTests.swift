import NetModel
import Testing

@testable import Events

/// Objects many events share: removing a key from them (`SharedRemovalMemo`) and encoding them
/// (`SharedEncodings`) reuse the result for the same object, and only for it.
@Suite struct SharedObjectTests {
    /// A builtin-like object, as the pipeline merges it into every event.
    static func agent(_ id: String) -> Fields {
        var build = Fields()
        build.append("original", .string("wirebeat 0.1.0"))
        var agent = Fields()
        agent.append("type", .string("packetbeat"))
        agent.append("ephemeral_id", .string(id))
        agent.append("id", .string("1b7bd313-493a-4559-ba10-ac27f2a5a8f3"))
        agent.append("build", .object(build))
        return agent
    }

    static func event(_ n: Int, agent: Fields) -> Event {
        var fields = Fields()
        fields.append("n", .int(Int64(n)))
        fields.append("agent", .object(agent))
        var source = Fields()
        source.append("ip", .string("10.0.0.\(n % 250)"))
        fields.append("source", .object(source))
        return Event(timestamp: Timestamp(nanoseconds: Int64(n) * 1_000_000), fields: fields)
    }

    @Test func removalFromASharedObjectIsRememberedAndMatchesPlainRemoval() {
        let memo = SharedRemovalMemo()
        let path = FieldPath("agent.ephemeral_id")
        let shared = Self.agent("one")
        var outputs: [Fields] = []
        for n in 0..<4 {
            var e = Self.event(n, agent: shared)
            var plain = e
            let removed = e.fields.remove(path, memo: memo)
            #expect(removed)
            #expect(plain.fields.remove(path) == .string("one"))
            #expect(e == plain)
            outputs.append(e.fields["agent"]!.object!)
        }
        // The first removal notes the object, the second remembers it, later ones reuse the result.
        #expect(memo.rememberedAddress == shared.storageAddress)
        #expect(outputs[2].storageAddress == outputs[1].storageAddress)
        #expect(outputs[3].storageAddress == outputs[1].storageAddress)
        #expect(outputs[0].storageAddress != outputs[1].storageAddress)
        // The shared object itself is unchanged.
        #expect(shared["ephemeral_id"] == .string("one"))

        // Another object with equal content is not the remembered one: removed on its own, same outcome.
        let other = Self.agent("two")
        var e = Self.event(9, agent: other)
        let removedOther = e.fields.remove(path, memo: memo)
        #expect(removedOther)
        #expect(e.fields["agent"]?.object?["ephemeral_id"] == nil)
        #expect(e.fields["agent"]?.object?.storageAddress != outputs[1].storageAddress)
    }

    @Test func objectsHeldByOneEventAreNeitherCopiedNorRemembered() {
        let memo = SharedRemovalMemo()
        let path = FieldPath("source.ip")
        for n in 0..<4 {
            var e = Self.event(n, agent: Self.agent("x"))
            let before = e.fields["source"]!.object!.storageAddress
            // Binding the object above held it only for that statement: the event holds it alone again.
            let removed = e.fields.remove(path, memo: memo)
            #expect(removed)
            #expect(e.fields["source"]?.object?.storageAddress == before)
        }
        #expect(memo.rememberedAddress == nil)
    }

    @Test(arguments: ["agent", "agent.build.original", "agent.missing", "n.x", "missing.key", "agent.build"])
    func everyPathRemovesWhatPlainRemovalDoes(_ text: String) {
        let memo = SharedRemovalMemo()
        let path = FieldPath(text)
        let shared = Self.agent("one")
        for n in 0..<3 {
            var e = Self.event(n, agent: shared)
            var plain = e
            let removed = e.fields.remove(path, memo: memo)
            #expect(removed == (plain.fields.remove(path) != nil))
            #expect(e == plain)
        }
    }

    @Test func sharedObjectsAreEncodedOnceAndTheirBytesReused() {
        #expect(FieldValue.sharedReadInPlace)
        let encoder = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"))
        // This test runs on one thread throughout (no suspension point), so it sees that thread's cache alone.
        let shared = Self.agent("one")
        var lines: [String] = []
        var expected: [String] = []
        for n in 0..<3 {
            let e = Self.event(n, agent: shared)
            lines.append(encoder.encode(e))
            // A copy of the object that this event alone holds is written out, not taken from the cache.
            var alone = e
            alone.fields["agent"] = .object(Self.agent("one").unshared())
            expected.append(encoder.encode(alone))
        }
        let slots = SharedEncodings.current(escapeHTML: false, fractionDigits: 3).takeUnretainedValue().slots
        #expect(lines == expected)
        // Kept once: were the kept bytes not found again, each event would have kept them anew.
        #expect(slots.filter { $0.value.object?.storageAddress == shared.storageAddress }.count == 1)
        #expect(lines[0].contains(#""agent":{"type":"packetbeat","ephemeral_id":"one","#))
    }

    @Test func sharedListsAreEncodedOnceAndTheirBytesReused() {
        let encoder = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"))
        let tags = FieldValue.strings(["internal", "tls"])
        var lines: [String] = []
        for n in 0..<3 {
            var e = Self.event(n, agent: Self.agent("one"))
            e.fields.append("tags", tags)
            e.fields.append("empty", .array([]))
            // Every empty list and object shares one storage: the two must not be taken for each other.
            e.fields.append("none", .object(Fields()))
            lines.append(encoder.encode(e))
        }
        let storage = withUnsafePointer(to: tags) { FieldValue.payloadStorage(at: $0) }
        let slots = SharedEncodings.current(escapeHTML: false, fractionDigits: 3).takeUnretainedValue().slots
        #expect(slots.filter { $0.address == storage }.count == 1)
        for (n, line) in lines.enumerated() {
            #expect(line.hasSuffix(#","source":{"ip":"10.0.0.\#(n)"},"tags":["internal","tls"],"empty":[],"none":{}}"#))
        }
    }

    /// The thread's memory for the encoder's bytes passes from event to event, grows with a large one and is
    /// dropped after a very large one: every event must come out whole whatever came before it.
    @Test func eventsOfEverySizeInARowComeOutWhole() {
        let encoder = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"))
        func event(_ size: Int) -> Event {
            var fields = Fields()
            fields.append("text", .string(String(repeating: "x", count: size)))
            return Event(timestamp: Timestamp(nanoseconds: 1_000_000), fields: fields)
        }
        let prefix = #"{"@timestamp":"1970-01-01T00:00:00.001Z","@metadata":{"beat":"packetbeat","type":"_doc","version":"8.17.0"},"text":""#
        for size in [10, 5_000, 10, 100_000, 10, 2_100, 70_000, 3] {
            var out: [UInt8] = Array("kept|".utf8)
            encoder.encode(event(size), into: &out)
            #expect(out == Array(("kept|" + prefix + String(repeating: "x", count: size) + #""}"#).utf8), "\(size)")
        }
    }

    /// The start of `@metadata` is kept per identity: events with and without metadata of their own, from
    /// encoders of two identities in turn on one thread, must each come out as written in full.
    @Test func metadataStartsAreKeptPerIdentity() {
        let a = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"))
        let b = JSONEventEncoder(identity: BeatIdentity(beat: "wirebeat", type: "_doc", version: "9.0.0"))
        let plain = Event(timestamp: Timestamp(nanoseconds: 0), fields: ["n": .int(1)])
        var indexed = plain
        indexed.metadata["raw_index"] = .string("idx")
        let time = #"{"@timestamp":"1970-01-01T00:00:00.000Z","#
        for _ in 0..<3 {
            #expect(a.encode(plain) == time + #""@metadata":{"beat":"packetbeat","type":"_doc","version":"8.17.0"},"n":1}"#)
            #expect(a.encode(indexed) == time + #""@metadata":{"beat":"packetbeat","type":"_doc","version":"8.17.0","raw_index":"idx"},"n":1}"#)
            #expect(b.encode(indexed) == time + #""@metadata":{"beat":"wirebeat","type":"_doc","version":"9.0.0","raw_index":"idx"},"n":1}"#)
        }
    }

    @Test func aChangedObjectIsNotTakenForTheOneKept() {
        let encoder = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"))
        let shared = Self.agent("one")
        let first = encoder.encode(Self.event(1, agent: shared))
        // Changing a held object copies it: the copy has an address of its own and its own text.
        var changed = shared
        changed["type"] = .string("changed")
        let second = encoder.encode(Self.event(1, agent: changed))
        #expect(first.contains(#""type":"packetbeat""#))
        #expect(second.contains(#""type":"changed""#))
        #expect(!second.contains(#""type":"packetbeat""#))
    }

    @Test func otherSettingsDoNotReuseBytes() {
        let shared = Self.agent("<one>")
        let plain = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"))
        let html = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"), escapeHTML: true)
        let pretty = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"), pretty: true)
        let e = Self.event(1, agent: shared)
        #expect(plain.encode(e).contains(#""<one>""#))
        #expect(html.encode(e).contains(#""\u003cone\u003e""#))
        #expect(pretty.encode(e).contains("\"ephemeral_id\": \"<one>\""))
        #expect(plain.encode(e).contains(#""<one>""#))
    }
}

@Suite struct RenameKeyTests {
    @Test func renamesOnlyWhenFromIsThereAndToIsNot() {
        var f = Fields()
        f.set("flow.id", .string("x"))
        f.set("flow.final", .bool(true))
        f.set("flow.taken", .int(1))
        f.set("scalar", .int(2))
        let renamed = f.renameKey(besideLastKeyOf: FieldPath("flow.key"), from: "id", to: "key")
        #expect(renamed)
        #expect(f["flow"]?.object?.entries.map(\.key) == ["final", "taken", "key"])
        #expect(f.value(at: "flow.key") == .string("x"))
        let before = f
        let targetTaken = f.renameKey(besideLastKeyOf: FieldPath("flow.taken"), from: "final", to: "taken")
        #expect(!targetTaken)
        let sourceAbsent = f.renameKey(besideLastKeyOf: FieldPath("flow.other"), from: "absent", to: "other")
        #expect(!sourceAbsent)
        let throughScalar = f.renameKey(besideLastKeyOf: FieldPath("scalar.b"), from: "a", to: "b")
        #expect(!throughScalar)
        let noParent = f.renameKey(besideLastKeyOf: FieldPath("missing.parent.b"), from: "a", to: "b")
        #expect(!noParent)
        #expect(f == before)
        let topLevel = f.renameKey(besideLastKeyOf: FieldPath("number"), from: "scalar", to: "number")
        #expect(topLevel)
        #expect(f.entries.map(\.key) == ["flow", "number"])
    }
}
