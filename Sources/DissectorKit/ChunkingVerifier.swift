// The chunking verifier (after swift-nio's ByteToMessageDecoderVerifier): a stream dissector must produce
// identical results whether its input arrives whole, byte by byte, or split at any single point.

/// Feeds the same byte stream to fresh dissector runs split in every way the contract allows.
public enum ChunkingVerifier {
    /// The ways a stream is cut into chunks.
    public static func splits(of count: Int) -> [[Int]] {
        var all: [[Int]] = [[count], Array(repeating: 1, count: count)]
        if count > 1 {
            for cut in 1..<count { all.append([cut, count - cut]) }
        }
        return all
    }

    /// Runs `run` once per split of `bytes` (each call gets the chunks of that split) and returns the first
    /// split whose result differs from the whole-stream result, or nil when all agree.
    public static func firstDisagreement<Result: Equatable>(
        _ bytes: [UInt8], run: ([[UInt8]]) -> Result
    ) -> (split: [Int], whole: Result, got: Result)? {
        let whole = run([bytes])
        for split in splits(of: bytes.count).dropFirst() {
            var chunks: [[UInt8]] = []
            var offset = 0
            for n in split {
                chunks.append(Array(bytes[offset..<(offset + n)]))
                offset += n
            }
            let got = run(chunks)
            if got != whole { return (split, whole, got) }
        }
        return nil
    }
}
