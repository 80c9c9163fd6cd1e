// `decode_json_fields` (reference/libbeat.md §4.5): replaces JSON text in fields by the decoded value, or writes
// it under `target` (`""` merges a decoded object into the event root). Missing and non-string fields are
// skipped. Errors do not restore the event: each failing field is reported (joined with ", ") and, with
// `add_error_key`, described in an `error` object (`message`, `type: json`, `data`, `field`).
//
// libbeat details kept on purpose: strings nested in the decoded value are decoded too, down to `max_depth`
// levels, but only strings directly inside the decoded object (or array, with `process_array`); with
// `max_depth` above 1 and `process_array` off, a field whose JSON is an array is not decoded at all and fails
// with "processing skipped". `document_id` moves a string found at that key of the decoded object to
// `@metadata._id`. At the root, `overwrite_keys` also lets the JSON set `@timestamp` (RFC 3339 text),
// `@metadata` and `type`; without it those keys are dropped and existing fields win.

import Events

/// `decode_json_fields`.
struct DecodeJSONFields: Processor {
    let fields: [String]
    let maxDepth: Int
    /// nil writes back into each source field; "" merges into the root.
    let target: String?
    let overwriteKeys: Bool
    let expandKeys: Bool
    let addErrorKey: Bool
    let processArray: Bool
    let documentID: String
    var name: String { "decode_json_fields" }

    static let skipped = ProcessorFailure("processing skipped")

    func process(_ event: inout Event) -> ProcessorOutcome {
        var errors: [String] = []
        for field in fields {
            let data: FieldValue?
            do {
                data = try event.strictValue(at: field)
            } catch {
                errors.append(error.message)
                continue
            }
            guard case .string(let text)? = data else { continue }
            var output: FieldValue
            do {
                output = try unmarshal(text, depth: maxDepth)
            } catch {
                errors.append(error.message)
                setError("parsing input as JSON: \(error.message)", data: text, field: field, in: &event)
                continue
            }
            var id = ""
            if !documentID.isEmpty, case .object(var object) = output,
                case .string(let found)? = object.value(at: documentID)
            {
                id = found
                object.remove(documentID)
                output = .object(object)
            }
            let destination = target ?? field
            if destination.isEmpty {
                guard case .object(let object) = output else {
                    errors.append("failed to add target to root")
                    continue
                }
                writeToRoot(object, &event)
            } else {
                if expandKeys {
                    if case .object(var object) = output {
                        // A failed expansion is only described; the partly expanded object is still written.
                        do { try object.expandDottedKeys() } catch { setError(error.message, in: &event) }
                        output = .object(object)
                    } else {
                        errors.append("failed to expand keys")
                    }
                }
                do {
                    try event.putChecked(destination, output)
                } catch {
                    errors.append(error.message)
                    continue
                }
            }
            if !id.isEmpty { event.metadata["_id"] = .string(id) }
        }
        return errors.isEmpty ? .keep : .failed(errors.joined(separator: ", "))
    }

    /// Decodes `text` and, while depth remains, JSON strings directly inside the result.
    func unmarshal(_ text: String, depth: Int) throws(ProcessorFailure) -> FieldValue {
        let value = try JSONValues.decode(text)
        let remaining = depth - 1
        guard remaining > 0 else { return value }
        func deeper(_ item: FieldValue) -> FieldValue {
            guard case .string(let s) = item, JSONValues.isStructured(s),
                let decoded = try? unmarshal(s, depth: remaining)
            else { return item }
            return decoded
        }
        switch value {
        case .object(var object):
            for (key, item) in object.entries { object[key] = deeper(item) }
            return .object(object)
        case .array(let items):
            guard processArray else { throw DecodeJSONFields.skipped }
            return .array(items.map(deeper))
        default:
            return value
        }
    }

    /// libbeat's WriteJSONKeys: merges a decoded object into the event root.
    func writeToRoot(_ decoded: Fields, _ event: inout Event) {
        var keys = decoded
        if expandKeys {
            do {
                try keys.expandDottedKeys()
            } catch {
                setError(error.message, in: &event)
                return
            }
        }
        guard overwriteKeys else {
            keys["@timestamp"] = nil
            keys["@metadata"] = nil
            event.fields.merge(keys, overwrite: false)
            return
        }
        if let value = keys["@timestamp"] {
            if case .string(let text) = value {
                if let time = JSONValues.parseTimestamp(text) {
                    event.timestamp = time
                } else {
                    setError("@timestamp not overwritten (parse error on \(text))", in: &event)
                }
            } else {
                setError("@timestamp not overwritten (not string)", in: &event)
            }
        }
        if let value = keys["@metadata"] {
            if case .object(let metadata) = value {
                event.metadata.merge(metadata, overwrite: true)
            } else {
                setError("failed to update @metadata", in: &event)
            }
        }
        if let value = keys["type"] {
            if case .string(let type) = value {
                if type.isEmpty || type.hasPrefix("_") {
                    setError("type not overwritten (invalid value [\(type)])", in: &event)
                } else {
                    event.fields["type"] = .string(type)
                }
            } else {
                setError("type not overwritten (not string)", in: &event)
            }
        }
        for key in ["@timestamp", "@metadata", "type"] { keys[key] = nil }
        event.fields.merge(keys, overwrite: true)
    }

    /// With `add_error_key`, replaces the event's `error` by a description of this failure.
    func setError(_ message: String, data: String = "", field: String = "", in event: inout Event) {
        guard addErrorKey else { return }
        var error = Fields()
        error.append("message", .string(message))
        error.append("type", .string("json"))
        if !data.isEmpty { error.append("data", .string(data)) }
        if !field.isEmpty { error.append("field", .string(field)) }
        event.fields["error"] = .object(error)
    }
}
