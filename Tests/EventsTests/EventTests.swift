import Foundation
import NetModel
import Testing

@testable import Events

@Suite struct FieldsTests {
    @Test func dottedSetCreatesNestedObjectsInInsertionOrder() {
        var f = Fields()
        f.set("network.transport", .string("tcp"))
        f.set("network.type", .string("ipv4"))
        f.set("type", .string("flow"))
        #expect(f.value(at: "network.transport") == .string("tcp"))
        #expect(f.entries.map(\.key) == ["network", "type"])
        #expect(f["network"]?.object?.entries.map(\.key) == ["transport", "type"])
    }

    @Test func walkTellsFoundMissingAndBlockedApart() {
        var f = Fields()
        f.set("network.transport", .string("tcp"))
        f.set("tags", .strings(["a"]))
        f.set("näme.ünï", .int(1))
        f.set("a..b", .int(2))  // an empty key between the dots
        #expect(f.walk("network.transport") == .found(.string("tcp")))
        #expect(f.walk("network") == .found(.object(["transport": .string("tcp")])))
        #expect(f.walk("network.type") == .missing)
        #expect(f.walk("networks.transport") == .missing)
        #expect(f.walk("netw") == .missing)  // a prefix of a key is not the key
        #expect(f.walk("network.transport.x") == .blocked(.string("tcp")))
        #expect(f.walk("tags.0") == .blocked(.strings(["a"])))
        #expect(f.walk("näme.ünï") == .found(.int(1)))
        #expect(f.walk("näme.ünï.") == .blocked(.int(1)))
        #expect(f.walk("a..b") == .found(.int(2)))
        #expect(f["a"]?.object?[""]?.object?["b"] == .int(2))
        #expect(f.walkToParent(of: "network") == nil)
        #expect(f.walkToParent(of: "network.transport") == .found(.object(["transport": .string("tcp")])))
        #expect(f.walkToParent(of: "network.transport.x.y") == .blocked(.string("tcp")))
        #expect(f.walkToParent(of: "source.ip") == .missing)
        // Keys compare byte for byte: a canonically equivalent spelling is another key.
        let composed = "\u{E9}", decomposed = "e\u{301}"
        f.set(composed, .int(3))
        #expect(f.walk(decomposed) == .missing)
        #expect(f.value(at: composed) == .int(3))
    }

    @Test func setReplacesNonObjectIntermediates() {
        var f: Fields = ["a": .string("x")]
        f.set("a.b", .int(1))
        #expect(f.value(at: "a.b") == .int(1))
    }

    @Test func removeReturnsValueAndLeavesSiblings() {
        var f = Fields()
        f.set("source.ip", .string("1.2.3.4"))
        f.set("source.port", .uint(80))
        #expect(f.remove("source.ip") == .string("1.2.3.4"))
        #expect(f.value(at: "source.ip") == nil)
        #expect(f.value(at: "source.port") == .uint(80))
        #expect(f.remove("missing.path") == nil)
    }

    @Test func mergeIsDeepAndRespectsOverwrite() {
        var a: Fields = ["x": .object(["y": .int(1), "z": .int(2)]), "k": .string("keep")]
        let b: Fields = ["x": .object(["y": .int(9)]), "k": .string("new")]
        var c = a
        a.merge(b, overwrite: true)
        #expect(a.value(at: "x.y") == .int(9))
        #expect(a.value(at: "x.z") == .int(2))
        #expect(a["k"] == .string("new"))
        c.merge(b, overwrite: false)
        #expect(c.value(at: "x.y") == .int(1))
        #expect(c["k"] == .string("keep"))
    }

    @Test func removeNullsDropsNullMembersRecursively() {
        var f: Fields = ["a": .null, "b": .object(["c": .null, "d": .int(1)]), "e": .array([.null, .int(2)])]
        f.removeNulls()
        #expect(f["a"] == nil)
        #expect(f.value(at: "b.c") == nil)
        #expect(f.value(at: "b.d") == .int(1))
        #expect(f["e"] == .array([.int(2)]))
    }

    @Test func aNullOnlyInAListOrANestedObjectIsFoundAndRemoved() {
        // Each alone: the check that skips events without nulls must see a null in a list and one nested deep.
        var inList: Fields = ["a": .int(1), "e": .array([.string("x"), .null])]
        inList.removeNulls()
        #expect(inList["e"] == .array([.string("x")]) && inList["a"] == .int(1))
        var nested: Fields = ["a": .int(1), "b": .object(["c": .object(["d": .null, "f": .bool(true)])])]
        nested.removeNulls()
        #expect(nested.value(at: "b.c") == .object(["f": .bool(true)]))
        var none: Fields = ["a": .array([.int(1)]), "b": .object(["c": .string("")])]
        let before = none
        none.removeNulls()
        #expect(none == before)
    }

    @Test func keysOfEveryShortLengthAreFoundInEitherStorage() {
        // Keys of up to 15 bytes are compared as the two words of a small String; the same text stored out of
        // line (reserveCapacity) is compared byte by byte. Lookups must agree whichever side is which, for keys
        // that differ only in their last byte, and for non-ASCII keys.
        for length in 1...17 {
            for stem in ["k", "é"] where stem.utf8.count <= length {
                let prefix = String(repeating: stem, count: length / stem.utf8.count)
                let fill = String(repeating: "x", count: length - prefix.utf8.count)
                let key = prefix + fill
                let sibling = String(key.dropLast()) + "y"
                var stored = key
                stored.reserveCapacity(64)
                var probe = key
                probe.reserveCapacity(64)
                for (keyInFields, keyAsked) in [(key, key), (stored, key), (key, probe), (stored, probe)] {
                    var fields: Fields = ["a": .int(0), sibling: .int(1)]
                    fields[keyInFields] = .int(2)
                    fields["z"] = .int(3)
                    #expect(fields[keyAsked] == .int(2), "\(length) \(key)")
                    #expect(fields.value(at: keyAsked) == .int(2), "\(length) \(key)")
                    #expect(fields.value(at: "a." + keyAsked) == nil)
                    #expect(fields.remove(keyAsked) == .int(2))
                    #expect(fields[sibling] == .int(1) && fields[keyAsked] == nil && fields.count == 3)
                }
            }
        }
    }

    @Test func eventResolvesTimestampAndMetadataPaths() {
        let e = Event(timestamp: Timestamp(nanoseconds: 5), metadata: ["raw_index": .string("idx")], fields: ["a": .int(1)])
        #expect(e.value(at: "@timestamp") == .timestamp(Timestamp(nanoseconds: 5)))
        #expect(e.value(at: "@metadata.raw_index") == .string("idx"))
        #expect(e.value(at: "a") == .int(1))
    }
}

@Suite struct JSONEncoderTests {
    let encoder = JSONEventEncoder(identity: BeatIdentity(version: "8.15.0"))

    /// Nested objects and lists are read in place by the Array ABI; this runtime must be one where that holds
    /// (else the encoder falls back to copying, which is correct but slower), and deep, wide, empty and mixed
    /// nestings must encode exactly as the same tree parsed back from its JSON.
    @Test func nestedObjectsAndListsReadInPlaceEncodeTheWholeTree() throws {
        #expect(FieldValue.payloadsReadInPlace)
        var g = 0
        func tree(_ depth: Int) -> FieldValue {
            g += 1
            switch (depth, g % 5) {
            case (0, _), (_, 0): return .int(Int64(g))
            case (_, 1): return .array([])
            case (_, 2): return .object(Fields())
            case (_, 3): return .array((0..<(g % 4 + 1)).map { _ in tree(depth - 1) })
            default:
                var f = Fields()
                for i in 0..<(g % 6 + 1) { f.append("k\(i)-\(g)", tree(depth - 1)) }
                return .object(f)
            }
        }
        for round in 0..<50 {
            let value = tree(1 + round % 5)
            let e = Event(timestamp: Timestamp(nanoseconds: 0), fields: ["v": value])
            let json = encoder.encode(e)
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let options: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed]
            let reencoded = try JSONSerialization.data(withJSONObject: decoded["v"] as Any, options: options)
            let direct = try JSONSerialization.data(withJSONObject: Self.foundation(value), options: options)
            #expect(reencoded == direct, "\(json)")
        }
    }

    /// String values are written from their two words where they lie when small and plain; every other string
    /// (needing an escape, non-ASCII, or too long to be small) takes the general path. Both must give the JSON of
    /// the string, in objects and in lists.
    @Test func stringValuesReadInPlaceEncodeAsTheirText() throws {
        #expect(FieldValue.stringWordsReadInPlace)
        let pieces = ["a", "Z", "9", " ", "\"", "\\", "\n", "\u{1}", "<", "&", "é", "\u{2028}", "/"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0...20, using: &generator)
            let text = (0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let e = Event(
                timestamp: Timestamp(nanoseconds: 0), fields: ["s": .string(text), "l": .strings([text, "x"])])
            let json = encoder.encode(e)
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(decoded["s"] as? String == text, "\(json)")
            #expect(decoded["l"] as? [String] == [text, "x"], "\(json)")
            let plain = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "/") }
            if text.utf8.count <= 15 && plain {
                #expect(json.contains("\"s\":\"\(text)\""), "\(json)")
            }
        }
    }

    static func foundation(_ v: FieldValue) -> Any {
        switch v {
        case .int(let i): return i
        case .array(let items): return items.map(foundation)
        case .object(let f): return Dictionary(uniqueKeysWithValues: f.entries.map { ($0.key, foundation($0.value)) })
        default: return NSNull()
        }
    }

    @Test func envelopePutsTimestampAndMetadataFirst() {
        let e = Event(
            timestamp: Timestamp(nanoseconds: 1_546_300_800_123_456_789), metadata: ["pipeline": .string("p")],
            fields: ["type": .string("flow"), "n": .uint(3)])
        #expect(
            encoder.encode(e)
                == #"{"@timestamp":"2019-01-01T00:00:00.123Z","@metadata":{"beat":"packetbeat","type":"_doc","version":"8.15.0","pipeline":"p"},"type":"flow","n":3}"#
        )
    }

    @Test(arguments: [
        (FieldValue.string("a\"b\\c"), #""a\"b\\c""#),
        (.string("line\nbreak\ttab\r"), #""line\nbreak\ttab\r""#),
        (.string("\u{01}"), #""\u0001""#),
        (.string("<&>"), #""<&>""#),
        (.string("é漢😀"), "\"é漢😀\""),
        (.string("\u{2028}"), #""\u2028""#),
        (.int(-42), "-42"),
        (.uint(18_446_744_073_709_551_615), "18446744073709551615"),
        (.double(1.5), "1.5"),
        (.double(3.0), "3"),
        (.double(1e-7), "1e-07"),
        (.bool(true), "true"),
        (.null, "null"),
        (.array([.int(1), .string("x")]), #"[1,"x"]"#),
        (.object([:]), "{}"),
        (.array([]), "[]"),
    ])
    func encodesValuesLikeGo(value: FieldValue, json: String) {
        #expect(encoder.encode(value: value) == json)
    }

    @Test func membersEncodeTheirValuesAsBareValuesDo() {
        // A member's small plain key is written from its words, a longer key by the general path; either way every
        // value must come out as it does alone, first or after a comma.
        var values: [FieldValue] = [
            .string(""), .string("x"), .string("fifteen bytes.."), .string("sixteen bytes..."), .string("é漢"),
            .int(0), .int(9), .int(10), .int(-1), .int(-42), .int(.min), .int(.max), .uint(0), .uint(.max),
            .double(1.5), .double(3.0), .double(-0.25), .bool(true), .bool(false), .null,
            .timestamp(Timestamp(nanoseconds: 1_546_300_800_123_456_789)), .timestamp(Timestamp(nanoseconds: -1)),
            .timestamp(.zero), .array([.int(1), .string("y")]), .object(["x": .int(1)]),
        ]
        values += ["\"", "\\", "\n", "\u{01}", "<", ">", "&", "\u{2028}", "a<b", "q\"q"].map { .string($0) }
        for html in [false, true] {
            var e = encoder
            e.escapeHTML = html
            for value in values {
                let bare = e.encode(value: value)
                #expect(e.encode(value: .object(["k": value])) == #"{"k":"# + bare + "}")
                #expect(
                    e.encode(value: .object(["first": .int(1), "k": value, "last": value]))
                        == #"{"first":1,"k":"# + bare + #","last":"# + bare + "}")
                #expect(e.encode(value: .object(["a key of twenty bytes": value])) == #"{"a key of twenty bytes":"# + bare + "}")
            }
        }
    }

    @Test func escapesHTMLOnlyWhenAsked() {
        var e = encoder
        e.escapeHTML = true
        #expect(e.encode(value: .string("<a&b>")) == #""\u003ca\u0026b\u003e""#)
    }

    @Test func skipsNonFiniteDoubles() {
        let ev = Event(timestamp: .zero, fields: ["a": .double(.nan), "b": .int(1), "c": .array([.double(.infinity), .int(2)])])
        #expect(encoder.encode(ev).hasSuffix(#""b":1,"c":[2]}"#))
    }

    @Test func prettyIndentsWithTwoSpaces() {
        var e = encoder
        e.pretty = true
        #expect(e.encode(value: .object(["a": .array([.int(1)]), "b": .object([:])])) == "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}")
    }

    @Test(arguments: [63, 64, 65, 70, 130])
    func deepNestingKeepsCommasRightAtEveryLevel(depth: Int) {
        // Each level holds a member before and after the nested one: a comma is due on both sides of it.
        var value = FieldValue.array([.int(0), .object([:])])
        var expected = "[0,{}]"
        for level in 1...depth {
            value = .object(["before": .int(Int64(level)), "inner": value, "after": .bool(true)])
            expected = "{\"before\":\(level),\"inner\":\(expected),\"after\":true}"
        }
        #expect(encoder.encode(value: value) == expected)
        var e = encoder
        e.pretty = true
        let pretty = e.encode(value: value)
        #expect(pretty.filter { !$0.isWhitespace } == expected)
        #expect(pretty.contains("\n" + String(repeating: "  ", count: depth) + "\"before\""))
    }

    @Test(arguments: ["\"", "\\", "\n", "\u{01}", "\u{1f}", "<", ">", "&", "é", "\u{2028}", "€", " ", "~", ""])
    func shortStringsEncodeAsTheSameTextInLongStorage(special: String) throws {
        // Strings of up to 15 bytes live inside the String value and take the encoder's small-string path; the
        // same text in heap storage (reserveCapacity) takes the general path. Both must give the same JSON, as
        // values and as keys, at every length and position.
        for html in [false, true] {
            var e = encoder
            e.escapeHTML = html
            for length in 0...15 {
                for position in 0...length where special.utf8.count + length <= 15 {
                    let small = String(repeating: "a", count: position) + special
                        + String(repeating: "b", count: length - position)
                    var large = small
                    large.reserveCapacity(64)
                    let json = e.encode(value: .string(small))
                    #expect(json == e.encode(value: .string(large)), "\(json)")
                    let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
                    #expect(decoded as? String == small, "\(json)")
                    let asKey = e.encode(value: .object(Fields(dictionaryLiteral: (small, .int(1)))))
                    #expect(asKey == e.encode(value: .object(Fields(dictionaryLiteral: (large, .int(1))))), "\(asKey)")
                    #expect(asKey == "{" + json + ":1}")
                }
            }
        }
    }

    @Test(arguments: ["\"", "\\", "\n", "\u{01}", "\u{1f}", "<", ">", "&", "é", "\u{2028}", "\u{2029}", "€", " ", "~"])
    func everyPositionOfALongStringIsEscapedAsNeeded(special: String) throws {
        // The plain-text check reads two overlapping words of a string of 8 to 15 bytes and blocks of sixteen
        // bytes of a longer one, the last block overlapping the one before: put the character at every offset
        // of strings whose lengths fall on and around those boundaries.
        for html in [false, true] {
            var e = encoder
            e.escapeHTML = html
            for length in [9, 15, 16, 17, 27, 32, 33, 47] {
                for position in 0..<(length - special.utf8.count + 1) {
                    let text = String(repeating: "a", count: position) + special
                        + String(repeating: "b", count: length - special.utf8.count - position)
                    let json = e.encode(value: .string(text))
                    let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) as? String
                    #expect(decoded == text, "\(json)")
                    #expect(!json.utf8.contains { $0 < 0x20 }, "\(json)")
                    if html && "<>&".contains(special) { #expect(json.contains("\\u00"), "\(json)") }
                    if special == "\u{2028}" { #expect(json.contains("\\u2028"), "\(json)") }
                    if special == "~" || special == " " || special == "é" || (!html && "<>&".contains(special)) {
                        #expect(json == "\"" + text + "\"")
                    }
                }
            }
        }
    }

    @Test func microsecondPrecision() {
        var e = encoder
        e.fractionDigits = 6
        #expect(e.encode(value: .timestamp(Timestamp(nanoseconds: 1_500_000_000_123_456_789))) == #""2017-07-14T02:40:00.123456Z""#)
    }
}

@Suite struct FormatStringTests {
    let event = Event(
        timestamp: Timestamp(nanoseconds: 1_546_300_800_123_000_000),
        metadata: ["topic": .string("meta")],
        fields: ["fields": .object(["log_topic": .string("net")]), "n": .uint(7), "obj": .object(["a": .int(1)])])

    @Test(arguments: [
        ("plain", "plain"),
        ("%{[fields.log_topic]}", "net"),
        ("%{[fields][log_topic]}-x", "net-x"),
        ("%{[missing]:dflt}", "dflt"),
        ("%{[@metadata.topic]}", "meta"),
        ("n=%{[n]}", "n=7"),
        ("idx-%{+yyyy.MM.dd}", "idx-2019.01.01"),
    ])
    func renders(format: String, expected: String) throws {
        #expect(try FormatString(format).render(event) == expected)
    }

    @Test func missingFieldWithoutFallbackIsAnError() throws {
        let f = try FormatString("%{[nope]}")
        #expect(throws: FormatString.EvaluationError.missingField("nope")) { try f.render(event) }
        let g = try FormatString("%{[obj]}")
        #expect(throws: FormatString.EvaluationError.missingField("obj")) { try g.render(event) }
    }

    @Test(arguments: ["%{[a]", "%{a}", "%{[]}", "%{[a]x}", "%{+}"])
    func rejectsMalformedStrings(text: String) {
        #expect(throws: FormatString.ParseError.self) { try FormatString(text) }
    }

    @Test func constantAndFieldsAreReported() throws {
        #expect(try FormatString("abc").isConstant)
        #expect(try FormatString("%{[a.b]}-%{[c]}").fields == ["a.b", "c"])
    }
}

@Suite struct FieldsUpdateTests {
    @Test func updatesNestedValuesInPlaceAndRemovesOnNil() {
        var f = Fields()
        f.set("a.b", .array([.int(1)]))
        f.update("a.b") { v in
            guard case .array(var items)? = v else { return }
            v = nil
            items.append(.int(2))
            v = .array(items)
        }
        #expect(f.value(at: "a.b") == .array([.int(1), .int(2)]))
        f.update("a.b") { $0 = nil }
        #expect(f.value(at: "a.b") == nil)
        #expect(f.value(at: "a") == .object(Fields()))
    }

    @Test func absentPathsAreCreatedOnlyWhenAValueIsSet() {
        var f = Fields()
        let seen: FieldValue? = f.update("x.y.z") { $0 }
        #expect(seen == nil)
        #expect(f.isEmpty)
        f.update("x.y.z") { $0 = .string("v") }
        #expect(f.value(at: "x.y.z") == .string("v"))
    }

    /// A body that throws leaves what it set, and every object on the way, in place (the objects are moved out
    /// while the body runs).
    @Test func aThrowingBodyLosesNothing() {
        struct Stop: Error {}
        var f = Fields()
        f.set("a.b.c", .int(1))
        f.set("a.d", .string("kept"))
        f.set("e", .array([.int(1)]))
        #expect(throws: Stop.self) { try f.update("a.b.c") { v in v = .int(2); throw Stop() } }
        #expect(throws: Stop.self) { try f.update("e") { _ in throw Stop() } }
        #expect(throws: Stop.self) { try f.update("a.b.x") { v in v = .bool(true); throw Stop() } }
        #expect(f.value(at: "a.b.c") == .int(2))
        #expect(f.value(at: "a.d") == .string("kept"))
        #expect(f.value(at: "e") == .array([.int(1)]))
        #expect(f.value(at: "a.b.x") == nil)
    }

    @Test func movedObjectsAreNotCopied() {
        var f = Fields()
        f.set("a", .object(Fields(capacity: 8)))  // room for what follows: a new address would mean a copy
        f.set("a.b", .int(1))
        let before = f.value(at: "a")?.object?.storageAddress
        f.set("a.c", .int(2))
        f.update("a.d") { $0 = .int(3) }
        _ = f.remove("a.b")
        #expect(f.value(at: "a")?.object?.storageAddress == before)
        #expect(f.value(at: "a") == .object(["c": .int(2), "d": .int(3)]))
    }

    @Test func nonObjectIntermediatesAreReplacedLikeSet() {
        var f: Fields = ["x": .int(1)]
        f.update("x.y") { $0 = .bool(true) }
        #expect(f.value(at: "x.y") == .bool(true))
    }
}

@Suite struct UnsharedValueTests {
    /// The address of a string's UTF-8 storage (a small string's is a temporary copy, so only long ones count).
    static func storage(_ s: String) -> UnsafeRawPointer? {
        s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    @Test func unsharedValuesAreEqualAndShareNoStorage() {
        let long = "a string far too long to be stored inline"
        let value = FieldValue.object([
            "list": .array([.string(long), .int(1), .object(["k": .string(long)])]), "text": .string(long),
            "small": .string("tiny"), "n": .uint(7),
        ])
        let copy = value.unshared()
        #expect(copy == value)
        guard case .object(let original) = value, case .object(let copied) = copy,
            case .array(let list)? = original["list"], case .array(let copiedList)? = copied["list"],
            case .string(let text)? = original["text"], case .string(let copiedText)? = copied["text"]
        else {
            Issue.record("unexpected shape")
            return
        }
        #expect(original.items.withUnsafeBufferPointer { $0.baseAddress } != copied.items.withUnsafeBufferPointer { $0.baseAddress })
        #expect(list.withUnsafeBufferPointer { $0.baseAddress } != copiedList.withUnsafeBufferPointer { $0.baseAddress })
        #expect(Self.storage(text) != nil && Self.storage(text) != Self.storage(copiedText))
        #expect(EventPath("@metadata.kafka.key").unshared() == EventPath("@metadata.kafka.key"))
        #expect(EventPath("a.b").unshared().text == "a.b")
    }
}

@Suite struct LargeStringInPlaceTests {
    /// `largeStringBytes` of `text`'s two words.
    static func bytes(_ text: String) -> UnsafeBufferPointer<UInt8>? {
        let words = unsafeBitCast(text, to: (UInt64, UInt64).self)
        return FieldValue.largeStringBytes(words.0, words.1)
    }

    @Test func longStringsAreReadWhereTheyLie() {
        #expect(FieldValue.largeStringsReadInPlace)
        let made = (0..<5).map { "part\($0)" }.joined(separator: "-") + " and more text"
        let strings = [
            made, "a literal string too long to be small", String(made.reversed()), "ünïcödé text that is long enough",
            String(decoding: Array(repeating: UInt8(ascii: "z"), count: 5000), as: UTF8.self),
            String(made.dropFirst(2)),
        ]
        for text in strings {
            withExtendedLifetime(text) {
                #expect(Self.bytes(text).map { $0.elementsEqual(text.utf8) } == true, "\(text)")
            }
        }
        for text in ["", "short", "fifteen bytes!!"] { #expect(Self.bytes(text) == nil) }
        // Whatever Foundation hands over is either read correctly or left to the ordinary path.
        let foundation = NSString(string: "a Foundation string that is long enough").description
        withExtendedLifetime(foundation) { #expect(Self.bytes(foundation).map { $0.elementsEqual(foundation.utf8) } != false) }
    }

    @Test(arguments: [
        (String(repeating: "x", count: 20) + "\"\n<>&" + "\u{2028}", #""xxxxxxxxxxxxxxxxxxxx\"\n<>&\u2028""#),
        (String(repeating: "é", count: 10) + " plain", "\"" + String(repeating: "é", count: 10) + " plain\""),
        ("a literal string too long to be small", #""a literal string too long to be small""#),
    ])
    func longStringsEncodeAsTheOrdinaryPathDoes(text: String, json: String) {
        let encoder = JSONEventEncoder(identity: BeatIdentity(version: "8.17.0"))
        #expect(encoder.encode(value: .string(text)) == json)
        #expect(encoder.encode(value: .object(["k": .string(text)])) == "{\"k\":\(json)}")
        var html = encoder
        html.escapeHTML = true
        #expect(html.encode(value: .string(String(repeating: "y", count: 16) + "<")) == #""yyyyyyyyyyyyyyyy\u003c""#)
    }
}
