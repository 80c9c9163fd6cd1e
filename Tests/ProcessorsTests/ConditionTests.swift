// The condition language, one behaviour per test (reference/libbeat.md §4.3): no coercion in equals,
// substring contains, unanchored regexp, numbers-only range, network ranges, has_fields, and/or/not,
// dotted and nested field names, and the errors a bad condition gives at load.

import Config
import Events
import NetModel
import Testing
@testable import Processors

/// Parses `condition` as it would appear under `when`.
func condition(_ condition: Any?) throws -> Condition {
    try ConditionParser(entry: entry("drop_event", nil)).parse(cv(condition), at: "when")
}

/// The error a condition gives at load, or nil.
func conditionError(_ c: Any?) -> String? {
    do {
        _ = try condition(c)
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct EqualsConditionTests {
    @Test(arguments: [
        (FieldValue.int(200), true), (.uint(200), true), (.int(201), false), (.string("200"), false),
        (.double(200), false), (.bool(true), false),
    ])
    func integerOperandMatchesIntegersOnly(value: FieldValue, expected: Bool) throws {
        let c = try condition(["equals": ["http.response.status_code": 200]])
        #expect(c.matches(event(["http.response.status_code": value])) == expected)
    }

    @Test func stringOperandDoesNotMatchANumber() throws {
        let c = try condition(["equals": ["port": "443"]])
        #expect(!c.matches(event(["port": .int(443)])))
        #expect(c.matches(event(["port": .string("443")])))
    }

    @Test func booleanOperand() throws {
        let c = try condition(["equals": ["tls.established": true]])
        #expect(c.matches(event(["tls.established": .bool(true)])))
        #expect(!c.matches(event(["tls.established": .bool(false)])))
        #expect(!c.matches(event(["tls.established": .string("true")])))
    }

    @Test func severalFieldsAreAllRequiredAndAMissingFieldIsFalse() throws {
        let c = try condition(["equals": ["network.transport": "tcp", "destination.port": 443]])
        #expect(c.matches(event(["network.transport": .string("tcp"), "destination.port": .int(443)])))
        #expect(!c.matches(event(["network.transport": .string("tcp"), "destination.port": .int(80)])))
        #expect(!c.matches(event(["network.transport": .string("tcp")])))
    }

    @Test func nestedMapsAndDottedKeysAreTheSameField() throws {
        let nested = try condition(["equals": ["http": ["response": ["status_code": 404]]]])
        let dotted = try condition(["equals": ["http.response.status_code": 404]])
        let e = event(["http.response.status_code": .int(404)])
        #expect(nested.matches(e) && dotted.matches(e))
    }

    @Test func negativeIntegerNeverMatchesAnUnsigned() throws {
        let c = try condition(["equals": ["n": -1]])
        #expect(!c.matches(event(["n": .uint(UInt64.max)])))
        #expect(c.matches(event(["n": .int(-1)])))
    }

    @Test func floatOperandIsRejected() {
        #expect(conditionError(["equals": ["rtt": 1.5]])?.contains("equals compares with an integer, a string or a boolean") == true)
    }

    @Test func metadataAndTimestampAreAddressable() throws {
        let c = try condition(["equals": ["@metadata.raw_index": "tls-idx"]])
        #expect(c.matches(event(metadata: ["raw_index": .string("tls-idx")])))
        #expect(try condition(["has_fields": ["@timestamp"]]).matches(event()))
    }
}

@Suite struct ContainsAndRegexpConditionTests {
    @Test func containsIsAPlainSubstring() throws {
        let c = try condition(["contains": ["url.path": "a.b"]])
        #expect(c.matches(event(["url.path": .string("/x/a.b/y")])))
        #expect(!c.matches(event(["url.path": .string("/x/aXb/y")])))
    }

    @Test func containsLooksIntoListsOfStrings() throws {
        let c = try condition(["contains": ["tags": "forward"]])
        #expect(c.matches(event(["tags": .strings(["a", "forwarded"])])))
        #expect(!c.matches(event(["tags": .strings(["a", "b"])])))
        #expect(!c.matches(event(["tags": .int(5)])))
    }

    @Test func containsNeedsAString() {
        #expect(conditionError(["contains": ["tags": 5]])?.contains("contains needs a string") == true)
    }

    @Test func regexpIsAnUnanchoredSearch() throws {
        let c = try condition(["regexp": ["tls.client.server_name": "example\\.(com|org)"]])
        #expect(c.matches(event(["tls.client.server_name": .string("www.example.com")])))
        #expect(!c.matches(event(["tls.client.server_name": .string("www.example.net")])))
        let anchored = try condition(["regexp": ["name": "^api\\."]])
        #expect(anchored.matches(event(["name": .string("api.x")])))
        #expect(!anchored.matches(event(["name": .string("x.api.y")])))
    }

    @Test func regexpOnListsAndNonStrings() throws {
        let c = try condition(["regexp": ["related.hosts": "^db[0-9]+$"]])
        #expect(c.matches(event(["related.hosts": .strings(["web1", "db12"])])))
        #expect(!c.matches(event(["related.hosts": .int(12)])))
    }

    @Test func goNamedGroupsCompile() throws {
        let c = try condition(["regexp": ["v": "^(?P<major>[0-9]+)\\.[0-9]+$"]])
        #expect(c.matches(event(["v": .string("1.3")])))
    }

    @Test func badRegexpIsALoadError() {
        #expect(conditionError(["regexp": ["v": "(unclosed"]])?.contains("when.regexp.v: invalid regular expression") == true)
    }
}

@Suite struct RangeConditionTests {
    @Test(arguments: [
        (FieldValue.int(33434), true), (.uint(40000), true), (.double(33433.5), false), (.int(33433), false),
        (.string("40000"), false), (.int(65536), false),
    ])
    func boundsAreInclusiveOrExclusiveAsWritten(value: FieldValue, expected: Bool) throws {
        let c = try condition(["range": ["destination.port": ["gte": 33434, "lt": 65536]]])
        #expect(c.matches(event(["destination.port": value])) == expected)
    }

    @Test func dottedBoundsAndNumericStringBounds() throws {
        let c = try condition(["range": ["event.duration.gt": "1000.5", "event.duration.lte": 2000]])
        #expect(c.matches(event(["event.duration": .int(2000)])))
        #expect(!c.matches(event(["event.duration": .int(1000)])))
        #expect(c.matches(event(["event.duration": .double(1000.6)])))
    }

    @Test func badBoundsAreLoadErrors() {
        #expect(conditionError(["range": ["x.between": 3]])?.contains("unknown range bound \"between\"") == true)
        #expect(conditionError(["range": ["x": 3]])?.contains("range needs field.gte") == true)
        #expect(conditionError(["range": ["x.gt": "abc"]])?.contains("range bounds are numbers") == true)
    }
}

@Suite struct NetworkConditionTests {
    @Test(arguments: [
        ("10.1.2.3", "private", true), ("172.31.255.255", "private", true), ("172.32.0.1", "private", false),
        ("192.168.1.1", "private", true), ("fd12::1", "private", true), ("fc00::1", "private", false),
        ("127.0.0.1", "loopback", true), ("::1", "loopback", true), ("8.8.8.8", "public", true),
        ("10.0.0.1", "public", false), ("169.254.1.1", "link_local_unicast", true), ("fe80::1", "link_local_unicast", true),
        ("224.0.0.5", "link_local_multicast", true), ("239.1.1.1", "multicast", true), ("0.0.0.0", "unspecified", true),
        ("::", "unspecified", true), ("10.0.0.1", "unicast", true), ("255.255.255.255", "unicast", false),
        ("ff01::1", "interface_local_multicast", true), ("2001:db8::1", "global_unicast", true),
    ])
    func namedRanges(address: String, name: String, expected: Bool) throws {
        let c = try condition(["network": ["source.ip": name]])
        #expect(c.matches(event(["source.ip": .string(address)])) == expected)
    }

    @Test func cidrListsMatchAnyAndFieldListsMatchAny() throws {
        let c = try condition(["network": ["destination.ip": ["10.0.0.0/8", "2001:db8::/32"]]])
        #expect(c.matches(event(["destination.ip": .string("10.9.9.9")])))
        #expect(c.matches(event(["destination.ip": .string("2001:db8:1::5")])))
        #expect(!c.matches(event(["destination.ip": .string("11.0.0.1")])))
        let related = try condition(["network": ["related.ip": "192.168.0.0/16"]])
        #expect(related.matches(event(["related.ip": .strings(["8.8.8.8", "192.168.3.4"])])))
    }

    @Test func unparsableAddressesAreFalse() throws {
        let c = try condition(["network": ["source.ip": "private"]])
        #expect(!c.matches(event(["source.ip": .string("not-an-ip")])))
        #expect(!c.matches(event(["source.ip": .int(10)])))
    }

    @Test func badRangesAreLoadErrors() {
        #expect(conditionError(["network": ["source.ip": "privat"]])?.contains("invalid network \"privat\"") == true)
        #expect(conditionError(["network": ["source.ip": "10.0.0.0/33"]]) != nil)
    }
}

@Suite struct CompoundConditionTests {
    @Test func hasFieldsNeedsEveryField() throws {
        let c = try condition(["has_fields": ["tls.version", "tls.cipher"]])
        #expect(c.matches(event(["tls.version": .string("1.3"), "tls.cipher": .string("X")])))
        #expect(!c.matches(event(["tls.version": .string("1.3")])))
    }

    @Test func andOrNotCombine() throws {
        // The reference's traceroute example: UDP to a high port without DNS.
        let c = try condition([
            "and": [
                ["equals": ["network.transport": "udp"]],
                ["range": ["destination.port.gte": 33434]],
                ["not": ["has_fields": ["dns"]]],
            ],
        ])
        #expect(c.matches(event(["network.transport": .string("udp"), "destination.port": .int(33435)])))
        #expect(!c.matches(event(["network.transport": .string("udp"), "destination.port": .int(33435), "dns.id": .int(1)])))
        #expect(!c.matches(event(["network.transport": .string("tcp"), "destination.port": .int(33435)])))
        let either = try condition(["or": [["equals": ["a": 1]], ["equals": ["b": 1]]]])
        #expect(either.matches(event(["b": .int(1)])))
        #expect(!either.matches(event(["c": .int(1)])))
    }

    @Test func emptyAndIsTrueEmptyOrIsFalse() throws {
        #expect(try condition(["and": [Any?]()]).matches(event()))
        #expect(try !condition(["or": [Any?]()]).matches(event()))
    }

    @Test func structuralErrors() {
        #expect(conditionError(nil)?.contains("missing or invalid condition") == true)
        #expect(conditionError(["equal": ["a": 1]])?.contains("unknown condition \"equal\"") == true)
        #expect(
            conditionError(["equals": ["a": 1], "contains": ["b": "x"]] as KeyValuePairs<String, Any?>)?
                .contains("a condition has one operator") == true)
        #expect(conditionError(["has_fields": "a"])?.contains("has_fields needs a list") == true)
        #expect(conditionError(["or": ["equals": ["a": 1]]])?.contains("or needs a list of conditions") == true)
        #expect(conditionError(["not": ["bogus": 1]])?.contains("when.not.bogus: unknown condition") == true)
    }
}

/// `ConditionMatcher`, which processors use for `when` and `if`, against the expected outcome and the enum's own
/// `matches`, for every operator alone and nested under `and`, `or` and `not`.
@Suite struct ConditionMatcherTests {
    static let events: [Event] = [
        event([
            "network.transport": .string("udp"), "destination.port": .int(33435), "destination.ip": .string("10.1.2.3"),
            "url.path": .string("/a/b/login"), "tags": .strings(["x", "internal"]),
        ]),
        event([
            "network.transport": .string("tcp"), "destination.port": .int(80), "destination.ip": .string("2001:db8::1"),
            "url.path": .string("/index.html"), "dns.id": .int(1),
        ]),
        event(["network.transport": .string("icmp")]),
    ]

    static var cases: [(when: [String: Any?], expected: [Bool])] {
        [
            (["equals": ["network.transport": "udp"]], [true, false, false]),
            (["contains": ["url.path": "login"]], [true, false, false]),
            (["regexp": ["url.path": "^/a/.*n$"]], [true, false, false]),
            (["range": ["destination.port.gte": 1024]], [true, false, false]),
            (["network": ["destination.ip": "private"]], [true, false, false]),
            (["network": ["destination.ip": "2001:db8::/32"]], [false, true, false]),
            (["has_fields": ["dns.id"]], [false, true, false]),
            (["not": ["has_fields": ["dns"]]], [true, false, true]),
            (["or": [["equals": ["network.transport": "icmp"]], ["contains": ["tags": "internal"]]]], [true, false, true]),
            (
                [
                    "and": [
                        ["equals": ["network.transport": "udp"]], ["range": ["destination.port.gte": 33434]],
                        ["not": ["has_fields": ["dns"]]],
                    ],
                ], [true, false, false]
            ),
            (
                ["not": ["or": [["equals": ["network.transport": "tcp"]], ["not": ["has_fields": ["url.path"]]]]]],
                [true, false, false]
            ),
            (["and": [Any?]()], [true, true, true]),
            (["or": [Any?]()], [false, false, false]),
        ]
    }

    @Test(arguments: cases.indices)
    func matcherAgreesWithTheCondition(index: Int) throws {
        let (when, expected) = Self.cases[index]
        let parsed = try condition(when)
        let matcher = ConditionMatcher(parsed)
        for (e, want) in zip(Self.events, expected) {
            #expect(matcher.matches(e) == want, "\(when)")
            #expect(parsed.matches(e) == want, "\(when)")
        }
    }
}
