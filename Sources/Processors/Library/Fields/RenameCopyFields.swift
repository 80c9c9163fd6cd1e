// `rename` and `copy_fields` (reference/libbeat.md §4.5): moving or duplicating values between paths.
//
// Both refuse to overwrite: an existing target is an error, checked before the source, so it is an
// error even when the source is missing and `ignore_missing` is set (libbeat's order). A missing source
// is an error unless `ignore_missing`; a source path running into a scalar ("expected map but type is
// string") is an error either way. A target under a scalar is an error, not a replacement. With
// `fail_on_error` (the default) the first error restores the event and sets `error.message`
// ("Failed to rename fields in processor: ..." / "Failed to copy fields in copy_fields processor: ..."),
// and the remaining pairs are skipped; without it, each pair is tried and the event keeps the ones that
// worked. Beats then reports no error at all; wirebeat still reports the failure, so it is counted.
// `@metadata.*` works on both sides; `@timestamp` cannot be removed (so not renamed) and accepts only a
// time (so a copy to it fails, as it already exists).

import Config
import Events

extension ProcessorFactory {
    /// The `rename` builder.
    static let renameBuilder = ProcessorBuilder(options: ["fields", "ignore_missing", "fail_on_error"]) {
        o throws(ConfigError) in
        RenameFields(
            fields: try o.fieldMoves(), ignoreMissing: try o.bool("ignore_missing", default: false),
            failOnError: try o.bool("fail_on_error", default: true))
    }

    /// The `copy_fields` builder.
    static let copyFieldsBuilder = ProcessorBuilder(options: ["fields", "ignore_missing", "fail_on_error"]) {
        o throws(ConfigError) in
        CopyFields(
            fields: try o.fieldMoves(), ignoreMissing: try o.bool("ignore_missing", default: false),
            failOnError: try o.bool("fail_on_error", default: true))
    }
}

/// `rename`: moves each `from` value to `to`.
struct RenameFields: Processor {
    let fields: [FieldMove]
    let ignoreMissing: Bool
    let failOnError: Bool
    var name: String { "rename" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        event.applyEach(
            fields, failOnError: failOnError, errorPrefix: "Failed to rename fields in processor: ", atomic: true
        ) { (event, move) throws(ProcessorFailure) in
            // Two keys of one object, `from` there and `to` not: renamed where they are. Any other case (a key
            // missing, a path blocked, `to` taken) goes the general way, which reports it.
            if let keys = move.siblingKeys, event.fields.renameKey(besideLastKeyOf: move.to.path, from: keys.from, to: keys.to) {
                return
            }
            guard let value = try event.sourceForMove(move, ignoreMissing: ignoreMissing) else { return }
            if move.isBetweenFields {
                // Put first, then remove: `to` is absent and not inside `from` (nor `from` inside it), so the order
                // does not change the result, and the put checks for a blocker in its own walk (one walk fewer
                // than a check before the removal); a blocked put changes nothing. The removal cannot fail, as
                // `from` was just found and the put is not on its path; were it to, the value put is taken back.
                if let blocker = event.fields.setUnlessBlocked(move.to.path, value) {
                    throw ProcessorFailure("could not put value: \(move.to): \(FieldLookup.notAnObject(blocker))")
                }
                guard event.fields.remove(move.from.path) != nil else {
                    event.fields.remove(move.to.path)
                    throw ProcessorFailure("could not delete key: \(move.from)")
                }
                return
            }
            // Removing first lets `a` become `a.b`; any other target can be checked before anything changes,
            // and `a` → `a.b` cannot fail once `a` is gone, so the step changes nothing when it throws. Removing
            // `from` cannot change that check either (only a target inside `from` has `from` on its path), so
            // once `from` is gone the put cannot fail and is not checked again.
            if !move.toIsInsideFrom {
                do throws(ProcessorFailure) {
                    try event.checkPut(move.to, value)
                } catch {
                    throw ProcessorFailure("could not put value: \(move.to): \(error.message)")
                }
            }
            guard event.delete(move.from) != nil else {
                throw ProcessorFailure("could not delete key: \(move.from)")
            }
            event.put(move.to, value)
        }
    }
}

/// `copy_fields`: copies each `from` value to `to`.
struct CopyFields: Processor {
    let fields: [FieldMove]
    let ignoreMissing: Bool
    let failOnError: Bool
    var name: String { "copy_fields" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        event.applyEach(
            fields, failOnError: failOnError, errorPrefix: "Failed to copy fields in copy_fields processor: ",
            atomic: true
        ) { (event, move) throws(ProcessorFailure) in
            guard let value = try event.sourceForMove(move, ignoreMissing: ignoreMissing) else { return }
            do throws(ProcessorFailure) {
                try event.putChecked(move.to, value)
            } catch {
                throw ProcessorFailure("could not copy value to \(move.to): \(error.message)")
            }
        }
    }
}

extension Event {
    /// The value to move or copy: an error when the target exists or the source cannot be read, nil when
    /// the source is missing and that is allowed.
    func sourceForMove(_ move: FieldMove, ignoreMissing: Bool) throws(ProcessorFailure) -> FieldValue? {
        if case .found = lookup(move.to) {
            throw ProcessorFailure("target field \(move.to) already exists, drop or rename this field first")
        }
        switch lookup(move.from) {
        case .found(let value):
            return value
        case .missing where ignoreMissing:
            return nil
        case .missing:
            throw ProcessorFailure("could not fetch value for key: \(move.from), Error: \(FieldLookup.keyNotFound)")
        case .blocked(let why):
            throw ProcessorFailure("could not fetch value for key: \(move.from), Error: \(why)")
        }
    }
}
