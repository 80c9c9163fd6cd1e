// The dissector contract (ARCHITECTURE.md, "The dissector contract").
//
// A stream dissector is fed one direction's bytes at a time and answers: consumed N bytes, need more (at
// least N in total from here), or failed. "Need more" is not an error. It never keeps the caller's bytes;
// the caller's `StreamBuffer` keeps only the unfinished tail of a PDU, up to a limit. Three channels stay
// apart: confirmation (this is the protocol), violation (it is not, or it cannot continue: the registry
// drops the dissector for the connection), anomaly (a named oddity; parsing continues; counted and listed
// on the event when configured).

/// A named oddity in the traffic. Names are stable dotted strings, part of the output contract, listed
/// with their meaning in docs/ANOMALIES.md.
public struct Anomaly: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The dotted name, e.g. `tls.record.too_long`.
    public let name: String

    /// An anomaly named `name`.
    public init(_ name: String) { self.name = name }

    public init(stringLiteral value: String) { self.name = value }

    public var description: String { name }
}

/// What a dissector did with the bytes it was offered.
public enum FeedResult: Equatable, Sendable {
    /// The first `n` bytes were used (n > 0); offer the rest again.
    case consumed(Int)
    /// Nothing can be done until at least `n` bytes (counted from the start of what was offered) are there.
    case needMore(Int)
    /// The bytes cannot be this protocol, or parsing cannot continue.
    case failed(Anomaly)
}

/// The anomalies seen on one connection, in first-seen order, with counts.
///
/// Nearly every connection that records one records only that one (the bytes on a TLS port were not TLS): it is
/// held inline, and only a second name allocates. Two arrays (names, counts) cost two allocations and two frees
/// per such connection.
public struct AnomalyList: Sendable, Equatable {
    private var first: Anomaly? = nil
    private var firstCount = 0
    private var more: [(anomaly: Anomaly, count: Int)] = []

    public init() {}

    /// Records one occurrence of `anomaly`.
    public mutating func record(_ anomaly: Anomaly) {
        guard let first else {
            first = anomaly
            firstCount = 1
            return
        }
        if first == anomaly {
            firstCount += 1
        } else if let i = more.firstIndex(where: { $0.anomaly == anomaly }) {
            more[i].count += 1
        } else {
            more.append((anomaly, 1))
        }
    }

    /// The names recorded, in first-seen order.
    public var names: [String] {
        guard let first else { return [] }
        return [first.name] + more.map(\.anomaly.name)
    }

    /// The count of each name in `names`, in the same order.
    public var counts: [Int] {
        first == nil ? [] : [firstCount] + more.map(\.count)
    }

    /// True when nothing was recorded.
    public var isEmpty: Bool { first == nil }

    /// How often `anomaly` was recorded.
    public func count(of anomaly: Anomaly) -> Int {
        if first == anomaly { return firstCount }
        return more.first { $0.anomaly == anomaly }?.count ?? 0
    }

    public static func == (a: AnomalyList, b: AnomalyList) -> Bool { a.names == b.names && a.counts == b.counts }
}
