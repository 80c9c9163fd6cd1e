// The capture boundary: what the packet path reads from, independent of libpcap.

import NetModel

/// One captured frame. `data` borrows the source's buffer and is valid until the source's next read.
public struct CapturedPacket {
    /// Capture time from the packet header.
    public var timestamp: Timestamp
    /// The frame's length on the wire (may exceed `data.count` when snaplen cut it).
    public var wireLength: Int
    /// The captured bytes.
    public var data: UnsafeRawBufferPointer

    public init(timestamp: Timestamp, wireLength: Int, data: UnsafeRawBufferPointer) {
        self.timestamp = timestamp
        self.wireLength = wireLength
        self.data = data
    }
}

/// What a read from a `PacketSource` produced.
public enum ReadResult {
    /// A frame; its bytes are borrowed until the next read.
    case packet(CapturedPacket)
    /// A live source's read timeout passed with no packet (a chance to tick timers and check for stop).
    case timeout
    /// A file ended (or a live source was closed).
    case endOfFile
    /// The source failed; the text is libpcap's.
    case error(String)
}

/// Kernel-side counters of a live capture (`pcap_stats`).
public struct CaptureStats: Sendable, Equatable {
    /// Packets the filter accepted.
    public var received: UInt64
    /// Packets dropped because the capture buffer was full.
    public var droppedByKernel: UInt64
    /// Packets the interface or driver dropped (not supported everywhere).
    public var droppedByInterface: UInt64

    public init(received: UInt64, droppedByKernel: UInt64, droppedByInterface: UInt64) {
        self.received = received
        self.droppedByKernel = droppedByKernel
        self.droppedByInterface = droppedByInterface
    }
}

/// A device libpcap can capture on.
public struct CaptureDevice: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var addresses: [String]
    public var isLoopback: Bool
    public var isUp: Bool
    public var isRunning: Bool
}

/// Options of a live capture.
public struct LiveCaptureOptions: Sendable, Equatable {
    /// Device name (`eth0`, `any`).
    public var device: String
    /// Bytes captured per packet at most.
    public var snaplen: Int
    /// Kernel buffer size in bytes (0 leaves libpcap's default).
    public var bufferSizeBytes: Int
    /// Put the interface in promiscuous mode.
    public var promiscuous: Bool
    /// How long a read waits before returning `.timeout`, so timers run on quiet links.
    public var readTimeoutMilliseconds: Int
    /// BPF filter expression; empty captures everything.
    public var bpfFilter: String
    /// Capture only packets the host receives (`ignore_outgoing`, as Packetbeat sets the pcap direction).
    public var inboundOnly: Bool

    public init(
        device: String, snaplen: Int = 65535, bufferSizeBytes: Int = 0, promiscuous: Bool = true,
        readTimeoutMilliseconds: Int = 200, bpfFilter: String = "", inboundOnly: Bool = false
    ) {
        self.inboundOnly = inboundOnly
        self.device = device
        self.snaplen = snaplen
        self.bufferSizeBytes = bufferSizeBytes
        self.promiscuous = promiscuous
        self.readTimeoutMilliseconds = readTimeoutMilliseconds
        self.bpfFilter = bpfFilter
    }
}

/// A failure to open or configure a capture.
public struct CaptureError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A source of captured frames: a live device or a file.
public protocol PacketSource: AnyObject {
    /// The DLT_ link-layer type of every frame.
    var linkType: Int32 { get }
    /// True for live devices.
    var isLive: Bool { get }
    /// Reads the next frame.
    func next() -> ReadResult
    /// Kernel counters, for live sources.
    func stats() -> CaptureStats?
    /// Releases the source.
    func close()
}
