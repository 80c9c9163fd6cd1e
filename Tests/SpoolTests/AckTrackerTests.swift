import Testing

@testable import Spool

@Suite struct AckTrackerTests {
    @Test func inOrderAcknowledgementsMoveTheCursor() {
        var tracker = AckTracker(cursor: 1)
        let fresh = (UInt64(1)...100).map { tracker.insert($0) }
        #expect(fresh.allSatisfy { $0 })
        #expect(tracker.cursor == 101 && tracker.ranges.isEmpty && tracker.doneAboveCursor == 0)
        let again = tracker.insert(50)
        #expect(!again)
    }

    @Test func outOfOrderAcknowledgementsAreKeptAsRangesUntilTheGapCloses() {
        var tracker = AckTracker(cursor: 1)
        let fresh = [3, 4, 7, 5, 9].map { tracker.insert(UInt64($0)) }
        #expect(fresh.allSatisfy { $0 })
        #expect(tracker.cursor == 1)
        #expect(Array(tracker.ranges) == [3..<6, 7..<8, 9..<10])
        #expect(tracker.doneAboveCursor == 5)
        #expect(tracker.contains(4) && !tracker.contains(6) && !tracker.contains(2))
        #expect(tracker.covers(3..<6) && !tracker.covers(3..<7))
        #expect(tracker.doneCount(in: 1..<10) == 5)
        _ = tracker.insert(UInt64(1))
        _ = tracker.insert(UInt64(2))
        #expect(tracker.cursor == 6)
        _ = tracker.insert(UInt64(6))
        #expect(tracker.cursor == 8 && Array(tracker.ranges) == [9..<10])
    }

    @Test func rangeInsertionMergesAndCountsOnlyNewIds() {
        var tracker = AckTracker(cursor: 10, ranges: [12..<14, 20..<22])
        let first = tracker.insert(11..<25)
        #expect(first == 10)
        #expect(tracker.cursor == 10 && Array(tracker.ranges) == [11..<25])
        let second = tracker.insert(5..<11)
        #expect(second == 1)
        #expect(tracker.cursor == 25 && tracker.ranges.isEmpty)
    }

    @Test func anyPermutationEndsWithEverythingDone() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var tracker = AckTracker(cursor: 1)
            var remaining: UInt64 = 500
            for id in Array(UInt64(1)...500).shuffled(using: &generator) {
                let fresh = tracker.insert(id)
                remaining -= 1
                #expect(fresh)
                #expect(UInt64(501) - tracker.cursor - tracker.doneAboveCursor == remaining)
            }
            #expect(tracker.cursor == 501 && tracker.ranges.isEmpty)
        }
    }

    @Test func batchesCountAndMergeAsSingleInsertionsDo() {
        // Batches as a poll delivers them: interleaved runs (one per partition), duplicates, ids already done.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var single = AckTracker(cursor: 1)
            var batched = AckTracker(cursor: 1)
            var pending = Array(UInt64(1)...400).shuffled(using: &generator)
            while !pending.isEmpty {
                // Batches of a few ids go in one by one, larger ones are merged: both sizes occur.
                let take = min(pending.count, Int.random(in: 1...60, using: &generator))
                var batch = Array(pending.prefix(take))
                pending.removeFirst(take)
                batch += batch.prefix(Int.random(in: 0...3, using: &generator))
                batch.append(UInt64.random(in: 1...400, using: &generator))
                let expected = batch.reduce(0) { $0 + (single.insert($1) ? 1 : 0) }
                #expect(batched.insert(contentsOf: batch.shuffled(using: &generator)) == expected)
                #expect(batched.cursor == single.cursor && Array(batched.ranges) == Array(single.ranges))
                #expect(batched.doneAboveCursor == single.doneAboveCursor)
            }
            #expect(batched.cursor == 401 && batched.ranges.isEmpty)
        }
        var tracker = AckTracker(cursor: 1)
        #expect(tracker.insert(contentsOf: []) == 0 && tracker.cursor == 1)
    }
}
