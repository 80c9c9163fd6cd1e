import NetModel
import Testing

@Suite struct FlowSlotIndexTests {
    /// A key per number, spread over addresses and ports like real traffic.
    static func key(_ n: Int) -> FlowKey {
        FlowKey.make(
            src: IPAddress(v4: 0x0a00_0000 | UInt32(n % 5000)), srcPort: UInt16(1024 + n % 60000),
            dst: IPAddress(v4: 0xc0a8_0001), dstPort: 443, ipProtocol: 6
        ).key
    }

    /// Random inserts and removals, checked after every step against a dictionary, through growth and
    /// through backward-shift deletions in long probe runs.
    @Test func agreesWithADictionaryThroughGrowthAndRemoval() {
        var index = FlowSlotIndex(capacity: 4)
        var slots: [FlowKey?] = []
        var oracle: [FlowKey: Int32] = [:]
        var state: UInt64 = 0x5eed
        func random(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for step in 0..<20_000 {
            let key = Self.key(random(3000))
            if let slot = oracle[key] {
                index.remove(slot: slot, hash: FlowSlotIndex.hash(key))
                slots[Int(slot)] = nil
                oracle[key] = nil
            } else {
                let slot = Int32(slots.count)
                slots.append(key)
                index.insert(slot: slot, hash: FlowSlotIndex.hash(key))
                oracle[key] = slot
            }
            #expect(index.count == oracle.count)
            if step % 97 == 0 {
                for n in 0..<3000 {
                    let probe = Self.key(n)
                    let found = index.find(hash: FlowSlotIndex.hash(probe)) { slots[Int($0)] == probe }
                    if found != oracle[probe] {
                        Issue.record("step \(step): \(probe) found \(String(describing: found)), expected \(String(describing: oracle[probe]))")
                        return
                    }
                }
            }
        }
    }

    /// Hashes that agree in every bit the index keeps (the low 32) put every key in one probe run: lookups
    /// must still tell them apart by key, through growth and backward-shift deletions.
    @Test func keysWhoseHashesShareTheLowBitsStayApart() {
        var index = FlowSlotIndex(capacity: 2)
        let hashes = (0..<200).map { UInt64($0) << 40 | 0x0bad_cafe }
        for slot in 0..<200 { index.insert(slot: Int32(slot), hash: hashes[slot]) }
        for slot in stride(from: 0, to: 200, by: 3) { index.remove(slot: Int32(slot), hash: hashes[slot]) }
        #expect(index.count == 200 - 67)
        for wanted in 0..<200 {
            let found = index.find(hash: hashes[wanted]) { $0 == Int32(wanted) }
            #expect(found == (wanted % 3 == 0 ? nil : Int32(wanted)), "slot \(wanted)")
        }
        // Another hash entirely misses, whatever the run.
        #expect(index.find(hash: 0x1234_5678_0000_0001) { _ in true } == nil)
    }

    @Test func theHashIsTheSameFromBothSides() {
        let a = FlowKey.make(
            src: IPAddress(v4: 0x0a00_0001), srcPort: 40000, dst: IPAddress(v4: 0x0a00_0002), dstPort: 443,
            ipProtocol: 6)
        let b = FlowKey.make(
            src: IPAddress(v4: 0x0a00_0002), srcPort: 443, dst: IPAddress(v4: 0x0a00_0001), dstPort: 40000,
            ipProtocol: 6)
        #expect(FlowSlotIndex.hash(a.key) == FlowSlotIndex.hash(b.key))
    }
}
