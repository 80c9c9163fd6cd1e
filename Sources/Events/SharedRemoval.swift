// Removing a key from an object that many events share.
//
// The pipeline merges the same builtin objects (`agent`, `host`, `ecs`) into every event, and `add_fields`
// the same configured ones: each event holds a reference to one object, not a copy. `drop_fields` of a key
// inside such an object (`agent.ephemeral_id`, a common setting) therefore copies the object on every event
// before removing the key, and the copy is freed with the event: an allocation, a retain and a release per
// member, twice. The result is the same for every event that holds the same object, so it is remembered:
// an event whose object is the one remembered gets the remembered result, shared like the original.
//
// An object is recognised by the address of its storage. The memo holds a reference to the object it
// remembers, so that address cannot be reused while it is remembered, and the object cannot change (a
// change to an object that more than one value holds copies it first). The first time a removal has to copy
// an object, the memo only notes the address: objects built for one event are copied only when something
// else holds them too, and are not worth remembering. When an object at a noted address is met again, the
// memo takes a reference to it (a copy there is due anyway) and remembers it with its result.

import Synchronization

/// What `Fields.remove(_:memo:)` remembers for one path: one object and the result of removing the path's
/// last key from it. Safe to share between threads (each use takes a lock, held briefly); a processor on a
/// publish worker of its own uses it without contention.
public final class SharedRemovalMemo: Sendable {
    struct Remembered: Sendable {
        /// The object the removal started from; held, so its storage address stays its own.
        let input: Fields
        /// `input`'s storage address.
        let address: UInt
        /// `input` without the key.
        let output: Fields
    }

    struct State: Sendable {
        var remembered: Remembered?
        /// The address of an object whose removal copied it, not yet remembered.
        var noted: UInt?
    }

    private let state = Mutex(State())

    public init() {}

    /// The result remembered for the object stored at `address`, if that is the object remembered.
    func result(for address: UInt) -> Fields? {
        state.withLock { s in
            guard let r = s.remembered, r.address == address else { return nil }
            return r.output
        }
    }

    /// Whether a removal copied the object at `address` before (and it is not remembered yet).
    func wasNoted(_ address: UInt) -> Bool {
        state.withLock { $0.noted == address }
    }

    /// Notes that removing the key copied the object at `address`.
    func note(_ address: UInt) {
        state.withLock { $0.noted = address }
    }

    /// Remembers `input` (stored at `address`) and the result of the removal.
    func remember(_ input: Fields, at address: UInt, output: Fields) {
        state.withLock {
            $0.remembered = Remembered(input: input, address: address, output: output)
            $0.noted = nil
        }
    }

    /// The address of the object remembered, for tests.
    public var rememberedAddress: UInt? { state.withLock { $0.remembered?.address } }
}

extension Fields {
    /// The address of this object's storage (of its first entry, whether or not it has one).
    @inline(__always)
    public var storageAddress: UInt {
        items.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    /// `remove(_:)` of a path of two keys (`agent.ephemeral_id`), remembering in `memo` the result for an object
    /// that many events share (see the top of this file); true when a value was removed. The outcome is that of
    /// `remove(_:)`, for every path (the value removed is not handed out: it would be one more reference to
    /// take and drop per event).
    public mutating func remove(_ path: FieldPath, memo: SharedRemovalMemo) -> Bool {
        guard path.keys.count == 2,
            let i = path.withCursor({ c in items.withUnsafeBufferPointer { c.index(in: $0) } }),
            // The object's storage, read where it lies: binding the object would hold a second reference to
            // it, and removing from it would then copy it even when this event alone holds it.
            let address = items.withUnsafeBufferPointer({ entries in
                FieldValue.withEntries(ofObjectAt: entries, i) { inner in
                    inner.flatMap { $0.isEmpty ? nil : UInt(bitPattern: $0.baseAddress) }
                }
            })
        else { return remove(path) != nil }
        if let output = memo.result(for: address) {
            items[i].value = .object(output)
            return true
        }
        var input: Fields? = nil
        if memo.wasNoted(address), case .object(let object) = items[i].value { input = object }
        guard remove(path) != nil else { return false }
        guard case .object(let output) = items[i].value, output.storageAddress != address else { return true }
        // Removing the key copied the object: something else holds it too.
        if let input {
            memo.remember(input, at: address, output: output)
        } else {
            memo.note(address)
        }
        return true
    }
}
