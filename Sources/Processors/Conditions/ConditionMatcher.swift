// A condition laid out for matching every event. Matching the `Condition` enum binds each node's list
// (`case .equals(let items)`), and a binding is a copy: a retain and a release of the list, for every node of
// every `when`, for every event. A `ConditionMatcher` keeps each node's list in a stored property of its own,
// read where it lies, and calls its children without retaining them. The operators themselves are
// `Condition`'s, so both forms agree by construction.

import Config
import Events

/// A `Condition` prepared for matching (see above). Immutable.
final class ConditionMatcher: Sendable {
    private enum Kind { case equals, contains, regexp, range, network, hasFields, or, and, not }

    private let kind: Kind
    // The list of this node's operator; the others are empty.
    private let equals: [(field: EventPath, value: EqualsOperand)]
    private let contains: [(field: EventPath, substring: String)]
    private let regexp: [(field: EventPath, pattern: Pattern)]
    private let range: [(field: EventPath, bounds: RangeBounds)]
    private let network: [(field: EventPath, ranges: [NetworkRange])]
    private let hasFields: [EventPath]
    /// The operands of `or` and `and`, or the one of `not`.
    private let children: [ConditionMatcher]

    /// The matcher of `condition`.
    init(_ condition: Condition) {
        var equals: [(field: EventPath, value: EqualsOperand)] = []
        var contains: [(field: EventPath, substring: String)] = []
        var regexp: [(field: EventPath, pattern: Pattern)] = []
        var range: [(field: EventPath, bounds: RangeBounds)] = []
        var network: [(field: EventPath, ranges: [NetworkRange])] = []
        var hasFields: [EventPath] = []
        var children: [ConditionMatcher] = []
        switch condition {
        case .equals(let items): (kind, equals) = (.equals, items)
        case .contains(let items): (kind, contains) = (.contains, items)
        case .regexp(let items): (kind, regexp) = (.regexp, items)
        case .range(let items): (kind, range) = (.range, items)
        case .network(let items): (kind, network) = (.network, items)
        case .hasFields(let fields): (kind, hasFields) = (.hasFields, fields)
        case .or(let conditions): (kind, children) = (.or, conditions.map(ConditionMatcher.init))
        case .and(let conditions): (kind, children) = (.and, conditions.map(ConditionMatcher.init))
        case .not(let condition): (kind, children) = (.not, [ConditionMatcher(condition)])
        }
        self.equals = equals
        self.contains = contains
        self.regexp = regexp
        self.range = range
        self.network = network
        self.hasFields = hasFields
        self.children = children
    }

    /// Whether the condition holds for `event` (`Condition.matches`).
    func matches(_ event: Event) -> Bool {
        switch kind {
        case .equals: return Condition.matches(equals: equals, event)
        case .contains: return Condition.matches(contains: contains, event)
        case .regexp: return Condition.matches(regexp: regexp, event)
        case .range: return Condition.matches(range: range, event)
        case .network: return Condition.matches(network: network, event)
        case .hasFields: return Condition.matches(hasFields: hasFields, event)
        case .or: return !Condition.all(children) { !Self.matches($0, event) }
        case .and: return Condition.all(children) { Self.matches($0, event) }
        case .not: return !Self.matches(children[0], event)
        }
    }

    /// `child.matches(event)`, without the retain and release a call on a reference loaded from a list costs.
    /// The list, and so the child, lives as long as this matcher.
    @inline(__always)
    private static func matches(_ child: ConditionMatcher, _ event: Event) -> Bool {
        Unmanaged.passUnretained(child)._withUnsafeGuaranteedRef { $0.matches(event) }
    }
}
