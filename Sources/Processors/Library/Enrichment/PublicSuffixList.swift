// The Mozilla public suffix list (https://publicsuffix.org/list/) as Debian's `publicsuffix` package installs
// it, and the split of a host name into public suffix, registered domain and subdomain that Beats'
// `registered_domain` gets from Go's golang.org/x/net/publicsuffix.
//
// As in Go, the ICANN and the private sections are both used (`foo.github.io` is registered under the private
// rule `github.io`), rules are normal (`co.uk`), wildcard (`*.ck`) or exception (`!www.ck`), an exception rule
// prevails over every other match, and a name that no rule matches has its last label as public suffix.
// Deliberate differences, both from Go's behaviour with names as packets carry them:
// - Go compares case-sensitively against its lower-case table, so `WWW.EXAMPLE.CO.UK` gives `CO.UK`; here
//   labels are compared case-insensitively (DNS names are, RFC 4343) and the result keeps the input's case.
// - Go rejects a trailing dot (`www.example.com.`, the fully qualified form) as an empty label; here the root
//   label is dropped first. Leading dots and empty labels inside the name are still errors, as in Go.
// Go's table holds only the `xn--` forms of internationalised rules (names on the wire carry that form, RFC 5891
// §4.4); both forms are kept here, so Unicode and ACE spellings of a name split alike. Foundation's URL parser
// does the IDNA conversion.

import Foundation
import Synchronization

/// A parsed public suffix list.
struct PublicSuffixList: Sendable {
    /// What the rules say about one suffix: it is a rule, its children are (`*.` rule), or it is an exception.
    struct Kind: OptionSet, Sendable {
        let rawValue: UInt8
        static let rule = Kind(rawValue: 1)
        static let wildcardChildren = Kind(rawValue: 2)
        static let exception = Kind(rawValue: 4)
        /// Some longer rule ends with this suffix (only in `lookup`).
        static let parent = Kind(rawValue: 8)
    }

    /// Rules by lower-case suffix (without `*.` or `!`).
    let rules: [String: Kind]
    /// `rules`, plus every suffix that some rule ends with (`parent`), by their bytes: a name's suffixes are
    /// looked up from its last label on, and one that is in neither role ends the search, as no rule can match
    /// a longer one.
    let lookup: SuffixTable

    /// The list in `text` (the `public_suffix_list.dat` format: one rule per line, read up to its first
    /// whitespace; `//` comments). Read as UTF-8 bytes: the list has some 10,000 rules and is loaded at every
    /// start, and splitting it into Characters took tens of milliseconds.
    init(text: String) {
        var rules: [String: Kind] = [:]
        var text = text
        text.withUTF8 { bytes in
            var at = 0
            while at < bytes.count {
                // The line's first token: skip leading blanks, then take up to the next whitespace byte.
                while at < bytes.count && PublicSuffixList.isBlank(bytes[at]) { at += 1 }
                let start = at
                while at < bytes.count && !PublicSuffixList.isBlank(bytes[at]) && !PublicSuffixList.isNewline(bytes[at]) {
                    at += 1
                }
                let token = UnsafeBufferPointer(rebasing: bytes[start..<at])
                while at < bytes.count && !PublicSuffixList.isNewline(bytes[at]) { at += 1 }
                at += 1  // the line break
                let slash = UInt8(ascii: "/")
                guard !token.isEmpty, !(token.count >= 2 && token[0] == slash && token[1] == slash) else { continue }
                var kind = Kind.rule
                var rule = token
                if rule[0] == UInt8(ascii: "!") {
                    rule = UnsafeBufferPointer(rebasing: rule[1...])
                    kind = .exception
                } else if rule.count >= 2 && rule[0] == UInt8(ascii: "*") && rule[1] == UInt8(ascii: ".") {
                    rule = UnsafeBufferPointer(rebasing: rule[2...])
                    kind = .wildcardChildren
                }
                let unicode: String
                if rule.allSatisfy({ $0 < 0x80 }) {
                    unicode = String(decoding: rule.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
                } else {
                    unicode = String(decoding: rule, as: UTF8.self).lowercased()
                }
                rules[unicode, default: []].insert(kind)
                if let ace = PublicSuffixList.asciiForm(unicode) { rules[ace, default: []].insert(kind) }
            }
        }
        self.rules = rules
        lookup = SuffixTable(rules: rules)
    }

    /// Space, tab, vertical tab, form feed: what ends a rule on its line.
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C }

    /// Line feed and carriage return.
    static func isNewline(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }

    /// The `xn--` spelling of an internationalised rule, nil for an ASCII one.
    static func asciiForm(_ rule: String) -> String? {
        guard rule.unicodeScalars.contains(where: { !$0.isASCII }) else { return nil }
        return URL(string: "http://\(rule)/")?.host
    }

    /// How `domain` splits: its public suffix and registered domain (eTLD+1), or why it has none.
    func split(_ domain: String) throws(ProcessorFailure) -> DomainSplit {
        if let split = try splitASCII(domain) { return split }
        return try splitGeneric(domain)
    }

    /// `split` for any name, on Characters.
    func splitGeneric(_ domain: String) throws(ProcessorFailure) -> DomainSplit {
        var name = domain[...]
        if name.hasSuffix("."), name.count > 1 { name = name.dropLast() }
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.contains(where: \.isEmpty) || name.isEmpty {
            throw ProcessorFailure("publicsuffix: empty label in domain \"\(domain)\"")
        }
        let suffixLabels = publicSuffixLength(labels.map { $0.lowercased() })
        guard labels.count > suffixLabels else {
            throw ProcessorFailure("publicsuffix: cannot derive eTLD+1 for domain \"\(domain)\"")
        }
        let suffix = labels.suffix(suffixLabels).joined(separator: ".")
        let registered = labels.suffix(suffixLabels + 1).joined(separator: ".")
        labels.removeLast(suffixLabels + 1)
        return DomainSplit(publicSuffix: suffix, registeredDomain: registered, subdomain: labels.joined(separator: "."))
    }

    /// `split` for an ASCII name (nearly every name: the wire carries the `xn--` form), on its bytes and without
    /// building arrays: the generic path splits, lower-cases and joins Characters, which cost most of the
    /// processor's time. Suffixes are looked up from the last label on and the search ends at the first that no
    /// rule has or ends with (most names need one or two lookups). nil for a name with any non-ASCII byte.
    func splitASCII(_ domain: String) throws(ProcessorFailure) -> DomainSplit? {
        var name = domain
        let outcome = name.withUTF8 { all in splitASCII(all, domain) }
        guard let outcome else { return nil }
        return try outcome.get()
    }

    private func splitASCII(
        _ all: UnsafeBufferPointer<UInt8>, _ domain: String
    ) -> Result<DomainSplit, ProcessorFailure>? {
        let dot = UInt8(ascii: ".")
        func emptyLabel() -> Result<DomainSplit, ProcessorFailure> {
            .failure(ProcessorFailure("publicsuffix: empty label in domain \"\(domain)\""))
        }
        guard !all.contains(where: { $0 >= 0x80 }) else { return nil }
        let count = all.count > 1 && all[all.count - 1] == dot ? all.count - 1 : all.count
        let name = UnsafeBufferPointer(rebasing: all[..<count])
        // Every label must be non-empty (the whole name is checked before any lookup, as the generic path does).
        var labelCount = 1
        var previous = dot
        for byte in name {
            if byte == dot {
                if previous == dot { return emptyLabel() }
                labelCount += 1
            }
            previous = byte
        }
        if previous == dot { return emptyLabel() }
        // The start of the label that ends just before `end` (a dot's index, or `count`).
        func labelStart(before end: Int) -> Int {
            var i = end
            while i > 0 && name[i - 1] != dot { i -= 1 }
            return i
        }
        let uppercase = name.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        let lowered = uppercase ? name.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 } : []
        var longest = 0
        var exception: Int? = nil
        var start = count + 1
        for k in 1...labelCount {
            start = labelStart(before: start - 1)
            let found =
                uppercase
                ? lowered.withUnsafeBufferPointer { lookup[UnsafeBufferPointer(rebasing: $0[start...])] }
                : lookup[UnsafeBufferPointer(rebasing: name[start...])]
            guard let kind = found else { break }
            if kind.contains(.exception) {
                exception = k - 1
                break
            }
            if kind.contains(.rule) { longest = max(longest, k) }
            if kind.contains(.wildcardChildren), k < labelCount { longest = max(longest, k + 1) }
        }
        let suffixLabels = exception ?? max(longest, 1)
        guard labelCount > suffixLabels else {
            return .failure(ProcessorFailure("publicsuffix: cannot derive eTLD+1 for domain \"\(domain)\""))
        }
        var suffixStart = count + 1
        for _ in 0..<suffixLabels { suffixStart = labelStart(before: suffixStart - 1) }
        let registeredStart = labelStart(before: suffixStart - 1)
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: name[range]), as: UTF8.self)
        }
        return .success(
            DomainSplit(
                publicSuffix: text(suffixStart..<count), registeredDomain: text(registeredStart..<count),
                subdomain: registeredStart == 0 ? "" : text(0..<(registeredStart - 1))))
    }

    /// The number of trailing labels that form the public suffix of `labels` (lower case).
    func publicSuffixLength(_ labels: [String]) -> Int {
        var longest = 0
        var suffix = ""
        for k in 1...labels.count {
            let label = labels[labels.count - k]
            suffix = k == 1 ? label : label + "." + suffix
            guard let kind = rules[suffix] else { continue }
            if kind.contains(.exception) { return k - 1 }
            if kind.contains(.rule) { longest = max(longest, k) }
            if kind.contains(.wildcardChildren), k < labels.count { longest = max(longest, k + 1) }
        }
        return max(longest, 1)
    }
}

/// Kinds by suffix, looked up by the suffix's bytes: open addressing over FNV-1a hashes, each hit confirmed by
/// comparing the bytes. A String-keyed dictionary made each lookup build a String and hash it with SipHash, some
/// 1,500 instructions, once or twice per name.
struct SuffixTable: Sendable {
    private var bytes: [UInt8] = []
    /// Per entry: where its key lies in `bytes`, its hash and its kind.
    private var entries: [(start: Int32, count: Int32, hash: UInt64, kind: PublicSuffixList.Kind)] = []
    /// Entry index + 1 per slot; 0 is empty. At most half full.
    private var slots: [Int32]

    /// `rules`, and each suffix that follows a dot in one of them as a `parent`.
    init(rules: [String: PublicSuffixList.Kind]) {
        var size = 16
        while size < rules.count * 4 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        for (key, kind) in rules {
            var key = key
            key.withUTF8 { utf8 in
                insert(utf8, kind)
                for (i, byte) in utf8.enumerated() where byte == UInt8(ascii: ".") {
                    insert(UnsafeBufferPointer(rebasing: utf8[(i + 1)...]), .parent)
                }
            }
        }
    }

    /// Adds `kind` to the entry for `key`, making the entry if there is none.
    private mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ kind: PublicSuffixList.Kind) {
        if (entries.count + 1) * 2 > slots.count { grow() }
        let hash = SuffixTable.hash(key)
        if let index = find(key, hash: hash) {
            entries[index].kind.insert(kind)
            return
        }
        entries.append((Int32(bytes.count), Int32(key.count), hash, kind))
        bytes.append(contentsOf: key)
        place(entries.count - 1)
    }

    private mutating func place(_ index: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entries[index].hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index + 1)
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        for index in entries.indices { place(index) }
    }

    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }

    /// The kind stored for the suffix `key`, or nil.
    subscript(_ key: UnsafeBufferPointer<UInt8>) -> PublicSuffixList.Kind? {
        find(key, hash: SuffixTable.hash(key)).map { entries[$0].kind }
    }

    /// The index of the entry for `key`, whose hash is `hash`.
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot]) - 1
            let entry = entries[index]
            if entry.hash == hash && Int(entry.count) == key.count {
                let equal = bytes.withUnsafeBufferPointer { stored in
                    key.isEmpty || memcmp(stored.baseAddress! + Int(entry.start), key.baseAddress!, key.count) == 0
                }
                if equal { return index }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

/// The parts of a host name under the public suffix list.
struct DomainSplit: Sendable, Equatable {
    /// The effective top-level domain (`co.uk`).
    var publicSuffix: String
    /// The public suffix plus one label (`example.co.uk`).
    var registeredDomain: String
    /// What precedes the registered domain (`www.mail`), empty when nothing does.
    var subdomain: String
}

/// The lists read so far, by path: the file is parsed once per process and shared by every processor.
enum PublicSuffixLists {
    private static let loaded = Mutex<[String: PublicSuffixList]>([:])

    /// The list at `path`, read on first use.
    static func list(at path: String) throws(ProcessorFailure) -> PublicSuffixList {
        if let list = loaded.withLock({ $0[path] }) { return list }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ProcessorFailure(
                "cannot read the public suffix list \(path) (it comes with the Debian package publicsuffix: "
                    + "apt-get install publicsuffix): \(error.localizedDescription)")
        }
        let list = PublicSuffixList(text: text)
        guard !list.rules.isEmpty else {
            throw ProcessorFailure(
                "the public suffix list \(path) holds no rules (reinstall the Debian package publicsuffix)")
        }
        return loaded.withLock { cache in
            if let first = cache[path] { return first }
            cache[path] = list
            return list
        }
    }
}
