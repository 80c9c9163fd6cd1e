import NetModel
import TestSupport
import Testing

@testable import Events

@Suite struct FieldPathTests {
    /// Keys that exercise every comparison the walkers make: empty, short and long, non-ASCII, a dotted prefix of
    /// another, and a short key held out of line (compared byte by byte, not as a small String's words).
    static let keys: [String] = {
        var outOfLine = "ab"
        outOfLine.reserveCapacity(64)
        return ["a", "b", "", "network", "é", "exactly15bytes!", "sixteen-bytes-xx", outOfLine, "abc"]
    }()

    static func randomTree(_ g: inout SeededGenerator, depth: Int) -> Fields {
        var f = Fields()
        for _ in 0..<(1 + g.below(4)) {
            let key = keys[g.below(keys.count)]
            let nested = depth > 0 && g.below(2) == 0
            f[key] = nested ? .object(randomTree(&g, depth: depth - 1)) : .int(Int64(g.below(100)))
        }
        return f
    }

    static func randomPath(_ g: inout SeededGenerator) -> String {
        (0...g.below(3)).map { _ in keys[g.below(keys.count)] }.joined(separator: ".")
    }

    /// A path split once must read and write exactly as the same path given as text.
    @Test func splitPathsAgreeWithTextPathsOnRandomTrees() {
        var g = SeededGenerator(seed: 7)
        var kinds = Set<String>()
        for _ in 0..<3000 {
            let tree = Self.randomTree(&g, depth: 3)
            let text = Self.randomPath(&g)
            let path = FieldPath(text)
            #expect(path.text == text)
            #expect(tree.walk(path) == tree.walk(text), "\(text)")
            #expect(tree.walkToParent(of: path) == tree.walkToParent(of: text), "\(text)")
            // The parent walk against its definition: the walk of the path without its last key.
            if let dot = text.lastIndex(of: ".") {
                #expect(tree.walkToParent(of: text) == tree.walk(String(text[..<dot])), "\(text)")
            } else {
                #expect(tree.walkToParent(of: text) == nil, "\(text)")
            }
            #expect(tree.value(at: path) == tree.value(at: text) && tree.has(path) == tree.has(text))
            switch tree.walk(text) {
            case .found: kinds.insert("found")
            case .missing: kinds.insert("missing")
            case .blocked: kinds.insert("blocked")
            }

            var a = tree, b = tree
            a.set(path, .string("new"))
            b.set(text, .string("new"))
            #expect(a == b, "set \(text)")

            // The one-walk put against its definition: the parent walk's blocker, else `set`.
            var c = tree
            let blocker = c.setUnlessBlocked(path, .string("new"))
            switch tree.walkToParent(of: text) {
            case .found(let v)?, .blocked(let v)?:
                if case .object = v {
                    #expect(blocker == nil && c == b, "setUnlessBlocked \(text)")
                } else {
                    #expect(blocker == v && c == tree, "setUnlessBlocked \(text)")
                }
            case .missing?, nil:
                #expect(blocker == nil && c == b, "setUnlessBlocked \(text)")
            }

            a = tree
            b = tree
            #expect(a.remove(path) == b.remove(text), "remove \(text)")
            #expect(a == b, "remove \(text)")

            a = tree
            b = tree
            let append: (inout FieldValue?) -> Int = { value in
                if case .int(let n)? = value { value = .int(n + 1000); return 1 }
                value = value == nil ? .int(-1) : nil
                return 0
            }
            #expect(a.update(path, append) == b.update(text, append))
            #expect(a == b, "update \(text)")
        }
        #expect(kinds == ["found", "missing", "blocked"])
    }

    @Test func eventPathsTellTheirRootAndTheirPathWithinIt() {
        let cases: [(String, EventPath.Root, String)] = [
            ("network.transport", .fields, "network.transport"),
            ("@timestamp", .timestamp, "@timestamp"),
            ("@metadata", .metadata, "@metadata"),
            ("@metadata.kafka.key", .metadataField, "kafka.key"),
            ("@metadatax", .fields, "@metadatax"),
            ("@other.a", .fields, "@other.a"),
            ("", .fields, ""),
        ]
        for (text, root, inner) in cases {
            let path = EventPath(text)
            #expect(path.root == root && path.path.text == inner && path.description == text, "\(text)")
        }
    }

    /// Paths of one text share their keys (a copy takes no reference); paths that own theirs (made once the
    /// table is full) read, compare and hash the same.
    @Test func internedAndOwnedPathsAgree() {
        var g = SeededGenerator(seed: 11)
        for _ in 0..<500 {
            let text = Self.randomPath(&g)
            let interned = FieldPath(text), again = FieldPath(text)
            #expect(interned.isInterned && interned.box.toOpaque() == again.box.toOpaque())
            var owned: FieldPath? = FieldPath(text, interning: false)
            let copy = owned!
            #expect(!copy.isInterned && copy.box.toOpaque() != interned.box.toOpaque())
            owned = nil  // the copy holds the keys on its own
            #expect(copy == interned && copy.hashValue == interned.hashValue && copy.text == text)
            let tree = Self.randomTree(&g, depth: 3)
            #expect(tree.walk(copy) == tree.walk(interned), "\(text)")
            var a = tree, b = tree
            a.set(copy, .int(1))
            b.set(interned, .int(1))
            #expect(a == b, "\(text)")
        }
    }

    /// Canonically equivalent texts are different paths, so they are interned apart.
    @Test func equivalentSpellingsAreInternedApart() {
        let precomposed = FieldPath("x.\u{E9}"), combining = FieldPath("x.e\u{301}")
        #expect(precomposed.box.toOpaque() != combining.box.toOpaque())
        #expect(precomposed.text.utf8.count == 4 && combining.text.utf8.count == 5)
    }

    /// Keys are compared byte for byte, so two spellings of "é" (precomposed, and e with a combining accent) are
    /// different keys and different paths, though Swift's `==` calls the strings equal.
    @Test func pathsAreEqualByTheirBytes() {
        let precomposed = FieldPath("a.\u{E9}"), combining = FieldPath("a.e\u{301}")
        #expect("\u{E9}" == "e\u{301}")
        #expect(precomposed != combining)
        #expect(Set([precomposed, combining, FieldPath("a.\u{E9}")]).count == 2)
        let fields: Fields = ["a": .object(["\u{E9}": .int(1)])]
        #expect(fields.value(at: precomposed) == .int(1) && fields.value(at: combining) == nil)
    }

    @Test func eventReadsSplitPathsAsTextPaths() {
        let e = Event(
            timestamp: Timestamp(nanoseconds: 5), metadata: ["kafka": .object(["key": .string("k")])],
            fields: ["a": .object(["b": .int(1)]), "@other": .int(2)])
        let texts = [
            "@timestamp", "@metadata", "@metadata.kafka.key", "@metadata.none", "a.b", "a", "a.c", "@other", "",
        ]
        for text in texts {
            #expect(e.value(at: EventPath(text)) == e.value(at: text), "\(text)")
        }
    }
}

@Suite struct ParentBlockedTests {
    /// The definition `parentIsBlocked` reads in place: `walkToParent` meets something that is not an object.
    static func expected(_ fields: Fields, _ path: FieldPath) -> Bool {
        switch fields.walkToParent(of: path) {
        case nil, .missing?, .found(.object)?: return false
        case .found?, .blocked?: return true
        }
    }

    @Test func agreesWithTheWalkToTheParent() {
        let fields: Fields = [
            "a": .object(["b": .object(["c": .int(1)]), "s": .string("text"), "l": .array([.int(1)])]),
            "top": .string("x"), "n": .null, "o": .object([:]),
        ]
        let paths = [
            "a", "zz", "a.b", "a.b.c", "a.b.c.d", "a.s", "a.s.t", "a.s.t.u", "a.l.x", "a.missing.x", "top.x", "top.x.y",
            "n.x", "o.x", "o.x.y", "a.b.new", "missing.deeper.still",
        ]
        var blocked = 0
        for text in paths {
            let path = FieldPath(text)
            #expect(fields.parentIsBlocked(path) == Self.expected(fields, path), "\(text)")
            if Self.expected(fields, path) { blocked += 1 }
        }
        #expect(blocked == 7)
    }
}
