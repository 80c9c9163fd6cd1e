// Reading and writing paths the way libbeat's MapStr does, for processors whose outcome depends on it:
// a missing key is told apart from a path blocked by a value that is not an object (libbeat's
// `GetValue("a.b")` fails with "key not found" when `a` is absent but with "expected map but type is string"
// when `a` holds a string, and only the first is forgiven by `ignore_missing`), and writing never replaces
// such a value (libbeat's `Put` fails where `Fields.set` would replace it).

import Events

/// What a dotted path leads to.
enum FieldLookup: Equatable {
    /// A value.
    case found(FieldValue)
    /// Nothing: some key along the path is absent.
    case missing
    /// A value that is not an object sits where the path needs one; the text is libbeat's error.
    case blocked(String)

    /// The value, when found.
    var value: FieldValue? {
        if case .found(let v) = self { return v }
        return nil
    }

    /// libbeat's words for a path running into a scalar or a list.
    static func notAnObject(_ v: FieldValue) -> String { "expected map but type is \(v.typeName)" }

    /// libbeat's `ErrKeyNotFound` text.
    static let keyNotFound = "key not found"
}

extension Fields {
    /// Walks `path` one key at a time, as libbeat's `mapFind` does.
    func lookup(_ path: String) -> FieldLookup {
        switch walk(path) {
        case .found(let v): return .found(v)
        case .missing: return .missing
        case .blocked(let v): return .blocked(FieldLookup.notAnObject(v))
        }
    }

    /// The error writing `path` would meet: a value that is not an object where the path needs one.
    func putBlocker(_ path: String) -> String? {
        switch walkToParent(of: path) {
        case nil, .missing: return nil
        case .found(.object): return nil
        case .found(let v), .blocked(let v): return FieldLookup.notAnObject(v)
        }
    }

    /// `mapstr.M.Put`: sets `path`, creating missing objects, and returns the value it replaced; an
    /// intermediate that is not an object is an error and nothing is changed.
    @discardableResult
    mutating func strictPut(_ path: String, _ value: FieldValue) throws(ProcessorFailure) -> FieldValue? {
        if let blocker = putBlocker(path) { throw ProcessorFailure(blocker) }
        let old = self.value(at: path)
        set(path, value)
        return old
    }
}

extension Event {
    /// Looks `path` up, with `@timestamp` and `@metadata.*` addressable.
    func lookup(_ path: String) -> FieldLookup {
        guard Event.mayBeSpecial(path) else { return fields.lookup(path) }
        if path == "@timestamp" { return .found(.timestamp(timestamp)) }
        if path == "@metadata" { return .found(.object(metadata)) }
        if path.hasPrefix(Event.metadataPrefix) {
            return metadata.lookup(String(path.dropFirst(Event.metadataPrefix.count)))
        }
        return fields.lookup(path)
    }

    /// The value at `path` as libbeat's `GetValue` finds it: nil when a key on the way is absent, an error when
    /// the path runs through a value that is not an object (so `ignore_missing` does not cover it).
    func strictValue(at path: String) throws(ProcessorFailure) -> FieldValue? {
        switch lookup(path) {
        case .found(let v): return v
        case .missing: return nil
        case .blocked(let message): throw ProcessorFailure(message)
        }
    }

    /// Writes `value` at `path`, failing where libbeat's `PutValue` fails: a scalar in the way, a
    /// non-time `@timestamp`, a non-object `@metadata`.
    mutating func putChecked(_ path: String, _ value: FieldValue) throws(ProcessorFailure) {
        try checkPut(path, value)
        put(path, value)
    }

    /// Throws what `putChecked` would throw, changing nothing: lets a processor validate before it mutates.
    func checkPut(_ path: String, _ value: FieldValue) throws(ProcessorFailure) {
        guard Event.mayBeSpecial(path) else {
            if let blocker = fields.putBlocker(path) { throw ProcessorFailure(blocker) }
            return
        }
        let blocker: String?
        if path.hasPrefix(Event.metadataPrefix) {
            blocker = metadata.putBlocker(String(path.dropFirst(Event.metadataPrefix.count)))
        } else if path == "@timestamp" || path == "@metadata" {
            blocker = nil
        } else {
            blocker = fields.putBlocker(path)
        }
        if let blocker { throw ProcessorFailure(blocker) }
        let fits: Bool
        switch (path, value) {
        case ("@timestamp", .timestamp), ("@metadata", .object): fits = true
        case ("@timestamp", _), ("@metadata", _): fits = false
        default: fits = true
        }
        guard fits else { throw ProcessorFailure("cannot set \(path) to a value of type \(value.goTypeName)") }
    }
}
