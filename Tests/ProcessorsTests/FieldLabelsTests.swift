// add_labels: flattening of nested labels into dotted keys, string values, merging, option checks.

import Events
import Testing

@testable import Processors

@Suite struct AddLabelsTests {
    /// The documentation's example, with our own labels: nested maps and lists flatten into dotted keys
    /// under `labels`, numbers become keyword strings.
    @Test func docsExampleFlattensMapsAndLists() throws {
        let p = try build(
            "add_labels",
            [
                "labels": [
                    "port": 8443,
                    "site.name": "edge",
                    "owner": ["team.id": "netops"],
                    "zones": ["eu", "us", ["dc.code": "fra"]] as [Any?],
                ] as KeyValuePairs<String, Any?>
            ])
        let out = try #require(run(p, event(["message": .string("hi")])).event)
        #expect(
            out.fields["labels"]
                == .object([
                    "port": .string("8443"),
                    "site.name": .string("edge"),
                    "owner.team.id": .string("netops"),
                    "zones.0": .string("eu"),
                    "zones.1": .string("us"),
                    "zones.2.dc.code": .string("fra"),
                ]))
        #expect(out.fields["message"] == .string("hi"))
    }

    @Test func everyScalarBecomesAString() throws {
        let cases: [(Any?, String)] = [
            ("text", "text"), (42, "42"), (-7, "-7"), (true, "true"), (false, "false"), (2.5, "2.5"),
            (3.0, "3"), (1e21, "1e+21"), (0.00001, "1e-05"),
        ]
        for (value, text) in cases {
            let p = try build("add_labels", ["labels": ["k": value] as KeyValuePairs<String, Any?>])
            #expect(
                run(p, event()).event?.fields["labels"] == .object(["k": .string(text)]),
                "value \(String(describing: value))")
        }
    }

    @Test func mergesWithExistingLabelsAndOverwritesSameKeys() throws {
        let p = try build("add_labels", ["labels": ["env": "prod", "tier": "web"] as KeyValuePairs<String, Any?>])
        let out = run(p, event(["labels": .object(["env": .string("dev"), "owner": .string("ops")])])).event
        #expect(
            out?.fields["labels"] == .object(["env": .string("prod"), "owner": .string("ops"), "tier": .string("web")]))
    }

    @Test func replacesANonObjectLabelsField() throws {
        let p = try build("add_labels", ["labels": ["env": "prod"] as KeyValuePairs<String, Any?>])
        let (out, outcome) = run(p, event(["labels": .string("flat")]))
        #expect(outcome == .keep)
        #expect(out?.fields["labels"] == .object(["env": .string("prod")]))
    }

    @Test func dottedKeysStayLiteralNotNested() throws {
        let p = try build("add_labels", ["labels": ["a.b": "c"] as KeyValuePairs<String, Any?>])
        let out = run(p, event()).event
        #expect(out?.fields["labels"]?.object?["a.b"] == .string("c"))
        #expect(out?.value(at: "labels.a") == nil)
    }

    @Test func emptyNestedMapsAndListsAddNothing() throws {
        let p = try build(
            "add_labels",
            [
                "labels": ["keep": "x", "none": [String: Any?](), "nothing": [Any?]()] as KeyValuePairs<String, Any?>
            ])
        #expect(run(p, event()).event?.fields["labels"] == .object(["keep": .string("x")]))
    }

    @Test func optionErrors() {
        #expect(buildError("add_labels", [:])?.contains("requires \"labels\"") == true)
        #expect(buildError("add_labels", ["labels": [String: Any?]()])?.contains("requires \"labels\"") == true)
        #expect(buildError("add_labels", ["labels": "env=prod"])?.contains("expected a map, got a string") == true)
        #expect(
            buildError("add_labels", ["labels": ["k": nil] as KeyValuePairs<String, Any?>])?
                .contains("add_labels.labels.k: a label needs a value") == true)
        #expect(buildError("add_labels", ["labels": ["k": "v"], "target": "x"])?.contains("unknown option") == true)
    }
}
