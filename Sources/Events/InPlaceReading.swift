// Reading nested objects and lists where they lie. Binding the payload of an `.object` or `.array` value
// (`case .object(let f)`) copies it: a retain and a release of its array, atomic operations on a cache line that
// the thread which built the event wrote last. The JSON encoder and the path walker visit every nested object of
// every event, so they read the payload's elements in place instead, by the 64-bit Array ABI (stable since
// Swift 5): an enum's payload sits at its start, an array is one pointer to its storage object, whose count is
// at byte 16 and whose elements start at byte 32 (after the object header and the count and capacity words).
// The layout is checked once at startup; where it does not hold, the payload is bound as usual.
//
// A `.string` payload is read the same way by the encoder: its two words (the 64-bit String ABI, as for keys)
// are written out directly when they hold a small string, so that no value pays a retain and a release.

extension FieldValue {
    /// Calls `body` with the entries of the object held by `entries[i].value`, or with nil when that value is not
    /// an object.
    @inline(__always)
    static func withEntries<R>(
        ofObjectAt entries: UnsafeBufferPointer<Fields.Entry>, _ i: Int,
        _ body: (UnsafeBufferPointer<Fields.Entry>?) throws -> R
    ) rethrows -> R {
        let value = UnsafeRawPointer(entries.baseAddress! + i) + MemoryLayout<Fields.Entry>.offset(of: \.value)!
        return try withEntries(ofObjectAt: value.assumingMemoryBound(to: FieldValue.self), body)
    }

    /// Calls `body` with the entries of the object at `v`, or with nil when `v` is not an object. `inPlace` is
    /// `payloadsReadInPlace`, which a caller visiting many values reads once (each read of a lazily initialised
    /// static is a call to check it is initialised: the encoder made some fifty per event).
    @inline(__always)
    static func withEntries<R>(
        ofObjectAt v: UnsafePointer<FieldValue>, inPlace: Bool = payloadsReadInPlace,
        _ body: (UnsafeBufferPointer<Fields.Entry>?) throws -> R
    ) rethrows -> R {
        guard case .object = v.pointee else { return try body(nil) }
        if inPlace { return try body(arrayElements(at: v, as: Fields.Entry.self)) }
        guard case .object(let f) = v.pointee else { return try body(nil) }
        return try f.items.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the elements of the list at `v`, or with nil when `v` is not a list (`inPlace` as for
    /// `withEntries`).
    @inline(__always)
    static func withElements<R>(
        ofListAt v: UnsafePointer<FieldValue>, inPlace: Bool = payloadsReadInPlace,
        _ body: (UnsafeBufferPointer<FieldValue>?) throws -> R
    ) rethrows -> R {
        guard case .array = v.pointee else { return try body(nil) }
        if inPlace { return try body(arrayElements(at: v, as: FieldValue.self)) }
        guard case .array(let items) = v.pointee else { return try body(nil) }
        return try items.withUnsafeBufferPointer(body)
    }

    /// The elements of the array that is the payload of the `.array` or `.object` value at `v` (a `Fields` is its
    /// one array).
    @inline(__always)
    static func arrayElements<T>(at v: UnsafePointer<FieldValue>, as: T.Type) -> UnsafeBufferPointer<T> {
        let storage = UnsafeRawPointer(v).load(as: UnsafeRawPointer.self)
        let count = storage.load(fromByteOffset: 16, as: Int.self)
        return UnsafeBufferPointer(start: (storage + 32).assumingMemoryBound(to: T.self), count: count)
    }

    /// The two words of the String held by the `.string` value at `v` (only where `stringWordsReadInPlace`).
    @inline(__always)
    static func stringWords(at v: UnsafePointer<FieldValue>) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(v)
        return (raw.load(as: UInt64.self), raw.load(fromByteOffset: 8, as: UInt64.self))
    }

    /// Whether a `.string` value starts with its String's two words: checked once, on a small string, an empty
    /// one and a large one.
    static let stringWordsReadInPlace: Bool = {
        #if _pointerBitWidth(_64)
            return ["x", "", "a string too long to be small"].allSatisfy { (text: String) in
                withUnsafePointer(to: FieldValue.string(text)) { stringWords(at: $0) }
                    == unsafeBitCast(text, to: (UInt64, UInt64).self)
            }
        #else
            return false
        #endif
    }()

    /// The UTF-8 bytes of the large String whose two words are `w0` and `w1`, where they lie, when it keeps them
    /// in one piece (a native string's storage or a literal; not small, bridged or foreign): by the 64-bit String
    /// ABI, the count is the first word's low 48 bits and bit 60 says the bytes are tail-allocated; the second
    /// word's top four bits are the discriminator (immortal, for a literal, or nothing else set) and the rest the
    /// storage's address, 32 bytes before the first byte. nil for any other string. Only where
    /// `largeStringsReadInPlace`; the bytes live as long as the String the words came from.
    @inline(__always)
    static func largeStringBytes(_ w0: UInt64, _ w1: UInt64) -> UnsafeBufferPointer<UInt8>? {
        let address = w1 & 0x0FFF_FFFF_FFFF_FFFF
        guard (w1 >> 60) & 0x7 == 0, w0 & (1 << 60) != 0, address != 0 else { return nil }
        let start = UnsafePointer<UInt8>(bitPattern: UInt(address) &+ 32)
        return UnsafeBufferPointer(start: start, count: Int(w0 & 0xFFFF_FFFF_FFFF))
    }

    /// Whether `largeStringBytes` reads this runtime's layout: checked once, on a literal, strings made at run
    /// time, and strings whose bytes must not be read that way (small ones).
    static let largeStringsReadInPlace: Bool = {
        #if _pointerBitWidth(_64) && _endian(little)
            guard stringWordsReadInPlace else { return false }
            let made = String(repeating: "ab", count: 40) + "é"
            let joined = ["a string", "made of", "parts"].joined(separator: " ")
            let sliced = String("0123456789abcdefghijklmnopq".dropFirst(3))
            let literal = "a literal string too long to be small"
            for text in [made, joined, sliced, literal] {
                let words = unsafeBitCast(text, to: (UInt64, UInt64).self)
                guard let bytes = largeStringBytes(words.0, words.1), bytes.elementsEqual(text.utf8) else { return false }
            }
            let small = unsafeBitCast("small", to: (UInt64, UInt64).self)
            return largeStringBytes(small.0, small.1) == nil
        #else
            return false
        #endif
    }()

    /// Whether `arrayElements` reads this runtime's layout: checked once, on values of every shape it meets
    /// (an empty list, a list, an object).
    static let payloadsReadInPlace: Bool = {
        #if _pointerBitWidth(_64)
            func check<T>(_ value: FieldValue, _ type: T.Type, _ expected: (UnsafeBufferPointer<T>) -> Bool) -> Bool {
                withUnsafePointer(to: value) { expected(arrayElements(at: $0, as: type)) }
            }
            return check(.array([]), FieldValue.self) { $0.isEmpty }
                && check(.array([.int(7), .string("x")]), FieldValue.self) { $0.elementsEqual([.int(7), .string("x")]) }
                && check(.object(["k": .int(9), "l": .null]), Fields.Entry.self) {
                    $0.count == 2 && $0[0].key == "k" && $0[0].value == .int(9) && $0[1].key == "l"
                }
        #else
            return false
        #endif
    }()
}
