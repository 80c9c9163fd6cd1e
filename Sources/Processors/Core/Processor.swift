// The processor contract: a pure `Event → Event?` stage run on the publish thread, as libbeat's processors
// are (reference/libbeat.md §4.2). A processor either keeps the event (possibly changed), drops it, or
// reports a failure: the chain then goes on with the event as the processor left it, because one failing
// processor never stops the pipeline. Processors that restore the event on failure (`fail_on_error`) do
// so themselves, through `Event.transaction`, and set `error.message` as Beats does.

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

    /// Runs every processor on `event`; false when one dropped it.
    public func run(_ event: inout Event, counters: inout ProcessorCounters) -> Bool {
        for processor in processors {
            switch processor.process(&event) {
            case .keep:
                continue
            case .drop:
                counters.filtered += 1
                return false
            case .failed(let message):
                counters.failures += 1
                counters.lastFailure = "\(processor.name): \(message)"
            }
        }
        return true
    }
}

/// Wraps a processor in its `when` condition: the processor runs only when the condition holds.
struct ConditionalProcessor: Processor {
    let condition: Condition
    let inner: any Processor
    var name: String { inner.name }

    func process(_ event: inout Event) -> ProcessorOutcome {
        condition.matches(event) ? inner.process(&event) : .keep
    }
}

/// The `if`/`then`/`else` form: one chain or the other, by a condition.
struct IfThenElseProcessor: Processor {
    let condition: Condition
    let then: [any Processor]
    let otherwise: [any Processor]
    var name: String { "if" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        var failure: String? = nil
        for processor in condition.matches(event) ? then : otherwise {
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
    /// Runs `body`, which may fail part way. With `failOnError`, a failure restores the event as it was and
    /// sets `error.message` (libbeat's behaviour for rename, copy_fields, convert, ...); without it, the
    /// changes made so far stay and the failure is only reported.
    public mutating func transaction(
        failOnError: Bool, describe: (String) -> String = { $0 }, _ body: (inout Event) throws(ProcessorFailure) -> Void
    ) -> ProcessorOutcome {
        let backup = failOnError ? self : nil
        do {
            try body(&self)
            return .keep
        } catch {
            let message = describe(error.message)
            if let backup {
                self = backup
                _ = put("error.message", .string(message))
            }
            return .failed(message)
        }
    }
}
