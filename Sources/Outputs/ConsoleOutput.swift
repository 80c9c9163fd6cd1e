// `output.console`: newline-delimited events on standard output (logs go to standard error).

import Events

/// Writes one encoded event per line to a file descriptor (standard output by default).
public final class ConsoleOutput: Output {
    public let typeName = "console"
    let codec: OutputCodec
    let fd: Int32
    var buffer: [UInt8] = []
    /// Flush when this much is buffered; batches from the pipeline usually fit.
    static let flushThreshold = 256 * 1024

    /// An output writing `codec`-encoded events to `fd`.
    public init(codec: OutputCodec, fileDescriptor: Int32 = 1) {
        self.codec = codec
        self.fd = fileDescriptor
        buffer.reserveCapacity(ConsoleOutput.flushThreshold * 2)
    }

    public func publish(_ events: [Event]) throws(OutputError) -> PublishReport { try write(encode(events)) }

    public func encode(_ events: [Event]) -> EncodedBatch { codec.encodeLines(events) }

    public func write(_ batch: EncodedBatch) throws(OutputError) -> PublishReport {
        for line in batch.records {
            buffer.append(contentsOf: line)
            if buffer.count >= ConsoleOutput.flushThreshold { try flush() }
        }
        try flush()
        return PublishReport(acked: batch.records.count, dropped: batch.drops.count)
    }

    public func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try writeAll(fd: fd, buffer, what: "standard output")
    }

    public func close() throws(OutputError) { try flush() }
}
