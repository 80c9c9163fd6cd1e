// `truncate_fields` (reference/libbeat.md §4.5): cutting string values to a number of bytes or of
// characters, with `@metadata.` paths allowed.
//
// Each value cut adds `truncated` to the `log.flags` list, once per field cut and without deduplication,
// as libbeat does (when `log.flags` holds something other than a list, libbeat's append fails silently and
// so does ours). Only strings can be cut; anything else is an error ("value cannot be truncated").
// `max_characters` counts Unicode scalar values (Go runes), not grapheme clusters.
//
// Deliberate differences from Beats:
// - `max_bytes` never splits a UTF-8 sequence: the cut falls at the last character boundary at or
//   before the limit, so the value may be a few bytes shorter than `max_bytes`. libbeat cuts the bytes
//   blindly, and its JSON encoder then writes the broken tail as U+FFFD, which is longer than the limit and
//   not what was sent.
// - `fail_on_error` defaults to true, as the Beats documentation says; libbeat's code leaves it false.
//   On failure the event is restored without `error.message`, as libbeat does for this processor.

import Config
import Events

extension ProcessorFactory {
    /// The `truncate_fields` builder.
    static let truncateFieldsBuilder = ProcessorBuilder(
        options: ["fields", "max_bytes", "max_characters", "fail_on_error", "ignore_missing"]
    ) { o throws(ConfigError) in
        let limit: TruncateFields.Limit
        switch (try o.int("max_bytes", in: 0...Int64(Int.max)), try o.int("max_characters", in: 0...Int64(Int.max))) {
        case (let bytes?, nil): limit = .bytes(Int(bytes))
        case (nil, let characters?): limit = .characters(Int(characters))
        case (.some, .some):
            throw o.error("max_characters", "max_bytes and max_characters are mutually exclusive; set only one")
        case (nil, nil):
            throw o.error("", "truncate_fields requires one of \"max_bytes\" or \"max_characters\"")
        }
        return TruncateFields(
            fields: try o.presentStringList("fields").map { EventPath($0) }, limit: limit,
            failOnError: try o.bool("fail_on_error", default: true),
            ignoreMissing: try o.bool("ignore_missing", default: false))
    }
}

/// `truncate_fields`: cuts string values to a size.
struct TruncateFields: Processor {
    /// The size a value is cut to.
    enum Limit: Sendable, Equatable {
        case bytes(Int)
        case characters(Int)
    }

    let fields: [EventPath]
    let limit: Limit
    let failOnError: Bool
    let ignoreMissing: Bool
    var name: String { "truncate_fields" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        event.applyEach(fields, failOnError: failOnError, errorPrefix: nil, atomic: true) {
            (event, field) throws(ProcessorFailure) in
            let text: String
            switch event.lookup(field) {
            case .found(.string(let s)):
                text = s
            case .found(let other):
                throw ProcessorFailure("value cannot be truncated: \(field) is of type \(other.typeName)")
            case .missing where ignoreMissing:
                return
            case .missing:
                throw ProcessorFailure("could not fetch value for key: \(field): \(FieldLookup.keyNotFound)")
            case .blocked(let why):
                throw ProcessorFailure("could not fetch value for key: \(field): \(why)")
            }
            guard let cut = truncate(text) else { return }
            try event.putChecked(field, .string(cut))
            event.flagTruncated()
        }
    }

    /// `text` cut to the limit, or nil when it already fits.
    func truncate(_ text: String) -> String? {
        switch limit {
        case .bytes(let max):
            let utf8 = text.utf8
            guard utf8.count > max else { return nil }
            var end = utf8.index(utf8.startIndex, offsetBy: max)
            // Back off continuation bytes (10xxxxxx) so the cut lands on a character boundary.
            while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
            return String(decoding: utf8[..<end], as: UTF8.self)
        case .characters(let max):
            let scalars = text.unicodeScalars
            guard let end = scalars.index(scalars.startIndex, offsetBy: max, limitedBy: scalars.endIndex),
                end != scalars.endIndex
            else { return nil }
            var out = ""
            out.unicodeScalars.append(contentsOf: scalars[..<end])
            return out
        }
    }
}

extension Event {
    /// Appends `truncated` to `log.flags`, creating the list; a non-list there is left alone.
    mutating func flagTruncated() {
        switch fields.lookup("log.flags") {
        case .missing:
            fields.set("log.flags", .strings(["truncated"]))
        case .found(.array(var flags)):
            flags.append(.string("truncated"))
            fields.set("log.flags", .array(flags))
        case .found, .blocked:
            break
        }
    }
}
