// The text forms of durations and byte sizes, as settings read them.

import Config
import NetModel
import Testing

@Suite("Scalar forms")
struct ScalarFormTests {
    @Test(
        "Go durations and bare seconds",
        arguments: [
            ("30s", 30_000_000_000), ("1m30s", 90_000_000_000), ("1.5h", 5_400_000_000_000), ("2", 2_000_000_000),
            ("1500ms", 1_500_000_000), ("1000000us", 1_000_000_000), ("1000000µs", 1_000_000_000),
            ("1h0m1s", 3_601_000_000_000),
        ] as [(String, Int64)])
    func durations(text: String, nanoseconds: Int64) throws {
        let s = try loadValid("packetbeat.flows.timeout: \(text)\n").settings
        #expect(s.flows?.timeout == TimeSpan(nanoseconds: nanoseconds))
    }

    @Test("strings that are not durations", arguments: ["1x", "s", "1.2.3s", "--1s", "1 s", "ten"])
    func badDurations(text: String) throws {
        let error = try #require(loadError("packetbeat.flows.timeout: \(text)\n"))
        #expect(error.message.hasPrefix("invalid duration"))
    }

    @Test(
        "byte sizes: SI and IEC units, any case, bare bytes",
        arguments: [
            ("10GB", 10_000_000_000), ("10gib", 10_737_418_240), ("20 MB", 20_000_000), ("1.5GB", 1_500_000_000),
            ("12000000", 12_000_000), ("30M", 30_000_000), ("16MiB", 16_777_216),
        ] as [(String, Int64)])
    func byteSizes(text: String, bytes: Int64) throws {
        let s = try loadValid("queue.disk.max_size: \(text)\n").settings
        guard case .disk(let d) = s.queue else {
            Issue.record("expected disk queue")
            return
        }
        #expect(d.maxSize == bytes)
    }

    @Test(
        "YAML 1.1 plain scalars in free-form fields",
        arguments: [
            ("yes", ConfigValue.bool(true)), ("Off", .bool(false)), ("0600", .int(384)), ("0x1F", .int(31)),
            ("1_000", .int(1000)), ("-7", .int(-7)), ("2.5", .double(2.5)), ("~", .null), ("'yes'", .string("yes")),
            ("abc", .string("abc")), ("10.0.0.1", .string("10.0.0.1")),
        ])
    func implicitTypes(text: String, value: ConfigValue) throws {
        let s = try loadValid("fields:\n  v: \(text)\n").settings
        #expect(s.fields["v"] == value)
    }
}
