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
    func lookup(_ path: FieldPath) -> FieldLookup { FieldLookup(walk(path)) }

    /// `lookup` at a path given as text.
    func lookup(_ path: String) -> FieldLookup { FieldLookup(walk(path)) }

    /// The error writing `path` would meet: a value that is not an object where the path needs one.
    func putBlocker(_ path: FieldPath) -> String? {
        // Checked in place first: nearly every put meets no blocker, and the walk copies what it finds.
        parentIsBlocked(path) ? Fields.blocker(parent: walkToParent(of: path)) : nil
    }

    /// `putBlocker` at a path given as text.
    func putBlocker(_ path: String) -> String? { Fields.blocker(parent: walkToParent(of: path)) }

    /// The error of writing below `parent`, where a path's parent leads (nil: the path is a top-level key).
    private static func blocker(parent: PathEnd?) -> String? {
        switch parent {
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

extension FieldLookup {
    init(_ end: PathEnd) {
        switch end {
        case .found(let v): self = .found(v)
        case .missing: self = .missing
        case .blocked(let v): self = .blocked(FieldLookup.notAnObject(v))
        }
    }
}

extension Event {
    /// Looks `path` up, with `@timestamp` and `@metadata.*` addressable.
    func lookup(_ path: EventPath) -> FieldLookup {
        switch path.root {
        case .fields: return fields.lookup(path.path)
        case .timestamp: return .found(.timestamp(timestamp))
        case .metadata: return .found(.object(metadata))
        case .metadataField: return metadata.lookup(path.path)
        }
    }

    /// The value at `path` as libbeat's `GetValue` finds it: nil when a key on the way is absent, an error when
    /// the path runs through a value that is not an object (so `ignore_missing` does not cover it).
    func strictValue(at path: EventPath) throws(ProcessorFailure) -> FieldValue? {
        switch lookup(path) {
        case .found(let v): return v
        case .missing: return nil
        case .blocked(let message): throw ProcessorFailure(message)
        }
    }

    /// Writes `value` at `path`, failing where libbeat's `PutValue` fails: a scalar in the way, a
    /// non-time `@timestamp`, a non-object `@metadata`.
    mutating func putChecked(_ path: EventPath, _ value: FieldValue) throws(ProcessorFailure) {
        let blocker: FieldValue?
        switch path.root {
        case .fields: blocker = fields.setUnlessBlocked(path.path, value)
        case .metadataField: blocker = metadata.setUnlessBlocked(path.path, value)
        case .timestamp, .metadata:
            try checkPut(path, value)
            put(path, value)
            return
        }
        if let blocker { throw ProcessorFailure(FieldLookup.notAnObject(blocker)) }
    }

    /// Throws what `putChecked` would throw, changing nothing: lets a processor validate before it mutates.
    func checkPut(_ path: EventPath, _ value: FieldValue) throws(ProcessorFailure) {
        let blocker: String?
        switch (path.root, value) {
        case (.fields, _): blocker = fields.putBlocker(path.path)
        case (.metadataField, _): blocker = metadata.putBlocker(path.path)
        case (.timestamp, .timestamp), (.metadata, .object): blocker = nil
        case (.timestamp, _), (.metadata, _): blocker = "cannot set \(path) to a value of type \(value.goTypeName)"
        }
        if let blocker { throw ProcessorFailure(blocker) }
    }

    // Paths given as text are split on the spot.

    /// `lookup` at a path given as text.
    func lookup(_ path: String) -> FieldLookup { lookup(EventPath(path)) }

    /// `strictValue` at a path given as text.
    func strictValue(at path: String) throws(ProcessorFailure) -> FieldValue? { try strictValue(at: EventPath(path)) }

    /// `putChecked` at a path given as text.
    mutating func putChecked(_ path: String, _ value: FieldValue) throws(ProcessorFailure) {
        try putChecked(EventPath(path), value)
    }
}
