// The JSON of objects that many events share, kept per thread.
//
// Every event holds the same builtin objects (`agent`, `host`, `ecs`) and the objects `add_fields` adds; each
// event refers to one object rather than holding a copy (and `drop_fields` of a key inside one gives every
// event the same result, Events/SharedRemoval.swift). Lists are shared the same way: the constant lists of flow
// events (`event.category`, `event.type`), the tags `add_tags` gives an event that had none. Their JSON is the
// same for every event, so the encoder keeps the bytes of the shared values it met last and copies them out
// when it meets the same value again.
//
// A value is recognised by the address of its storage, and the cache holds a reference to every value it keeps
// bytes for: while it does, no other object or list can be stored at that address, and the value cannot change
// (changing a value that more than one holds copies it first). Only values that something besides the event
// holds are kept (a heap object's strong reference count is read from its header, by the Swift runtime's
// 64-bit layout, checked once at startup): a value built for one event would only take a slot. The cache is
// per thread (each publish worker encodes its own events, and a lock here would sit on every event), holds the
// settings its bytes were written with, and is not used for pretty output, whose bytes depend on the depth.

import NetModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The JSON of shared objects and lists one thread encoded last (see above).
final class SharedEncodings {
    struct Slot {
        /// The object or list, held so that its address stays its own.
        var value: FieldValue
        /// Its storage's address.
        var address: UnsafeRawPointer
        /// Whether it is an object (else a list): every empty list and empty object of the process share one
        /// storage, so the address alone does not tell `[]` from `{}`.
        var isObject: Bool
        /// Its JSON, in memory of the slot's own.
        var bytes: UnsafeMutableBufferPointer<UInt8>
    }

    /// Values kept, replaced in turn.
    static let capacity = 8

    private(set) var slots: [Slot] = []
    private var next = 0
    /// Memory for the encoder's bytes, handed from one event's writer to the next (nil while one has it).
    private var sink: (memory: UnsafeMutablePointer<UInt8>, capacity: Int)?
    /// A sink grown beyond this (by an event of more than 64 KiB) is freed rather than kept.
    static let sinkLimit = 64 << 10
    /// The date of the last time the thread wrote: events in a row nearly always share it.
    var days = RFC3339.DayCache()
    /// What every event starts its `@metadata` with (`,"@metadata":{"beat":…,"type":…,"version":…`), for the
    /// identity it was written for.
    private var metadata: (identity: BeatIdentity, bytes: UnsafeMutableBufferPointer<UInt8>)?
    /// The encoder settings the bytes were written with.
    private var escapeHTML = false
    private var fractionDigits = 3

    init() { slots.reserveCapacity(Self.capacity) }

    deinit {
        removeAll()
        sink?.memory.deallocate()
    }

    /// The start of `@metadata` kept for `identity`.
    @inline(__always)
    func metadataHead(for identity: BeatIdentity) -> UnsafeBufferPointer<UInt8>? {
        guard let metadata, metadata.identity == identity else { return nil }
        return UnsafeBufferPointer(metadata.bytes)
    }

    /// Keeps `bytes` as the start of `@metadata` for `identity`.
    func keepMetadataHead(_ identity: BeatIdentity, bytes: UnsafeBufferPointer<UInt8>) {
        metadata?.bytes.deallocate()
        metadata = (identity, Self.copy(bytes))
    }

    /// `bytes` in memory of their own.
    private static func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeMutableBufferPointer<UInt8> {
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = copy.initialize(from: bytes)
        return copy
    }

    /// The thread's sink memory, or nil when a writer has it already (or none was given back yet).
    func takeSink() -> ByteSink? {
        guard let (memory, capacity) = sink else { return nil }
        sink = nil
        return ByteSink(memory: memory, capacity: capacity)
    }

    /// Takes back the memory of a sink made by `takeSink` (or by a writer that had none).
    func giveBack(_ memory: (memory: UnsafeMutablePointer<UInt8>, capacity: Int)) {
        if sink == nil && memory.capacity <= Self.sinkLimit {
            sink = memory
        } else {
            memory.memory.deallocate()
        }
    }

    /// The cache of the calling thread, emptied first if it was filled with other settings; unretained, as the
    /// thread-specific slot holds it until the thread ends.
    static func current(escapeHTML: Bool, fractionDigits: Int) -> Unmanaged<SharedEncodings> {
        let cache: Unmanaged<SharedEncodings>
        if let raw = pthread_getspecific(key) {
            cache = Unmanaged<SharedEncodings>.fromOpaque(raw)
        } else {
            cache = Unmanaged.passRetained(SharedEncodings())
            pthread_setspecific(key, cache.toOpaque())
        }
        cache._withUnsafeGuaranteedRef { cache in
            if cache.escapeHTML != escapeHTML || cache.fractionDigits != fractionDigits {
                cache.removeAll()
                cache.escapeHTML = escapeHTML
                cache.fractionDigits = fractionDigits
            }
        }
        return cache
    }

    /// The thread-specific slot holding each thread's cache; the cache is released when its thread ends.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            guard let raw else { return }
            Unmanaged<SharedEncodings>.fromOpaque(raw).release()
        }
        return key
    }()

    /// The bytes kept for the object (or list) stored at `address`.
    @inline(__always)
    func bytes(for address: UnsafeRawPointer, isObject: Bool) -> UnsafeBufferPointer<UInt8>? {
        for i in slots.indices where slots[i].address == address && slots[i].isObject == isObject {
            return UnsafeBufferPointer(slots[i].bytes)
        }
        return nil
    }

    /// Keeps `bytes` as the JSON of `value` (an object or a list), stored at `address`, in place of the slot
    /// used longest ago.
    func keep(_ value: FieldValue, at address: UnsafeRawPointer, isObject: Bool, bytes: UnsafeBufferPointer<UInt8>) {
        let slot = Slot(value: value, address: address, isObject: isObject, bytes: Self.copy(bytes))
        if slots.count < Self.capacity {
            slots.append(slot)
            return
        }
        slots[next].bytes.deallocate()
        slots[next] = slot
        next = (next + 1) % Self.capacity
    }

    /// Drops every byte kept (the slots and the start of `@metadata`).
    func removeAll() {
        for slot in slots { slot.bytes.deallocate() }
        slots.removeAll(keepingCapacity: true)
        next = 0
        metadata?.bytes.deallocate()
        metadata = nil
    }
}

extension FieldValue {
    /// The storage object of the `.object` or `.array` value at `v` (only where `payloadsReadInPlace`).
    @inline(__always)
    static func payloadStorage(at v: UnsafePointer<FieldValue>) -> UnsafeRawPointer {
        UnsafeRawPointer(v).load(as: UnsafeRawPointer.self)
    }

    /// Whether the heap object at `object` has more than one strong reference, read from its header: the
    /// second word holds the extra strong references from bit 33 up, and its top bit marks a count kept
    /// elsewhere (which counts as shared here). Only where `sharedReadInPlace`. The word is read without the
    /// atomic access the runtime uses, as a hint: a stale or wrong answer costs only speed, since the bytes kept
    /// are found again by address, with the object held.
    @inline(__always)
    static func isShared(_ object: UnsafeRawPointer) -> Bool {
        object.load(fromByteOffset: 8, as: UInt64.self) >> 33 != 0
    }

    /// Whether `isShared` reads this runtime's layout: checked once, on an object that one list holds twice and
    /// on one that a list holds once.
    static let sharedReadInPlace: Bool = {
        #if _pointerBitWidth(_64) && _endian(little)
            guard payloadsReadInPlace else { return false }
            @inline(never) func list(holding object: Fields, times: Int) -> [FieldValue] {
                Array(repeating: .object(object), count: times)
            }
            @inline(never) func object() -> Fields {
                var f = Fields()
                f.append("k", .int(1))
                return f
            }
            let twice = list(holding: object(), times: 2)
            let once = list(holding: object(), times: 1)
            return twice.withUnsafeBufferPointer { isShared(payloadStorage(at: $0.baseAddress!)) }
                && !once.withUnsafeBufferPointer { isShared(payloadStorage(at: $0.baseAddress!)) }
        #else
            return false
        #endif
    }()
}
