// fingerprint: the hashed text, every method and encoding, missing and non-scalar fields, targets.
// Expected digests were computed outside wirebeat (coreutils md5sum/sha*sum, openssl | base32/base64) from
// the `|name|value|` text each test states; the xxhash value is the one libbeat's own tests expect.

import Config
import Events
import NetModel
import Testing
@testable import Processors

@Suite struct FingerprintTests {
    static let fooBar = event(["field1": .string("foo"), "field2": .string("bar"), "unused": .string("baz")])

    @Test func docsExampleHashesTheListedFieldsWithSHA256() throws {
        let p = try build("fingerprint", ["fields": ["field1", "field2"]])
        // sha256("|field1|foo|field2|bar|")
        #expect(run(p, Self.fooBar).event?.value(at: "fingerprint")
            == .string("1208288932231e313b369bae587ff574cd3016a408e52e7128d7bee752674003"))
    }

    @Test(arguments: [
        ("md5", "4c45df4792f3ef850c928ec5f5232538"),
        ("sha1", "22f76427d626516d3f7a05785165b99617683b22"),
        ("SHA256", "1208288932231e313b369bae587ff574cd3016a408e52e7128d7bee752674003"),
        ("sha384", "295adfe0bc03908948e4b0b6a54f441767867e426dda590430459c8a147fbba242a38cba282adee78335b9e08877b86c"),
        ("sha512", "f50ad51b63c92a0ed0c910527119b81806f3110f0afaa1dcb93506a78371ea76"
            + "1e50c0fc09b08c441d832dd2da1b45e5d8361adfb240e1fffc2695122a23e183"),
        ("xxhash", "37bc50682fba6686"),
    ])
    func methods(_ method: String, _ digest: String) throws {
        let p = try build("fingerprint", ["fields": ["field2", "field1"], "method": method])
        #expect(run(p, Self.fooBar).event?.value(at: "fingerprint") == .string(digest))
    }

    @Test(arguments: [
        ("hex", "8934ca639027aab1ee9f3944d4d6bd1e"),
        ("base32", "RE2MUY4QE6VLD3U7HFCNJVV5DY======"),
        ("Base64", "iTTKY5AnqrHunzlE1Na9Hg=="),
    ])
    func encodings(_ encoding: String, _ text: String) throws {
        // md5("|field2|bar|nested.field|qux|")
        let p = try build("fingerprint", ["fields": ["nested.field", "field2"], "method": "md5", "encoding": encoding])
        let input = event(["field2": .string("bar"), "nested.field": .string("qux")])
        #expect(run(p, input).event?.value(at: "fingerprint") == .string(text))
    }

    @Test(arguments: [
        ["field1", "nested.field"], ["nested.field", "field1"], ["nested.field", "field1", "nested.field"],
    ])
    func orderAndDuplicatesDoNotMatter(_ fields: [String]) throws {
        let p = try build("fingerprint", ["fields": fields])
        let input = event(["field1": .string("foo"), "nested.field": .string("qux")])
        // sha256("|field1|foo|nested.field|qux|")
        #expect(run(p, input).event?.value(at: "fingerprint")
            == .string("3d51237d384215a6e731f2cc67ead6d7d9a5138377897c8f542a915be3c25bcf"))
    }

    @Test func timestampIsWrittenAsGoTimeInUTC() throws {
        let p = try build("fingerprint", ["fields": ["message", "@timestamp"]])
        var input = event(["message": .string(#"test message "hello world""#)])
        input.timestamp = Timestamp(seconds: 1_635_443_183, nanoseconds: 0)
        // sha256("|@timestamp|2021-10-28 17:46:23 +0000 UTC|message|test message \"hello world\"|")
        #expect(run(p, input).event?.value(at: "fingerprint")
            == .string("081da76e049554943843b83948ac83ab7aa79fd2849331813e02042586021c26"))
        let field = try build("fingerprint", ["fields": ["timestamp"]])
        let at = event(["timestamp": .timestamp(Timestamp(seconds: 1_572_307_200, nanoseconds: 0))])
        // sha256("|timestamp|2019-10-29 00:00:00 +0000 UTC|")
        #expect(run(field, at).event?.value(at: "fingerprint")
            == .string("4534d56a673c2da41df32db5da87cf47e639e84fe82907f2c015c8dfcac5d4f5"))
    }

    @Test func nonStringScalarsUseGoText() throws {
        #expect(GoFormat.float(1_000_000) == "1e+06")
        let p = try build("fingerprint", ["fields": ["b", "f", "i", "n", "u"]])
        let input = event([
            "b": .bool(true), "f": .double(1_000_000), "i": .int(-42), "n": .null, "u": .uint(UInt64.max),
        ])
        // sha256("|b|true|f|1e+06|i|-42|n|<nil>|u|18446744073709551615|")
        #expect(run(p, input).event?.value(at: "fingerprint")
            == .string("459d0876abad6cc5b70e415d91427230b6bf56eedfad6444960c4c7fa08840a5"))
    }

    @Test func ignoreMissingBothWays() throws {
        let lenient = try build("fingerprint", ["fields": ["field1", "missing"], "ignore_missing": true])
        // sha256("|field1|foo|")
        #expect(run(lenient, Self.fooBar).event?.value(at: "fingerprint")
            == .string("4cf8b768ad20266c348d63a6d1ff5d6f6f9ed0f59f5c68ae031b78e3e04c5144"))
        let strict = try build("fingerprint", ["fields": ["field1", "missing"]])
        let (out, outcome) = run(strict, Self.fooBar)
        // libbeat drops the event here; wirebeat keeps it without a fingerprint and reports the failure.
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(out?.has("fingerprint") == false)
        #expect(out?.value(at: "field1") == .string("foo"))
    }

    @Test(arguments: [FieldValue.object(["child": .string("qux")]), .array([.string("a")])])
    func nonScalarFieldsFailAndKeepTheEvent(_ value: FieldValue) throws {
        let p = try build("fingerprint", ["fields": ["field1", "complex"], "ignore_missing": true])
        let (out, outcome) = run(p, event(["field1": .string("foo"), "complex": value]))
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(out?.has("fingerprint") == false)
    }

    @Test func targetsNestedAndMetadata() throws {
        let nested = try build("fingerprint", ["fields": ["field1"], "target_field": "event.hash"])
        let out = run(nested, Self.fooBar).event
        #expect(out?.value(at: "event.hash")
            == .string("4cf8b768ad20266c348d63a6d1ff5d6f6f9ed0f59f5c68ae031b78e3e04c5144"))
        #expect(out?.has("fingerprint") == false)
        let meta = try build("fingerprint", ["fields": ["@metadata.message"], "target_field": "@metadata.fingerprint"])
        let input = event(metadata: ["message": .string("hello world")])
        // sha256("|@metadata.message|hello world|")
        #expect(run(meta, input).event?.metadata["fingerprint"]
            == .string("1a3fe8251076ed8de5fd99ce529d2b9971c54851d4d45f5a576bed91d0cc4202"))
    }

    @Test func unwritableTargetFailsAndKeepsTheEvent() throws {
        let p = try build("fingerprint", ["fields": ["field1"], "target_field": "field2.hash"])
        let (out, outcome) = run(p, Self.fooBar)
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(out?.value(at: "field2") == Self.fooBar.value(at: "field2"))
    }

    @Test func base32PadsEveryLength() {
        // RFC 4648 §10 test vectors.
        let vectors = ["": "", "f": "MY======", "fo": "MZXQ====", "foo": "MZXW6===", "foob": "MZXW6YQ=",
                       "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI======"]
        for (input, output) in vectors { #expect(Fingerprint.base32(Array(input.utf8)) == output) }
    }

    @Test func configErrors() {
        #expect(buildError("fingerprint", ["fields": []])?.contains("requires \"fields\"") == true)
        #expect(rejects("fingerprint", ["fields": ["a"], "method": "crc32"], "invalid value \"crc32\""))
        #expect(rejects("fingerprint", ["fields": ["a"], "encoding": "base58"], "invalid value \"base58\""))
        #expect(buildError("fingerprint", ["fields": ["a"], "use_xxhash": true])?.contains("unknown option") == true)
    }
}
