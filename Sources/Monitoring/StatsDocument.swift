// What the monitoring endpoint serves: `/` (who this agent is) and `/stats` (its counters) in the shape
// Beats serves them (reference/libbeat.md §5.8), plus a `wirebeat` namespace for what Packetbeat does not
// report: capture drops from pcap_stats (beats#35428), decode anomalies, flows, events per protocol, the disk
// spool and Kafka delivery. Every value is computed from one `RunSummary` snapshot and one process sample.

import Events
import Foundation
import Pipeline

#if canImport(Glibc)
    import Glibc
#endif

/// Who the agent is, for `/` and `beat.info`.
public struct BeatInfo: Sendable, Equatable {
    public var name: String
    public var hostname: String
    public var uuid: String
    public var ephemeralID: String
    public var version: String

    public init(name: String, hostname: String, uuid: String, ephemeralID: String, version: String) {
        self.name = name
        self.hostname = hostname
        self.uuid = uuid
        self.ephemeralID = ephemeralID
        self.version = version
    }

    /// The identity the pipeline adds to every event (`agent.*`, `host.name`), so the endpoint and the events
    /// name the same agent.
    public init(builtins: Fields) {
        func text(_ object: String, _ key: String) -> String {
            guard case .object(let fields)? = builtins[object], case .string(let s)? = fields[key] else { return "" }
            return s
        }
        self.init(
            name: text("agent", "name"), hostname: text("host", "name"), uuid: text("agent", "id"),
            ephemeralID: text("agent", "ephemeral_id"), version: text("agent", "version"))
    }
}

/// Resource use of this process and the machine, read from /proc and getloadavg.
public struct ProcessSample: Sendable, Equatable {
    public var userTicksMs = 0
    public var systemTicksMs = 0
    public var rssBytes = 0
    public var openHandles = 0
    public var handleLimitSoft = 0
    public var handleLimitHard = 0
    public var cores = 1
    public var load: (Double, Double, Double) = (0, 0, 0)

    public init() {}

    public static func == (a: ProcessSample, b: ProcessSample) -> Bool {
        a.userTicksMs == b.userTicksMs && a.systemTicksMs == b.systemTicksMs && a.rssBytes == b.rssBytes
            && a.openHandles == b.openHandles && a.cores == b.cores && a.load == b.load
    }

    /// The current values.
    public static func current() -> ProcessSample {
        var s = ProcessSample()
        let ticksPerSecond = max(1, sysconf(Int32(_SC_CLK_TCK)))
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12 {
                s.userTicksMs = (Int(fields[11]) ?? 0) * 1000 / ticksPerSecond
                s.systemTicksMs = (Int(fields[12]) ?? 0) * 1000 / ticksPerSecond
            }
        }
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let pages = statm.split(separator: " ")
            if pages.count > 1 { s.rssBytes = (Int(pages[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) }
        }
        s.openHandles = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            s.handleLimitSoft = Int(clamping: limit.rlim_cur)
            s.handleLimitHard = Int(clamping: limit.rlim_max)
        }
        s.cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var averages = [Double](repeating: 0, count: 3)
        if getloadavg(&averages, 3) == 3 { s.load = (averages[0], averages[1], averages[2]) }
        return s
    }
}

/// The `/` and `/stats` documents.
public enum StatsDocument {
    /// `GET /`.
    public static func info(_ beat: BeatInfo) -> [String: Any] {
        [
            "beat": "packetbeat", "name": beat.name, "hostname": beat.hostname, "uuid": beat.uuid,
            "ephemeral_id": beat.ephemeralID, "version": beat.version,
            "binary_arch": Self.architecture, "agent": "wirebeat \(WirebeatVersion.wirebeat)",
        ]
    }

    #if arch(x86_64)
        static let architecture = "amd64"
    #elseif arch(arm64)
        static let architecture = "arm64"
    #else
        static let architecture = "unknown"
    #endif

    /// `GET /stats`.
    public static func stats(
        _ s: RunSummary, beat: BeatInfo, process p: ProcessSample, outputType: String
    ) -> [String: Any] {
        let published = s.eventsProduced - s.eventsDroppedAtQueue - s.eventsBacklogged
        let acked = s.delivery?.acked ?? s.publish.acked
        let outputDropped = s.publish.dropped + (s.delivery?.droppedTotal ?? 0)
        let outputFailed = s.publish.failed + (s.delivery?.failed ?? 0)
        let active = max(0, published - s.publish.filtered - acked - outputDropped - outputFailed)
        var wirebeat: [String: Any] = [
            "capture": [
                "packets": s.packets, "bytes": s.bytes,
                "received": Int(s.capture?.received ?? 0), "dropped_kernel": Int(s.capture?.droppedByKernel ?? 0),
                "dropped_interface": Int(s.capture?.droppedByInterface ?? 0),
            ],
            "decode": [
                "frames": s.decode.frames, "non_ip": s.decode.nonIP, "truncated": s.decode.truncated,
                "malformed": s.decode.malformed, "unsupported_link_type": s.decode.unsupportedLinkType,
                "anomalies": s.anomalies,
            ],
            "flows": [
                "created": s.flows.created, "ended": s.flows.ended, "evicted": s.flows.evicted,
                "tracked": max(0, s.flows.created - s.flows.ended),
            ],
            "events": [
                "flow": s.flows.reports, "tls": s.dissectors.events, "dropped_queue_full": s.eventsDroppedAtQueue,
                "backlog": s.eventsBacklogged,
            ],
            "tls": ["detected_by_content": s.dissectors.detected, "upgraded_from_plain_text": s.dissectors.upgraded],
        ]
        if let d = s.delivery {
            var dropped: [String: Any] = [:]
            for (reason, n) in d.dropped { dropped[reason.rawValue] = n }
            wirebeat["kafka"] = [
                "produced": d.produced, "acked": d.acked, "retried": d.retried, "failed": d.failed,
                "dropped": dropped, "latency": ["mean_ms": d.latencyMeanMs, "max_ms": d.latencyMaxMs],
            ]
            wirebeat["spool"] = [
                "appended": d.spool.appended, "acknowledged": d.spool.acknowledged,
                "pending": d.spool.pendingEntries, "bytes": Int(d.spool.bytesOnDisk), "segments": d.spool.segments,
                "recovered": d.spool.recovered, "corrupt_frames": d.spool.corruptFrames,
                "dropped_full": d.spool.droppedFull, "write_errors": d.spool.writeErrors,
            ]
        }
        let total = p.userTicksMs + p.systemTicksMs
        return [
            "beat": [
                "cpu": [
                    "user": ["ticks": p.userTicksMs, "time": ["ms": p.userTicksMs]],
                    "system": ["ticks": p.systemTicksMs, "time": ["ms": p.systemTicksMs]],
                    "total": ["ticks": total, "time": ["ms": total]],
                ],
                "memstats": ["rss": p.rssBytes],
                "handles": ["open": p.openHandles, "limit": ["soft": p.handleLimitSoft, "hard": p.handleLimitHard]],
                "info": [
                    "ephemeral_id": beat.ephemeralID, "name": beat.name, "version": beat.version,
                    "uptime": ["ms": Int(s.elapsedSeconds * 1000)],
                ],
            ],
            "libbeat": [
                "pipeline": [
                    "clients": 1,
                    "events": [
                        "total": s.eventsProduced, "filtered": s.publish.filtered, "published": published,
                        "failed": s.eventsDroppedAtQueue, "dropped": outputDropped,
                        "retry": s.delivery?.retried ?? 0, "active": active,
                    ],
                    "queue": ["acked": acked],
                ],
                "output": [
                    "type": outputType,
                    "events": [
                        "batches": s.publish.batches,
                        "total": s.delivery?.produced ?? (s.publish.received - s.publish.filtered),
                        "acked": acked, "failed": outputFailed, "dropped": outputDropped,
                        "active": s.delivery?.spool.pendingEntries ?? 0,
                    ],
                ],
            ],
            "system": [
                "cpu": ["cores": p.cores],
                "load": [
                    "1": p.load.0, "5": p.load.1, "15": p.load.2,
                    "norm": [
                        "1": p.load.0 / Double(p.cores), "5": p.load.1 / Double(p.cores),
                        "15": p.load.2 / Double(p.cores),
                    ],
                ],
            ],
            "wirebeat": wirebeat,
        ]
    }

    /// A document as JSON (keys sorted; indented when `pretty`).
    public static func json(_ object: [String: Any], pretty: Bool) -> String {
        var options: JSONSerialization.WritingOptions = [.sortedKeys]
        if pretty { options.insert(.prettyPrinted) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: options)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// `text` as a JSON string literal (RFC 8259 §7: quote, backslash and control characters escaped).
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The integer leaves of a document by dotted path (`libbeat.pipeline.events.total`), for deltas.
    public static func counters(_ object: [String: Any], prefix: String = "") -> [String: Int] {
        var out: [String: Int] = [:]
        for (key, value) in object {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if let nested = value as? [String: Any] {
                out.merge(counters(nested, prefix: path)) { a, _ in a }
            } else if let n = value as? Int {
                out[path] = n
            }
        }
        return out
    }
}
