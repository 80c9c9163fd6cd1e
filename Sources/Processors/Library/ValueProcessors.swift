// Processors that change field values (reference/libbeat.md §4.5): convert, replace, urldecode,
// decode_json_fields, fingerprint and add_id. This file reads their options, with libbeat's names, defaults and
// load-time checks; the processors themselves live in Library/Values/.

import Config
import Events

extension ProcessorFactory {
    /// Processors that change field values.
    static let valueProcessors: [String: ProcessorBuilder] = [
        "convert": ProcessorBuilder(options: ["fields", "ignore_missing", "fail_on_error", "mode", "tag"]) {
            o throws(ConfigError) in
            var conversions: [Convert.Conversion] = []
            for f in try requiredMapList(o, "fields", allowed: ["from", "to", "type"]) {
                let type = try f.string("type").map { (t) throws(ConfigError) in
                    guard let match = ConvertType(rawValue: t.lowercased()) else {
                        let known = ConvertType.allCases.map(\.rawValue).joined(separator: ", ")
                        throw f.error("type", "invalid data type \"\(t)\" (expected one of: \(known))")
                    }
                    return match
                }
                let to = try f.string("to") ?? ""
                if to.isEmpty && type == nil { throw f.error("", "each field must have a 'to' or a 'type'") }
                let from = EventPath(try f.nonEmptyRequired("from"))
                conversions.append(Convert.Conversion(from: from, to: to.isEmpty ? nil : EventPath(to), type: type))
            }
            return Convert(
                conversions: conversions, ignoreMissing: try o.bool("ignore_missing", default: false),
                failOnError: try o.bool("fail_on_error", default: true),
                rename: try o.choice("mode", ["copy", "rename"], default: "copy") == "rename",
                tag: try o.string("tag") ?? "")
        },
        "replace": ProcessorBuilder(options: ["fields", "ignore_missing", "fail_on_error"]) { o throws(ConfigError) in
            var rules: [Replace.Rule] = []
            for f in try requiredMapList(o, "fields", allowed: ["field", "pattern", "replacement"]) {
                guard let pattern = try f.pattern("pattern") else {
                    throw f.error("pattern", "replace requires \"pattern\"")
                }
                rules.append(
                    Replace.Rule(
                        field: EventPath(try f.nonEmptyRequired("field")), pattern: pattern,
                        replacement: try f.requiredString("replacement")))
            }
            return Replace(
                rules: rules, ignoreMissing: try o.bool("ignore_missing", default: false),
                failOnError: try o.bool("fail_on_error", default: true))
        },
        "urldecode": ProcessorBuilder(options: ["fields", "ignore_missing", "fail_on_error"]) { o throws(ConfigError) in
            var moves: [URLDecode.Move] = []
            for f in try requiredMapList(o, "fields", allowed: ["from", "to"]) {
                let to = try f.string("to") ?? ""
                let from = EventPath(try f.nonEmptyRequired("from"))
                moves.append(URLDecode.Move(from: from, to: to.isEmpty ? nil : EventPath(to)))
            }
            return URLDecode(
                moves: moves, ignoreMissing: try o.bool("ignore_missing", default: false),
                failOnError: try o.bool("fail_on_error", default: true))
        },
        "decode_json_fields": ProcessorBuilder(
            options: [
                "fields", "process_array", "max_depth", "target", "overwrite_keys", "expand_keys", "add_error_key",
                "document_id",
            ]
        ) { o throws(ConfigError) in
            DecodeJSONFields(
                fields: try o.requiredStringList("fields"),
                maxDepth: Int(try o.int("max_depth", in: 1...Int64(Int32.max)) ?? 1),
                target: try o.string("target"), overwriteKeys: try o.bool("overwrite_keys", default: false),
                expandKeys: try o.bool("expand_keys", default: false),
                addErrorKey: try o.bool("add_error_key", default: false),
                processArray: try o.bool("process_array", default: false),
                documentID: try o.string("document_id") ?? "")
        },
        "fingerprint": ProcessorBuilder(options: ["fields", "target_field", "method", "encoding", "ignore_missing"]) {
            o throws(ConfigError) in
            let method = try o.choice("method", Fingerprint.Method.allCases.map(\.rawValue), default: "sha256")
            let encoding = try o.choice("encoding", Fingerprint.Encoding.allCases.map(\.rawValue), default: "hex")
            return Fingerprint(
                fields: try o.requiredStringList("fields").map { EventPath($0) },
                target: EventPath(try o.nonEmptyString("target_field") ?? "fingerprint"),
                method: Fingerprint.Method(rawValue: method)!, encoding: Fingerprint.Encoding(rawValue: encoding)!,
                ignoreMissing: try o.bool("ignore_missing", default: false))
        },
        "add_id": ProcessorBuilder(options: ["target_field", "type"]) { o throws(ConfigError) in
            _ = try o.choice("type", ["elasticsearch"], default: "elasticsearch")
            return AddID(
                target: EventPath(try o.nonEmptyString("target_field") ?? "@metadata._id"),
                generator: TimeBasedIDGenerator.shared)
        },
    ]

    /// The entries of a required, non-empty list of maps (`fields: [{from: a, to: b}]`).
    static func requiredMapList(_ o: ProcessorOptions, _ key: String, allowed: [String]) throws(ConfigError)
        -> [ProcessorOptions]
    {
        guard let list = try o.mapList(key, allowed: allowed), !list.isEmpty else {
            throw o.error(key, "\(o.name) requires \"\(key)\" with at least one entry")
        }
        return list
    }
}

extension ProcessorOptions {
    /// A string that must be present and not empty (libbeat's `validate:"required"` on a string).
    func nonEmptyRequired(_ key: String) throws(ConfigError) -> String {
        guard let s = try nonEmptyString(key) else { throw error(key, "\(name) requires \"\(key)\"") }
        return s
    }
}
