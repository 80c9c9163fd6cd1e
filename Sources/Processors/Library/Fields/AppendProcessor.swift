// `append` (reference/libbeat.md §4.5): building a list in `target_field` from what it held, the values
// of other fields and static values.
//
// The target's list is kept (a single value becomes the first element; an absent target starts empty),
// then each of `fields` is added (a list spread element by element, anything else as one element), then
// `values` as configured. `ignore_empty_values` removes empty strings and nulls from the whole list,
// existing elements included; `allow_duplicate: false` keeps the first of equal elements. A missing
// field is an error unless `ignore_missing`. With `fail_on_error` (the default) a failure restores the
// event and sets `error.message` ("failed to append fields in append processor: ..."). libbeat's
// duplicate removal hashes the values and panics on objects and lists; ours compares them, a deliberate
// difference.

import Config
import Events

extension ProcessorFactory {
    /// The `append` builder.
    static let appendBuilder = ProcessorBuilder(
        options: [
            "target_field", "fields", "values", "ignore_missing", "ignore_empty_values", "fail_on_error",
            "allow_duplicate",
        ]
    ) { o throws(ConfigError) in
        guard let target = try o.nonEmptyString("target_field") else {
            throw o.error("target_field", "append requires \"target_field\"")
        }
        let values: [FieldValue]
        switch o.value("values") {
        case nil: values = []
        case .list(let items)?: values = items.map(eventValue)
        case let single?: values = [eventValue(single)]
        }
        return AppendProcessor(
            target: EventPath(target), fields: (try o.stringList("fields") ?? []).map { EventPath($0) }, values: values,
            ignoreMissing: try o.bool("ignore_missing", default: false),
            ignoreEmptyValues: try o.bool("ignore_empty_values", default: false),
            failOnError: try o.bool("fail_on_error", default: true),
            allowDuplicate: try o.bool("allow_duplicate", default: true))
    }
}

/// `append`: collects values into the list at `target`.
struct AppendProcessor: Processor {
    let target: EventPath
    let fields: [EventPath]
    let values: [FieldValue]
    let ignoreMissing: Bool
    let ignoreEmptyValues: Bool
    let failOnError: Bool
    let allowDuplicate: Bool
    var name: String { "append" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        event.applyEach(
            [target], failOnError: failOnError, errorPrefix: "failed to append fields in append processor: "
        ) {
            (event, target) throws(ProcessorFailure) in
            var list: [FieldValue] = []
            switch event.lookup(target) {
            case .found(.array(let items)): list = items
            case .found(let value): list = [value]
            case .missing: break
            case .blocked(let why):
                throw ProcessorFailure("unable to delete the target field \(target) due to error: \(why)")
            }
            for field in fields {
                switch event.lookup(field) {
                case .found(.array(let items)): list += items
                case .found(let value): list.append(value)
                case .missing where ignoreMissing: continue
                case .missing:
                    throw ProcessorFailure("could not fetch value for key: \(field), Error: \(FieldLookup.keyNotFound)")
                case .blocked(let why):
                    throw ProcessorFailure("could not fetch value for key: \(field), Error: \(why)")
                }
            }
            list += values
            if ignoreEmptyValues { list.removeAll { $0 == .null || $0 == .string("") } }
            if !allowDuplicate {
                var unique: [FieldValue] = []
                for value in list where !unique.contains(value) { unique.append(value) }
                list = unique
            }
            do throws(ProcessorFailure) {
                try event.putChecked(target, .array(list))
            } catch {
                throw ProcessorFailure(
                    "unable to put values in the target field \(target) due to error: \(error.message)")
            }
        }
    }
}
