// Segment arrival for one direction: trimming, in-order delivery and bounded out-of-order storage.
//
// Implements the data part of RFC 9293 §3.10.7.4 ("segment arrives", established state): bytes before
// RCV.NXT are duplicates and are trimmed; bytes at RCV.NXT are delivered; bytes beyond it wait for the hole
// to fill. Held pieces never overlap, so each stream byte is stored at most once: when a new segment
// overlaps held bytes only its uncovered parts are stored ("first received wins"). The bounds come from
// `StreamLimits`; when storing would break one, the oldest hole is declared lost (`gap(n)`) and delivery
// continues from the held bytes after it — the same outcome a later acknowledgment would force.

extension StreamReassembler {
    /// Handles the payload of an accepted segment that starts at `start`.
    mutating func acceptData(
        start: SequenceNumber, payload: UnsafeRawBufferPointer, sharedLimit: Int,
        deliver: (StreamChunk) -> Void
    ) {
        var payload = payload
        if let fin = finSequence {
            // A closed direction carries nothing at or beyond its FIN (§3.6); such bytes are not stream data.
            let allowed = start.distance(to: fin)
            if allowed <= 0 {
                counters.dataAfterFIN += payload.count
                return
            }
            if allowed < payload.count {
                counters.dataAfterFIN += payload.count - allowed
                payload = UnsafeRawBufferPointer(rebasing: payload[0..<allowed])
            }
        }
        let byteLimit = min(limits.maxBufferedBytes, sharedLimit)
        while !isEnded {
            if start <= next {
                deliverInOrder(start: start, payload: payload, deliver: deliver)
                return
            }
            let plan = storagePlan(start: start, length: payload.count)
            if plan.bytes == 0
                || (bufferedBytes + plan.bytes <= byteLimit
                    && pieces.count + plan.pieces <= limits.maxBufferedSegments)
            {
                store(start: start, payload: payload)
                return
            }
            // Storing would break a bound: give up on the oldest hole. With nothing held, that hole is the
            // one right before this segment, which then becomes in-order.
            counters.storageLimitHits += 1
            reportGap(upTo: pieces.first?.start ?? start, deliver: deliver)
            deliverContiguousPieces(deliver: deliver)
            endIfFINReached(deliver: deliver)
        }
    }

    /// How many new bytes and pieces storing `[start, start+length)` would add, given what is held.
    func storagePlan(start: SequenceNumber, length: Int) -> (bytes: Int, pieces: Int) {
        let end = start + length
        var cursor = start
        var bytes = 0
        var count = 0
        for piece in pieces {
            if piece.end <= cursor { continue }
            if piece.start >= end { break }
            if piece.start > cursor {
                bytes += cursor.distance(to: piece.start)
                count += 1
            }
            cursor = piece.end
            if cursor >= end { break }
        }
        if cursor < end {
            bytes += cursor.distance(to: end)
            count += 1
        }
        return (bytes, count)
    }

    /// Copies the parts of an out-of-order segment not already held; compares the parts that are.
    mutating func store(start: SequenceNumber, payload: UnsafeRawBufferPointer) {
        let end = start + payload.count
        var cursor = start
        var index = 0
        while index < pieces.count && pieces[index].end <= start { index += 1 }
        var storedAny = false
        var conflicting = false
        while cursor < end {
            if index < pieces.count && pieces[index].start <= cursor {
                let pieceStart = pieces[index].start
                let overlapEnd = SequenceNumber.earliest(end, pieces[index].end)
                let overlap = cursor.distance(to: overlapEnd)
                let from = start.distance(to: cursor)
                let heldFrom = pieceStart.distance(to: cursor)
                let same = pieces[index].bytes.withUnsafeBytes { held in
                    held[heldFrom..<(heldFrom + overlap)].elementsEqual(payload[from..<(from + overlap)])
                }
                if !same { conflicting = true }
                counters.retransmittedBytes += overlap
                cursor = overlapEnd
                index += 1
            } else {
                let pieceEnd = index < pieces.count ? SequenceNumber.earliest(end, pieces[index].start) : end
                let from = start.distance(to: cursor)
                let to = start.distance(to: pieceEnd)
                pieces.insert(Piece(start: cursor, bytes: Array(payload[from..<to])), at: index)
                bufferedBytes += to - from
                storedAny = true
                cursor = pieceEnd
                index += 1
            }
        }
        if storedAny { counters.outOfOrderSegments += 1 }
        if conflicting { counters.overlapConflicts += 1 }
    }

    /// Delivers a segment that starts at or before the delivery point, interleaving held pieces that its
    /// range reaches (held bytes win where they overlap the segment).
    mutating func deliverInOrder(
        start: SequenceNumber, payload: UnsafeRawBufferPointer, deliver: (StreamChunk) -> Void
    ) {
        let length = payload.count
        let old = start.distance(to: next)
        if old >= length {
            counters.retransmittedBytes += length
            return
        }
        counters.retransmittedBytes += old
        var offset = old
        var conflicting = false
        while offset < length {
            if pieces.isEmpty {
                emit(UnsafeRawBufferPointer(rebasing: payload[offset..<length]), deliver: deliver)
                offset = length
            } else if pieces[0].start == next {
                let overlap = min(length - offset, pieces[0].bytes.count)
                let same = pieces[0].bytes.withUnsafeBytes { held in
                    held[0..<overlap].elementsEqual(payload[offset..<(offset + overlap)])
                }
                if !same { conflicting = true }
                counters.retransmittedBytes += overlap
                offset += pieces[0].bytes.count
                deliverFirstPiece(deliver: deliver)
            } else {
                let runEnd = min(length, offset + next.distance(to: pieces[0].start))
                emit(UnsafeRawBufferPointer(rebasing: payload[offset..<runEnd]), deliver: deliver)
                offset = runEnd
            }
        }
        if conflicting { counters.overlapConflicts += 1 }
        deliverContiguousPieces(deliver: deliver)
    }

    /// Delivers held pieces while the first one starts at the delivery point.
    mutating func deliverContiguousPieces(deliver: (StreamChunk) -> Void) {
        while let first = pieces.first, first.start == next {
            deliverFirstPiece(deliver: deliver)
        }
    }

    /// Delivers and releases the first held piece, which starts at the delivery point.
    mutating func deliverFirstPiece(deliver: (StreamChunk) -> Void) {
        let piece = pieces.removeFirst()
        bufferedBytes -= piece.bytes.count
        piece.bytes.withUnsafeBytes { emit($0, deliver: deliver) }
    }

    /// Delivers bytes at the delivery point and advances it.
    mutating func emit(_ bytes: UnsafeRawBufferPointer, deliver: (StreamChunk) -> Void) {
        guard !bytes.isEmpty else { return }
        counters.bytesDelivered += bytes.count
        next = next + bytes.count
        deliver(.data(bytes))
    }

    /// Drops held bytes at or beyond a newly learned FIN.
    mutating func trimPieces(after fin: SequenceNumber) {
        while let last = pieces.last, last.end > fin {
            if last.start >= fin {
                counters.dataAfterFIN += last.bytes.count
                bufferedBytes -= last.bytes.count
                pieces.removeLast()
            } else {
                let keep = last.start.distance(to: fin)
                counters.dataAfterFIN += last.bytes.count - keep
                bufferedBytes -= last.bytes.count - keep
                pieces[pieces.count - 1].bytes.removeLast(last.bytes.count - keep)
            }
        }
    }
}
