// Every libpcap call in wirebeat lives in this file.
//
// Offline files (pcap and pcapng) and live devices are both opened through libpcap, with nanosecond
// timestamps where the platform offers them. Packet bytes returned by `next()` borrow libpcap's buffer
// and stay valid only until the next call.

import CPcap
import NetModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A libpcap capture handle: a file being replayed or a live device.
public final class PcapHandle: PacketSource {
    private var handle: OpaquePointer?
    private let nanoPrecision: Bool
    /// For live handles: the descriptor to poll and how long `next()` waits before reporting `.timeout`.
    /// libpcap's own read timeout does not fire on Linux (TPACKET_V3) while no packet at all arrives, so
    /// live handles are non-blocking and `next()` polls with its own timeout.
    private var pollDescriptor: Int32 = -1
    private var pollTimeoutMilliseconds: Int32 = 0
    /// The DLT_ link-layer type of the packets.
    public let linkType: Int32
    /// True for a live device, false for a file.
    public let isLive: Bool
    /// What was opened: a file path or a device name.
    public let name: String

    /// A capture file mapped into memory, unmapped after `pcap_close`, and the stream libpcap reads it through
    /// when the mapping's helper wants to know how far it got (nil otherwise, so reading skips the reports).
    private var mapping: CaptureMapping? = nil
    private var mappedStream: UnsafeMutablePointer<FILE>? = nil
    /// Packets read since the reader's position was last reported to `mapping`.
    private var unreported = 0

    private init(handle: OpaquePointer, isLive: Bool, name: String, mapping: CaptureMapping? = nil) {
        self.handle = handle
        self.isLive = isLive
        self.name = name
        self.mapping = mapping
        if mapping?.hasHelper == true { self.mappedStream = pcap_file(handle) }
        self.linkType = pcap_datalink(handle)
        self.nanoPrecision = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO
    }

    deinit { close() }

    /// Opens a pcap or pcapng file for replay.
    ///
    /// libpcap reads files through stdio. A regular file is mapped into memory (`CaptureMapping`, whose helper
    /// thread maps pages ahead of the reader) and handed to libpcap as a memory stream: the pages are read
    /// from the page cache in place, instead of being copied by read(2) into a stdio buffer first, which was
    /// a third of the cost of replaying a large capture (measured with `scripts/bench-decode`). Anything else
    /// (a pipe, a device, an empty file, a failed mapping) is read with `fopen` and a 1 MiB buffer. The file
    /// must not shrink while it is replayed: a page beyond the new end cannot be read, mapped or not.
    public static func openOffline(path: String) throws(CaptureError) -> PcapHandle {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CaptureError("cannot open capture file \(path): \(String(cString: strerror(errno)))")
        }
        return try openOffline(descriptor: descriptor, path: path)
    }

    /// Opens a capture file from an open descriptor (read from its start), which the handle takes over.
    public static func openOffline(descriptor: Int32, path: String) throws(CaptureError) -> PcapHandle {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        let mapping = CaptureMapping.map(descriptor)
        var file: UnsafeMutablePointer<FILE>? = nil
        if let mapping {
            Glibc.close(descriptor)
            file = fmemopen(mapping.address, mapping.length, "rb")
        } else {
            file = fdopen(descriptor, "rb")
            if file == nil { Glibc.close(descriptor) }
        }
        guard let file else {
            mapping?.close()
            throw CaptureError("cannot open capture file \(path): \(String(cString: strerror(errno)))")
        }
        // A large stdio buffer turns two small reads per packet into one per MiB. libpcap owns the FILE from
        // here and closes it in pcap_close.
        setvbuf(file, nil, _IOFBF, PcapHandle.fileBufferSize)
        #if canImport(Glibc)
            // Only libpcap, on the packet thread, reads this stream: stdio's lock around each of its two reads
            // per packet protects nothing.
            _ = __fsetlocking(file, Int32(FSETLOCKING_BYCALLER))
        #endif
        guard
            let h = pcap_fopen_offline_with_tstamp_precision(
                file, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errbuf)
        else {
            fclose(file)
            mapping?.close()
            throw CaptureError("cannot open capture file \(path): \(PcapHandle.string(errbuf))")
        }
        return PcapHandle(handle: h, isLive: false, name: path, mapping: mapping)
    }

    /// How often (in packets) a mapped file's reader reports its position to the mapping's helper.
    static let packetsPerReport = 256

    /// The stdio buffer for capture files: 1 MiB, large enough that reading is one system call per MiB.
    static let fileBufferSize = 1 << 20

    /// Opens a live device with the given options and applies the BPF filter (if any).
    public static func openLive(_ options: LiveCaptureOptions) throws(CaptureError) -> PcapHandle {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_create(options.device, &errbuf) else {
            throw CaptureError("cannot open device \(options.device): \(PcapHandle.string(errbuf))")
        }
        pcap_set_snaplen(h, Int32(clamping: options.snaplen))
        pcap_set_promisc(h, options.promiscuous ? 1 : 0)
        pcap_set_timeout(h, Int32(clamping: options.readTimeoutMilliseconds))
        if options.bufferSizeBytes > 0 { pcap_set_buffer_size(h, Int32(clamping: options.bufferSizeBytes)) }
        // Nanosecond stamps when the platform has them; `PcapHandle.init` reads back what was granted.
        _ = pcap_set_tstamp_precision(h, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(h)
        if status < 0 {
            let detail = String(cString: pcap_geterr(h))
            let hint: String
            switch status {
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
                pcap_close(h)
                throw CaptureError(PcapHandle.permissionMessage(options, detail: detail))
            case PCAP_ERROR_NO_SUCH_DEVICE:
                hint = " (no such device; `wirebeat devices` lists the capture devices)"
            default:
                hint = ""
            }
            pcap_close(h)
            throw CaptureError("cannot activate device \(options.device): \(detail)\(hint)")
        }
        let handle = PcapHandle(handle: h, isLive: true, name: options.device)
        if pcap_setnonblock(h, 1, &errbuf) == 0 {
            handle.pollDescriptor = pcap_get_selectable_fd(h)
            handle.pollTimeoutMilliseconds = Int32(clamping: options.readTimeoutMilliseconds)
        }
        if options.inboundOnly && pcap_setdirection(h, PCAP_D_IN) != 0 {
            throw CaptureError(
                "cannot capture inbound packets only (ignore_outgoing) on \(options.device): \(String(cString: pcap_geterr(h)))"
            )
        }
        if !options.bpfFilter.isEmpty {
            try handle.setFilter(options.bpfFilter)
        }
        return handle
    }

    /// What a capture refused for lack of privilege needs, and the ways to grant it.
    public static func permissionMessage(_ options: LiveCaptureOptions, detail: String) -> String {
        let needs = options.promiscuous ? "CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode)" : "CAP_NET_RAW"
        let setcap = options.promiscuous ? "cap_net_raw,cap_net_admin" : "cap_net_raw"
        let ambient = options.promiscuous ? "CAP_NET_RAW CAP_NET_ADMIN" : "CAP_NET_RAW"
        return "capturing on \(options.device) needs \(needs): run as root, grant them with "
            + "\"setcap \(setcap)=eip \(executablePath())\", or AmbientCapabilities=\(ambient) in the systemd unit "
            + "(libpcap: \(detail))"
    }

    /// The absolute path of the running executable (for the setcap hint).
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "/path/to/wirebeat" }
        return PcapHandle.string(buffer)
    }

    /// Compiles and installs a BPF filter (works on files too).
    public func setFilter(_ expression: String) throws(CaptureError) {
        guard let h = handle else { throw CaptureError("capture handle is closed") }
        var program = bpf_program()
        if pcap_compile(h, &program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            throw CaptureError("invalid BPF filter \"\(expression)\": \(String(cString: pcap_geterr(h)))")
        }
        defer { pcap_freecode(&program) }
        if pcap_setfilter(h, &program) != 0 {
            throw CaptureError("cannot install BPF filter: \(String(cString: pcap_geterr(h)))")
        }
    }

    /// Reads the next packet. A `.packet` result borrows libpcap's buffer until the next call.
    public func next() -> ReadResult {
        guard let h = handle else { return .endOfFile }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var rc = pcap_next_ex(h, &header, &data)
        if rc == 0 && pollDescriptor >= 0 {
            var fds = pollfd(fd: pollDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, pollTimeoutMilliseconds) > 0 { rc = pcap_next_ex(h, &header, &data) }
        }
        switch rc {
        case 1:
            guard let header, let data else { return .timeout }
            if let mappedStream {
                unreported &+= 1
                if unreported == PcapHandle.packetsPerReport {
                    unreported = 0
                    mapping?.reached(ftell(mappedStream))
                }
            }
            let hdr = header.pointee
            let sub = nanoPrecision ? Int64(hdr.ts.tv_usec) : Int64(hdr.ts.tv_usec) * 1000
            let packet = CapturedPacket(
                timestamp: Timestamp(seconds: Int64(hdr.ts.tv_sec), nanoseconds: sub),
                wireLength: Int(hdr.len),
                data: UnsafeRawBufferPointer(start: data, count: Int(hdr.caplen)))
            return .packet(packet)
        case 0:
            return .timeout
        case PCAP_ERROR_BREAK:
            return .endOfFile
        default:
            if rc == -2 { return .endOfFile }
            return .error(String(cString: pcap_geterr(h)))
        }
    }

    /// What the helper of a mapped file has done: bytes mapped ahead of the reader and cleared behind it.
    var mappingProgress: (populated: Int, cleared: Int)? { mapping?.helperProgress }

    /// Kernel counters for a live device (`pcap_stats`); nil for files.
    public func stats() -> CaptureStats? {
        guard isLive, let h = handle else { return nil }
        var s = pcap_stat()
        guard pcap_stats(h, &s) == 0 else { return nil }
        return CaptureStats(
            received: UInt64(s.ps_recv), droppedByKernel: UInt64(s.ps_drop), droppedByInterface: UInt64(s.ps_ifdrop))
    }

    /// Closes the handle; further reads report end of file.
    public func close() {
        if let h = handle {
            pcap_close(h)
            handle = nil
        }
        mappedStream = nil
        mapping?.close()
        mapping = nil
    }

    /// The libpcap name of a DLT value (`EN10MB`, `LINUX_SLL2`, ...).
    public static func linkTypeName(_ dlt: Int32) -> String {
        if let p = pcap_datalink_val_to_name(dlt) { return String(cString: p) }
        return "DLT_\(dlt)"
    }

    /// The libpcap version string.
    public static var libraryVersion: String { String(cString: pcap_lib_version()) }

    /// The capture devices libpcap can open, in its order (the index is what `device: 0` selects).
    public static func devices() throws(CaptureError) -> [CaptureDevice] {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        var list: UnsafeMutablePointer<pcap_if_t>?
        guard pcap_findalldevs(&list, &errbuf) == 0 else {
            throw CaptureError("cannot list devices: \(PcapHandle.string(errbuf))")
        }
        defer { if let list { pcap_freealldevs(list) } }
        var out: [CaptureDevice] = []
        var cursor = list
        while let dev = cursor {
            let d = dev.pointee
            var addresses: [String] = []
            var a = d.addresses
            while let addr = a {
                if let sa = addr.pointee.addr, let text = PcapHandle.format(sa) { addresses.append(text) }
                a = addr.pointee.next
            }
            out.append(
                CaptureDevice(
                    name: String(cString: d.name),
                    description: d.description.map { String(cString: $0) },
                    addresses: addresses,
                    isLoopback: d.flags & UInt32(PCAP_IF_LOOPBACK) != 0,
                    isUp: d.flags & UInt32(PCAP_IF_UP) != 0,
                    isRunning: d.flags & UInt32(PCAP_IF_RUNNING) != 0))
            cursor = d.next
        }
        return out
    }

    private static func string(_ buf: [CChar]) -> String {
        buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func format(_ sa: UnsafeMutablePointer<sockaddr>) -> String? {
        switch Int32(sa.pointee.sa_family) {
        case AF_INET:
            return sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                IPAddress(v4: UInt32(bigEndian: p.pointee.sin_addr.s_addr)).description
            }
        case AF_INET6:
            return sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                withUnsafeBytes(of: p.pointee.sin6_addr) { b in
                    IPAddress(v6High: b.loadBE64(at: 0), low: b.loadBE64(at: 8)).description
                }
            }
        default:
            return nil
        }
    }
}

extension UnsafeRawBufferPointer {
    fileprivate func loadBE64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

/// A capture file kept open for the whole run, so a replay can read it again (`-l`) after `run_as_user`
/// switched to a user who could not open it by name.
public final class CaptureFile {
    public let path: String
    private var descriptor: Int32

    /// Opens `path` for reading.
    public init(path: String) throws(CaptureError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CaptureError("cannot open capture file \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close() }

    /// A new handle reading the file from its start.
    public func handle() throws(CaptureError) -> PcapHandle {
        guard descriptor >= 0 else { throw CaptureError("capture file \(path) is closed") }
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0, lseek(copy, 0, SEEK_SET) == 0 else {
            let reason = String(cString: strerror(errno))
            if copy >= 0 { Glibc.close(copy) }
            throw CaptureError("cannot read capture file \(path) again: \(reason)")
        }
        return try PcapHandle.openOffline(descriptor: copy, path: path)
    }

    /// Releases the descriptor (handles already made stay usable).
    public func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }
}
