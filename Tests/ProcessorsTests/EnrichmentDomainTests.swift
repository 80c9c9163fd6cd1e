// registered_domain with Debian's public suffix list (the `publicsuffix` package) and with small lists
// written per test: rule kinds, both sections, case, trailing dots, internationalised names, every option,
// missing and mistyped fields, and the configuration errors.

import Config
import Events
import Foundation
import Testing

@testable import Processors

private var allTargets: KeyValuePairs<String, Any?> {
    [
        "field": "domain", "target_field": "rd", "target_etld_field": "etld", "target_subdomain_field": "sub",
    ]
}

@Suite struct RegisteredDomainTests {
    @Test(arguments: [
        ("www.google.com", "google.com", "com", "www"),
        ("www.google.co.uk", "google.co.uk", "co.uk", "www"),
        ("www.mail.google.co.uk", "google.co.uk", "co.uk", "www.mail"),
        ("google.com", "google.com", "com", ""),
        ("www.ak.local", "ak.local", "local", "www"),  // no rule: the last label is the suffix
        ("www.navy.mil", "navy.mil", "mil", "www"),
        ("foo.github.io", "foo.github.io", "github.io", ""),  // private section
        ("a.b.ck", "a.b.ck", "b.ck", ""),  // *.ck
        ("x.www.ck", "www.ck", "ck", "x"),  // !www.ck
        ("a.b.c.kawasaki.jp", "b.c.kawasaki.jp", "c.kawasaki.jp", "a"),  // *.kawasaki.jp
        ("www.city.kawasaki.jp", "city.kawasaki.jp", "kawasaki.jp", "www"),  // !city.kawasaki.jp
        ("WWW.Example.CO.UK", "Example.CO.UK", "CO.UK", "WWW"),  // case-insensitive rules, case kept
        ("www.example.com.", "example.com", "com", "www"),  // fully qualified
        ("shop.example.公司.hk", "example.公司.hk", "公司.hk", "shop"),
        ("shop.example.xn--55qx5d.hk", "example.xn--55qx5d.hk", "xn--55qx5d.hk", "shop"),
    ])
    func splitsWithTheDebianList(domain: String, registered: String, etld: String, subdomain: String) throws {
        let p = try build("registered_domain", allTargets)
        let (out, outcome) = run(p, event(["domain": .string(domain)]))
        #expect(outcome == .keep)
        #expect(out?.value(at: "rd") == .string(registered))
        #expect(out?.value(at: "etld") == .string(etld))
        #expect(out?.value(at: "sub") == (subdomain.isEmpty ? nil : .string(subdomain)))
    }

    @Test(arguments: [
        ("com", "cannot derive eTLD+1"), ("co.uk", "cannot derive eTLD+1"), ("localhost", "cannot derive eTLD+1"),
        (".", "empty label"), ("", "empty label"), (".example.com", "empty label"), ("a..example.com", "empty label"),
        ("example.com..", "empty label"),
    ])
    func namesWithoutARegisteredDomainFail(domain: String, reason: String) throws {
        let p = try build("registered_domain", allTargets)
        let (out, outcome) = run(p, event(["domain": .string(domain)]))
        guard case .failed(let message) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(message.hasPrefix("failed to determine the registered domain: publicsuffix: "))
        #expect(message.contains(reason))
        #expect(out?.value(at: "rd") == nil)
        let ignoring = try build(
            "registered_domain", ["field": "domain", "target_field": "rd", "ignore_failure": true])
        #expect(run(ignoring, event(["domain": .string(domain)])) == (event(["domain": .string(domain)]), .keep))
    }

    @Test func missingFieldFailsUnlessIgnored() throws {
        let strict = try build("registered_domain", ["field": "dns.question.name", "target_field": "rd"])
        #expect(run(strict, event()).outcome == .failed("registered_domain source field [dns.question.name] not found"))
        for flag in ["ignore_missing", "ignore_failure"] {
            let lenient = try build(
                "registered_domain", ["field": "dns.question.name", "target_field": "rd", flag: true])
            #expect(run(lenient, event()) == (event(), .keep))
        }
    }

    @Test(arguments: [FieldValue.int(42), .bool(true), .strings(["a.example.com"]), .object(["name": .string("x")])])
    func nonStringValuesFailUnlessFailuresAreIgnored(value: FieldValue) throws {
        let strict = try build("registered_domain", ["field": "domain", "target_field": "rd", "ignore_missing": true])
        #expect(
            run(strict, event(["domain": value])).outcome
                == .failed("registered_domain source field [domain] is not a string"))
        let lenient = try build("registered_domain", ["field": "domain", "target_field": "rd", "ignore_failure": true])
        #expect(run(lenient, event(["domain": value])) == (event(["domain": value]), .keep))
    }

    @Test func optionalTargetsAreOptionalAndNestedTargetsWork() throws {
        let p = try build("registered_domain", ["field": "url.domain", "target_field": "url.registered_domain"])
        let out = run(p, event(["url.domain": .string("api.eu.example.org")])).event
        #expect(out?.value(at: "url.registered_domain") == .string("example.org"))
        #expect(out?.fields.entries.map(\.key) == ["url"])
        #expect(out?.value(at: "url")?.object?.count == 2)
    }

    @Test func metadataSourceAndTargets() throws {
        let p = try build(
            "registered_domain",
            [
                "field": "@metadata.domain", "target_field": "@metadata.rd", "target_etld_field": "@metadata.etld",
                "target_subdomain_field": "@metadata.sub",
            ])
        let out = run(p, event(metadata: ["domain": .string("www.google.com")])).event
        #expect(
            out?.metadata == [
                "domain": .string("www.google.com"), "rd": .string("google.com"),
                "etld": .string("com"), "sub": .string("www"),
            ])
        #expect(out?.fields.isEmpty == true)
    }

    @Test func targetThatCannotHoldTheValueFails() throws {
        let p = try build("registered_domain", ["field": "domain", "target_field": "@timestamp"])
        #expect(
            run(p, event(["domain": .string("a.example.com")])).outcome
                == .failed("failed to write registered domain to target field [@timestamp]"))
    }

    @Test func optionsAreChecked() {
        #expect(buildFailure("registered_domain", ["target_field": "rd"])?.contains("requires \"field\"") == true)
        #expect(buildFailure("registered_domain", ["field": "d"])?.contains("requires \"target_field\"") == true)
        #expect(
            buildFailure("registered_domain", ["field": "", "target_field": "rd"])?.contains("must not be empty")
                == true)
        #expect(
            buildFailure("registered_domain", ["field": ["a"], "target_field": "rd"])?.contains("expected a string")
                == true)
        #expect(
            buildFailure("registered_domain", ["field": "d", "target_field": "rd", "ignore_missing": "yes"])?
                .contains("expected a boolean") == true)
        #expect(
            buildFailure("registered_domain", ["field": "d", "target_field": "rd", "target": "x"])?
                .contains("unknown option of registered_domain") == true)
        #expect(buildFailure("registered_domain", ["field": "d", "target_field": "rd", "id": "rd-1"]) == nil)
    }

    @Test func aMissingListNamesTheDebianPackage() {
        var env = ProcessorEnvironment()
        env.publicSuffixListPath = "/nonexistent/public_suffix_list.dat"
        let message = buildFailure("registered_domain", ["field": "d", "target_field": "rd"], environment: env)
        #expect(message?.contains("processors.0.registered_domain") == true)
        #expect(message?.contains("/nonexistent/public_suffix_list.dat") == true)
        #expect(message?.contains("Debian package publicsuffix") == true)
    }

    @Test func theListIsReadOncePerProcess() throws {
        let host = try FakeHost()
        try host.write("/psl.dat", "// ===BEGIN ICANN DOMAINS===\ntest\n")
        var env = ProcessorEnvironment()
        env.publicSuffixListPath = host.root + "/psl.dat"
        let first = try build("registered_domain", ["field": "d", "target_field": "rd"], environment: env)
        try host.remove("/psl.dat")
        let second = try build("registered_domain", ["field": "d", "target_field": "rd"], environment: env)
        for p in [first, second] {
            #expect(run(p, event(["d": .string("a.b.test")])).event?.value(at: "rd") == .string("b.test"))
        }
    }

    @Test func emptyListIsAnError() throws {
        let host = try FakeHost()
        try host.write("/empty.dat", "// nothing but comments\n\n")
        var env = ProcessorEnvironment()
        env.publicSuffixListPath = host.root + "/empty.dat"
        #expect(
            buildFailure("registered_domain", ["field": "d", "target_field": "rd"], environment: env)?
                .contains("holds no rules") == true)
    }

    @Test func docsExampleFromYAML() throws {
        let processors = try chain(
            yaml: """
                processors:
                  - registered_domain:
                      field: dns.question.name
                      target_field: dns.question.registered_domain
                      target_etld_field: dns.question.top_level_domain
                      target_subdomain_field: dns.question.sudomain
                      ignore_missing: true
                      ignore_failure: true
                """)
        let out = run(processors, event(["dns.question.name": .string("images.shop.example.co.uk")]))
        #expect(out?.value(at: "dns.question.registered_domain") == .string("example.co.uk"))
        #expect(out?.value(at: "dns.question.top_level_domain") == .string("co.uk"))
        #expect(out?.value(at: "dns.question.sudomain") == .string("images.shop"))
        #expect(
            run(processors, event(["network.transport": .string("udp")]))
                == event(["network.transport": .string("udp")]))
    }
}

@Suite struct PublicSuffixListTests {
    let list = PublicSuffixList(
        text: """
            // ===BEGIN ICANN DOMAINS===
            com
            // a comment between rules
            uk
            co.uk
            *.np
            !gov.np
            a.b.c.deep   followed by ignored text
            公司.cn
            // ===END ICANN DOMAINS===
            // ===BEGIN PRIVATE DOMAINS===
            blogspot.com
            // ===END PRIVATE DOMAINS===
            """)

    @Test(arguments: [
        (["example", "com"], 1), (["x", "blogspot", "com"], 2), (["x", "co", "uk"], 2), (["x", "y", "np"], 2),
        (["np"], 1), (["x", "gov", "np"], 1), (["x", "b", "c", "deep"], 1), (["z", "a", "b", "c", "deep"], 4),
        (["example", "xn--55qx5d", "cn"], 2), (["example", "公司", "cn"], 2), (["nothing", "here"], 1),
    ])
    func suffixLength(labels: [String], expected: Int) {
        #expect(list.publicSuffixLength(labels) == expected)
    }

    @Test func rulesAreLowerCasedAndKindsCombine() {
        let mixed = PublicSuffixList(text: "EXAMPLE\n*.example\n")
        #expect(mixed.rules["example"] == [.rule, .wildcardChildren])
        #expect(mixed.publicSuffixLength(["a", "b", "example"]) == 2)
    }

    @Test func eachLineIsReadUpToItsFirstWhitespace() {
        let text = "// comment\r\n  co.uk\tthe rest is ignored\r\n\r\n!WWW.CK extra\n//not.a.rule\nÉCOLE.FR\n*.Deep"
        let parsed = PublicSuffixList(text: text)
        #expect(
            parsed.rules == [
                "co.uk": .rule, "www.ck": .exception, "école.fr": .rule, "xn--cole-9oa.fr": .rule,
                "deep": .wildcardChildren,
            ])
    }

    @Test func foundationGivesTheACEFormOfRules() {
        #expect(PublicSuffixList.asciiForm("aéroport.ci") == "xn--aroport-bya.ci")
        #expect(PublicSuffixList.asciiForm("公司.cn") == "xn--55qx5d.cn")
        #expect(PublicSuffixList.asciiForm("co.uk") == nil)
    }

    @Test(arguments: [
        "example.com", "www.example.com.", "Mail.Example.COM", "x.blogspot.com", "a.x.co.uk", "x.y.np", "np",
        "x.gov.np", "z.a.b.c.deep", "x.b.c.deep", "example.xn--55qx5d.cn", "nothing.here", "com", "co.uk", ".",
        "", "a..b.com", ".example.com", "example.com..", "WWW.X.GOV.NP", "deep", "q.deep",
    ])
    func byteSplitEqualsTheGenericSplit(domain: String) {
        // The ASCII fast path must answer exactly as the Character path does, errors included.
        let fast: Result<DomainSplit?, ProcessorFailure>
        do throws(ProcessorFailure) { fast = .success(try list.splitASCII(domain)) } catch { fast = .failure(error) }
        let generic: Result<DomainSplit?, ProcessorFailure>
        do throws(ProcessorFailure) { generic = .success(try list.splitGeneric(domain)) } catch { generic = .failure(error) }
        switch (fast, generic) {
        case (.success(let a), .success(let b)):
            #expect(a != nil)
            #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)")
        default: Issue.record("\(domain): fast \(fast), generic \(generic)")
        }
    }

    /// Random names over the rules' labels (any case, empty labels, a trailing dot) split alike on both paths,
    /// with this list and with the full Debian list (the byte path stops its search early; the generic one
    /// tries every suffix).
    @Test func randomNamesSplitAlikeOnBothPaths() throws {
        let labels = [
            "x", "Www", "com", "COM", "co", "uk", "np", "gov", "b", "c", "deep", "a", "blogspot", "github", "io",
            "xn--55qx5d", "cn", "", "ck", "www", "kawasaki", "jp", "city", "nothing", "s3", "amazonaws",
        ]
        var lists = [list]
        if let text = try? String(contentsOfFile: "/usr/share/publicsuffix/public_suffix_list.dat", encoding: .utf8) {
            lists.append(PublicSuffixList(text: text))
        }
        var generator = SystemRandomNumberGenerator()
        for list in lists {
            for _ in 0..<3000 {
                var name = (0..<Int.random(in: 1...6, using: &generator))
                    .map { _ in labels.randomElement(using: &generator)! }.joined(separator: ".")
                if Bool.random(using: &generator) { name += "." }
                let fast: Result<DomainSplit?, ProcessorFailure>
                do throws(ProcessorFailure) {
                    fast = .success(try list.splitASCII(name))
                } catch {
                    fast = .failure(error)
                }
                let generic: Result<DomainSplit?, ProcessorFailure>
                do throws(ProcessorFailure) {
                    generic = .success(try list.splitGeneric(name))
                } catch {
                    generic = .failure(error)
                }
                #expect("\(fast)" == "\(generic)", "\(name)")
            }
        }
        #expect(lists.count == 2, "the Debian list (package publicsuffix) is installed")
    }

    @Test func nonASCIINamesTakeTheGenericPath() throws {
        #expect(try list.splitASCII("example.公司.cn") == nil)
        #expect(try list.split("www.example.公司.cn").registeredDomain == "example.公司.cn")
    }

    @Test func splitKeepsTheInputSpelling() throws {
        #expect(
            try list.split("Mail.Example.COM")
                == DomainSplit(publicSuffix: "COM", registeredDomain: "Example.COM", subdomain: "Mail"))
    }
}
