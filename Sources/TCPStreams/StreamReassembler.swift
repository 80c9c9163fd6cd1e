// One direction of a TCP connection turned back into its byte stream, as a passive observer sees it.
//
// Implements the receive side of RFC 9293: §3.4 (sequence numbers; the SYN and the FIN each occupy one),
// §3.10.7.4 (segment arrival: old data is trimmed, data beyond the next expected number is queued until
// the hole before it fills), §3.6 (FIN closes one direction once everything before it has arrived),
// §3.5.3 (RST aborts; queued segments are flushed) and §3.8.4 (keep-alive probes carry no new data).
// Sequence comparisons use RFC 1982 serial arithmetic (`SequenceNumber`), so wrap-around at 2^32 works.
//
// Where an observer must differ from a real receiver:
// - It cannot ask for retransmission, so a hole that outlives the storage bounds, or that the peer's
//   acknowledgment shows the receiver got (`noteAcknowledged(upTo:)`), is declared lost: `gap(n)`.
// - It may start mid-stream: the first segment carrying data (or a FIN) fixes the starting point.
//   Data sent before that point but captured after it is then indistinguishable from a retransmission
//   and is dropped; a 1-byte keep-alive seen as the very first segment is taken as data.
// - Overlapping bytes that disagree: the first copy received wins (it is what the consumer already saw
//   or will see), and the segment is counted in `overlapConflicts`. Only bytes still held can be compared;
//   a rewrite of bytes already delivered is counted as retransmitted only.
// - RST: stored out-of-order bytes are discarded and counted in `discardedOnReset`, with no `gap`
//   chunk, because the receiving TCP flushes them too (RFC 9293 §3.10.7.4, "reset" handling) and the
//   direction ends at once with `end(.rst)`. A RST is believed whatever its sequence number: the
//   observer cannot know the receiver's window exactly, so it cannot apply the RFC 5961 §3 check.

import NetModel
import PacketDecoding

/// Reassembles one direction of a TCP connection into `data` / `gap` / `end` chunks.
///
/// Lifecycle: idle until the first SYN, data-carrying segment or FIN; then open, delivering in-order bytes
/// straight from the caller's buffer and holding out-of-order ones (bounded by `StreamLimits`); then ended,
/// after exactly one `end` chunk. In-order segments cost no allocation and no copy.
public struct StreamReassembler: Sendable {
    /// Where the direction is in its lifecycle.
    public enum Phase: Hashable, Sendable {
        /// No SYN, data or FIN seen yet: the starting sequence number is unknown.
        case idle
        /// Delivering; the next expected sequence number is known.
        case open
        /// `end` was delivered with this reason; everything further is only counted.
        case ended(StreamEndReason)
    }

    /// Bytes held because they arrived ahead of a hole; never overlapping, sorted by sequence number.
    struct Piece: Sendable {
        var start: SequenceNumber
        var bytes: [UInt8]
        var end: SequenceNumber { start + bytes.count }
    }

    /// The bounds this direction obeys.
    public var limits: StreamLimits
    /// What this direction has done so far.
    public internal(set) var counters = StreamCounters()
    /// Where the direction is in its lifecycle.
    public internal(set) var phase: Phase = .idle
    /// Capture time of the last segment received.
    public internal(set) var lastActivity: Timestamp = .zero
    /// The initial sequence number, when a SYN was seen.
    public internal(set) var initialSequence: SequenceNumber?
    /// The sequence number the FIN occupies, once a FIN was seen (the first FIN wins).
    public internal(set) var finSequence: SequenceNumber?
    /// Out-of-order bytes currently held.
    public internal(set) var bufferedBytes = 0

    /// The next sequence number to deliver (only meaningful once the direction is open).
    var next = SequenceNumber(0)
    /// Out-of-order storage; empty, and without an allocated buffer, for an in-order stream.
    var pieces: [Piece] = []

    /// A reassembler waiting for its first segment.
    public init(limits: StreamLimits = .default) {
        self.limits = limits
    }

    /// The next sequence number to deliver, or nil while idle.
    public var nextSequence: SequenceNumber? { phase == .idle ? nil : next }

    /// Out-of-order pieces currently held.
    public var bufferedSegments: Int { pieces.count }

    /// True once `end` has been delivered.
    public var isEnded: Bool {
        if case .ended = phase { return true }
        return false
    }

    /// True until any byte was delivered, reported lost or stored, and no FIN was seen: the direction has
    /// not carried anything yet, so a new SYN may restart it.
    public var isPristine: Bool {
        counters.bytesDelivered == 0 && counters.gapBytes == 0 && pieces.isEmpty && finSequence == nil
    }

    /// Processes one segment of this direction.
    ///
    /// - Parameters:
    ///   - seq: The segment's sequence number (of the SYN itself when `flags` has SYN).
    ///   - payload: The segment's data, borrowed for the call; never retained, copied only when it must
    ///     wait for a hole to fill.
    ///   - sharedLimit: The most out-of-order bytes this direction may hold after the call, as allowed by
    ///     budgets it shares with other directions; the smaller of this and `limits.maxBufferedBytes`
    ///     applies.
    ///   - deliver: Receives the chunks this segment completes, in order.
    public mutating func receive(
        seq: UInt32, flags: TCPFlags, payload: UnsafeRawBufferPointer, timestamp: Timestamp,
        sharedLimit: Int = .max, deliver: (StreamChunk) -> Void
    ) {
        lastActivity = timestamp
        var dataStart = SequenceNumber(seq)
        if flags.contains(.syn) { dataStart = dataStart + 1 }  // the SYN occupies one number (§3.4)
        if isEnded {
            countAfterEnd(dataStart: dataStart, length: payload.count)
            return
        }
        if flags.contains(.rst) {
            reset(deliver: deliver)
            return
        }
        if flags.contains(.syn) {
            // A retransmitted SYN keeps its ISN (§3.4); a different one on a direction that has carried
            // nothing is a fresh attempt (for example after a refused one), so it restarts the direction.
            if phase == .idle || (initialSequence != SequenceNumber(seq) && isPristine) {
                phase = .open
                next = dataStart
                initialSequence = SequenceNumber(seq)
            }
        } else if phase == .idle {
            // Mid-stream pickup: a pure ACK is not trusted as a start because nothing confirms it, but
            // the first byte of data (or a FIN) marks a real position in the sender's stream.
            guard !payload.isEmpty || flags.contains(.fin) else { return }
            phase = .open
            next = dataStart
        }

        let jump = next.distance(to: dataStart)
        if jump > limits.maxSequenceJump || -jump > limits.maxSequenceJump {
            counters.outOfWindow += 1
            return
        }
        if jump == -1 && payload.count <= 1 && !flags.contains(.fin) && !flags.contains(.syn) {
            counters.keepAlives += 1
            return
        }
        if flags.contains(.fin) { noteFIN(at: dataStart + payload.count) }
        if !payload.isEmpty {
            acceptData(start: dataStart, payload: payload, sharedLimit: sharedLimit, deliver: deliver)
        }
        endIfFINReached(deliver: deliver)
    }

    /// Tells the direction that its receiver acknowledged everything before `ack` (the ACK field of a
    /// segment travelling the other way).
    ///
    /// The receiver cannot acknowledge bytes it did not get (RFC 9293 §3.4), so an acknowledgment beyond
    /// the delivery point means the capture missed them: they are reported as gaps, and any held bytes
    /// the acknowledgment reaches are delivered. An acknowledgment of the FIN itself ends the direction.
    public mutating func noteAcknowledged(upTo ack: UInt32, deliver: (StreamChunk) -> Void) {
        guard phase == .open else { return }
        var target = SequenceNumber(ack)
        if let fin = finSequence, target > fin { target = fin }  // the FIN's own number is not a byte
        let distance = next.distance(to: target)
        guard distance > 0 else { return }
        guard distance <= limits.maxSequenceJump else {
            counters.outOfWindow += 1
            return
        }
        while next < target {
            if let first = pieces.first, first.start <= target {
                reportGap(upTo: first.start, deliver: deliver)
                deliverContiguousPieces(deliver: deliver)
            } else {
                reportGap(upTo: target, deliver: deliver)
            }
        }
        deliverContiguousPieces(deliver: deliver)
        endIfFINReached(deliver: deliver)
    }

    /// Ends the direction for `reason` (timeout, end of capture, eviction), first delivering every byte
    /// still held, with a gap before each hole, and a final gap up to the FIN when one was seen.
    ///
    /// Always ends with `end(reason)`, even when the flush reaches a FIN: the direction is ended by the
    /// caller's decision, not by the sender. Does nothing on an ended direction.
    public mutating func finish(_ reason: StreamEndReason, deliver: (StreamChunk) -> Void) {
        guard !isEnded else { return }
        if phase == .open {
            while let first = pieces.first {
                reportGap(upTo: first.start, deliver: deliver)
                deliverContiguousPieces(deliver: deliver)
            }
            if let fin = finSequence, next < fin { reportGap(upTo: fin, deliver: deliver) }
        }
        end(reason, deliver: deliver)
    }

    /// Ends the direction because the connection was reset (by either side): held out-of-order bytes are
    /// discarded and counted, then `end(.rst)`. Does nothing on an ended direction.
    public mutating func reset(deliver: (StreamChunk) -> Void) {
        guard !isEnded else { return }
        counters.discardedOnReset += bufferedBytes
        end(.rst, deliver: deliver)
    }

    /// Drops held out-of-order bytes without reporting them, for a consumer that no longer wants data.
    public mutating func discardBuffered() {
        pieces = []
        bufferedBytes = 0
    }

    /// Records the first FIN; later FINs at other numbers are ignored (first wins, like data).
    mutating func noteFIN(at position: SequenceNumber) {
        guard finSequence == nil else { return }
        // A FIN behind bytes already delivered contradicts them; end where delivery stands.
        let fin = SequenceNumber.latest(position, next)
        finSequence = fin
        trimPieces(after: fin)
    }

    /// Delivers `end(.fin)` once every byte before the FIN is accounted for.
    mutating func endIfFINReached(deliver: (StreamChunk) -> Void) {
        if phase == .open, let fin = finSequence, next == fin { end(.fin, deliver: deliver) }
    }

    /// Delivers `end(reason)` and releases storage.
    mutating func end(_ reason: StreamEndReason, deliver: (StreamChunk) -> Void) {
        discardBuffered()
        phase = .ended(reason)
        deliver(.end(reason))
    }

    /// Reports the bytes from the delivery point to `position` as lost.
    mutating func reportGap(upTo position: SequenceNumber, deliver: (StreamChunk) -> Void) {
        let missing = next.distance(to: position)
        guard missing > 0 else { return }
        counters.gapBytes += missing
        counters.gaps += 1
        next = position
        deliver(.gap(missing))
    }

    /// Counts a segment that arrived after the direction ended.
    mutating func countAfterEnd(dataStart: SequenceNumber, length: Int) {
        guard length > 0 else { return }
        guard let fin = finSequence else {
            counters.bytesAfterEnd += length
            return
        }
        let beforeFIN = min(max(dataStart.distance(to: fin), 0), length)
        counters.retransmittedBytes += beforeFIN
        counters.dataAfterFIN += length - beforeFIN
    }
}
