// The processor contract: a pure `Event → Event?` stage run on the publish thread, as libbeat's processors
// are (reference/libbeat.md §4.2). A processor either keeps the event (possibly changed), drops it, or
// reports a failure: the chain then goes on with the event as the processor left it, because one failing
// processor never stops the pipeline. Processors that restore the event on failure (`fail_on_error`) do
// so themselves, through `Event.applyEach`, and set `error.message` as Beats does.

import Events

/// What a processor did with one event.
public enum ProcessorOutcome: Sendable, Equatable {
    /// Go on with the event (changed or not).
    case keep
    /// Drop the event; later processors do not see it.
    case drop
    /// The processor failed on this event; the chain goes on with the event as it is now.
    case failed(String)
}

/// One configured processor.
public protocol Processor: Sendable {
    /// The name it was configured under (`rename`, `drop_event`, ...).
    var name: String { get }
    /// Runs on one event.
    func process(_ event: inout Event) -> ProcessorOutcome
    /// This processor with what it copies into or reads from every event (paths, values, conditions) in storage
    /// of its own, for one publish worker (Unsharing.swift); by default the processor itself.
    func unshared() -> any Processor
}

extension Processor {
    public func unshared() -> any Processor { self }
}

/// Counts of what a chain did, added up by the caller.
public struct ProcessorCounters: Sendable, Equatable {
    /// Events a processor dropped (`pipeline.events.filtered` in Beats).
    public var filtered = 0
    /// Processor failures (the event went on).
    public var failures = 0
    /// The most recent failure, `name: message`, for the log.
    public var lastFailure: String?

    /// No counts.
    public init() {}
}

/// A list of processors run in order.
public struct ProcessorChain: Sendable {
    /// The processors, in configuration order.
    public let processors: [any Processor]

    /// A chain of `processors`.
    public init(_ processors: [any Processor] = []) { self.processors = processors }

    /// True when there is nothing to run.
    public var isEmpty: Bool { processors.isEmpty }

    /// The chain with every processor `unshared`.
    public func unshared() -> ProcessorChain { ProcessorChain(processors.map { $0.unshared() }) }

    /// Runs every processor on `event`; false when one dropped it.
    public func run(_ event: inout Event, counters: inout ProcessorCounters) -> Bool {
        // By index: `for processor in processors` copies each existential (a retain and a release, or a copy
        // of an inline value) for every event.
        for i in processors.indices {
            switch processors[i].process(&event) {
            case .keep:
                continue
            case .drop:
                counters.filtered += 1
                return false
            case .failed(let message):
                counters.failures += 1
                counters.lastFailure = "\(processors[i].name): \(message)"
            }
        }
        return true
    }
}

/// Wraps a processor in its `when` condition: the processor runs only when the condition holds.
struct ConditionalProcessor: Processor {
    let condition: Condition
    let matcher: ConditionMatcher
    let inner: any Processor
    var name: String { inner.name }

    init(condition: Condition, inner: any Processor) {
        self.condition = condition
        self.matcher = ConditionMatcher(condition)
        self.inner = inner
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        matcher.matches(event) ? inner.process(&event) : .keep
    }
}

/// The `if`/`then`/`else` form: one chain or the other, by a condition.
struct IfThenElseProcessor: Processor {
    let condition: Condition
    let matcher: ConditionMatcher
    let then: [any Processor]
    let otherwise: [any Processor]
    var name: String { "if" }

    init(condition: Condition, then: [any Processor], otherwise: [any Processor]) {
        self.condition = condition
        self.matcher = ConditionMatcher(condition)
        self.then = then
        self.otherwise = otherwise
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        var failure: String? = nil
        for processor in matcher.matches(event) ? then : otherwise {
            switch processor.process(&event) {
            case .keep: continue
            case .drop: return .drop
            case .failed(let message): failure = "\(processor.name): \(message)"
            }
        }
        return failure.map(ProcessorOutcome.failed) ?? .keep
    }
}

/// Why a processor failed on an event, turned into `error.message` or counted.
public struct ProcessorFailure: Error, Sendable, Equatable {
    /// The description Beats-style: what failed and why.
    public let message: String
    /// A failure described by `message`.
    public init(_ message: String) { self.message = message }
}

extension Event {
    /// Runs `body` for each item. With `failOnError`, the first failure restores the event as it was,
    /// sets `error.message` to `errorPrefix` + the failure (when a prefix is given) and stops; without it,
    /// the loop goes on and the failures are reported together, the event keeping every change that
    /// worked (libbeat's rename, copy_fields, truncate_fields, replace and urldecode loops).
    ///
    /// `atomic` promises that `body` changes nothing when it throws. A single atomic item then needs no
    /// copy of the event to restore: holding one would make every change below copy the objects it touches,
    /// which was most of the cost of these processors.
    mutating func applyEach<Item>(
        _ items: [Item], failOnError: Bool, errorPrefix: String?, atomic: Bool = false,
        _ body: (inout Event, Item) throws(ProcessorFailure) -> Void
    ) -> ProcessorOutcome {
        let backup = failOnError && !(atomic && items.count == 1) ? self : nil
        var failures: [String] = []
        // Each item is lent where it lies: a copy would retain and release its paths.
        let stop: ProcessorOutcome? = items.withUnsafeBufferPointer { list in
            for i in list.indices {
                do throws(ProcessorFailure) {
                    try body(&self, list[i])
                } catch {
                    let message = (errorPrefix ?? "") + error.message
                    if failOnError {
                        if let backup { self = backup }
                        if errorPrefix != nil { put("error.message", .string(message)) }
                        return .failed(message)
                    }
                    failures.append(message)
                }
            }
            return nil
        }
        if let stop { return stop }
        return failures.isEmpty ? .keep : .failed(failures.joined(separator: "; "))
    }
}
