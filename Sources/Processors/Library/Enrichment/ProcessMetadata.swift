// `add_process_metadata` (reference/libbeat.md §4.5 and the Beats documentation): looks up the process whose
// pid is in the first present `match_pids` field (default `process.pid`, then `process.parent.pid`) and copies
// what procfs says about it (ProcessReader.swift) under `target`: process name, title, executable, args, pid,
// parent.pid, entity_id, start_time, owner, group, thread capabilities, and `container.id` from its cgroups;
// `process.env` only with `restricted_fields: true`. As in Beats:
// - `include_fields` picks parts of that tree (a whole object such as `process.owner`, or a leaf); an unknown
//   part or a leaf named twice is a configuration error;
// - a destination that exists fails the event (and leaves it unchanged) unless `overwrite_keys: true`; with the
//   default target that includes the very `process.pid` being matched, so the documented `match_pids:
//   [process.pid]` needs `overwrite_keys: true` or another `target` to add anything;
// - no pid field fails only with `ignore_missing: false` (the default is true); a pid that is no process, or a
//   value that is not an integer or a numeric string, fails;
// - process facts are cached 30 seconds by pid, container ids `cgroup_cache_expire_time` (0 disables that).
// The container id comes from the first cgroup path matching `cgroup_regex` (its one group), or, with only
// `cgroup_prefixes`, the last element of the first path under a prefix; by default a 64-hex-digit id ending
// a path (Docker, Kubernetes, Podman). Beats reads processes from the real /proc and uses `host_path` for
// cgroups only; here `host_path` (under the environment's root) locates /proc for both, as documented.

import Config
import Events

/// `add_process_metadata`.
struct AddProcessMetadata: Processor {
    struct Mapping: Sendable, Equatable {
        var destination: String
        var source: String
    }

    let matchPIDs: [String]
    let mappings: [Mapping]
    let ignoreMissing: Bool
    let overwriteKeys: Bool
    let restrictedFields: Bool
    let reader: ProcReader
    let containerIDs: ContainerIDRule
    let processCache: SharedCache<Int, ProcessFacts>
    let cgroupCache: SharedCache<Int, String>?
    var name: String { "add_process_metadata" }

    static let options = [
        "match_pids", "target", "include_fields", "ignore_missing", "overwrite_keys", "restricted_fields", "host_path",
        "cgroup_prefixes", "cgroup_regex", "cgroup_cache_expire_time",
    ]

    /// The fields Beats can add, as a tree; `process.env` only when restricted fields are allowed.
    static func available(restricted: Bool) -> Fields {
        var process: Fields = [
            "name": .null, "title": .null, "executable": .null, "args": .null, "pid": .null,
            "parent": .object(["pid": .null]), "entity_id": .null, "start_time": .null,
            "owner": .object(["name": .null, "id": .null]), "group": .object(["name": .null, "id": .null]),
            "thread": .object(["capabilities": .object(["effective": .null, "permitted": .null])]),
        ]
        if restricted { process["env"] = .null }
        return ["process": .object(process), "container": .object(["id": .null])]
    }

    static func build(_ o: ProcessorOptions) throws(ConfigError) -> any Processor {
        var matchPIDs = ["process.pid", "process.parent.pid"]
        if o.contains("match_pids") { matchPIDs = try o.requiredStringList("match_pids") }
        let restricted = try o.bool("restricted_fields", default: false)
        let mappings = try mappings(o, restricted: restricted)
        var rule = ContainerIDRule.pattern(ContainerIDRule.defaultPattern)
        if let prefixes = try o.stringList("cgroup_prefixes") { rule = .prefixes(prefixes) }
        if let source = try o.string("cgroup_regex") {
            do throws(ProcessorFailure) {
                let pattern = try Pattern(source)
                guard pattern.groupCount == 1 else {
                    throw ProcessorFailure("cgroup_regex must contain exactly one capturing group for the container id")
                }
                rule = .pattern(pattern)
            } catch {
                throw o.error("cgroup_regex", error.message)
            }
        }
        let expiry = try o.duration("cgroup_cache_expire_time") ?? .seconds(30)
        return AddProcessMetadata(
            matchPIDs: matchPIDs, mappings: mappings, ignoreMissing: try o.bool("ignore_missing", default: true),
            overwriteKeys: try o.bool("overwrite_keys", default: false), restrictedFields: restricted,
            reader: ProcReader(root: o.environment.fileSystemRoot, hostPath: try o.string("host_path") ?? "/"),
            containerIDs: rule, processCache: SharedCache(ttl: .seconds(30), capacity: 32 << 10),
            cgroupCache: expiry.nanoseconds > 0
                ? SharedCache(ttl: .nanoseconds(expiry.nanoseconds), capacity: 32 << 10) : nil)
    }

    /// Beats' mapping of `include_fields` (default: all of `process` and `container`) to destinations.
    static func mappings(_ o: ProcessorOptions, restricted: Bool) throws(ConfigError) -> [Mapping] {
        let tree = available(restricted: restricted)
        let target = try o.string("target") ?? ""
        let prefix = target.isEmpty ? "" : target + "."
        var wanted = ["process", "container"]
        if let list = try o.stringList("include_fields"), !list.isEmpty { wanted = list }
        var out: [Mapping] = []
        for source in wanted {
            let destination = destinationPath(prefix, source)
            guard let part = tree.value(at: source) else {
                let known = leaves(tree, "").joined(separator: ", ")
                throw o.error("include_fields", "field '\(source)' not found (add_process_metadata can add: \(known))")
            }
            if case .object(let children) = part {
                for (key, _) in children.entries {
                    out.removeAll { $0.destination == destination + "." + key }
                    out.append(Mapping(destination: destination + "." + key, source: source + "." + key))
                }
            } else {
                guard !out.contains(where: { $0.destination == destination }) else {
                    throw o.error("include_fields", "field '\(source)' repeated")
                }
                out.append(Mapping(destination: destination, source: source))
            }
        }
        return out
    }

    /// Beats writes a parent's attributes straight into a `parent` target (`process.parent.name`, not
    /// `process.parent.process.name`).
    static func destinationPath(_ prefix: String, _ source: String) -> String {
        guard prefix == "parent." || prefix.hasSuffix(".parent."), source.hasPrefix("process.") else {
            return prefix + source
        }
        return prefix + source.dropFirst("process.".count)
    }

    private static func leaves(_ tree: Fields, _ base: String) -> [String] {
        tree.entries.flatMap { key, value -> [String] in
            if case .object(let inner) = value { return [base + key] + leaves(inner, base + key + ".") }
            return [base + key]
        }
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        for field in matchPIDs {
            guard let value = event.value(at: field) else { continue }
            let pid: Int
            switch AddProcessMetadata.pid(value) {
            case .success(let n): pid = n
            case .failure(let failure):
                return .failed(
                    "error applying add_process_metadata processor: cannot parse pid field '\(field)': "
                        + failure.message)
            }
            var meta = Fields()
            if let facts = processCache.value(
                for: pid, load: { reader.process(pid, withEnvironment: restrictedFields) })
            {
                meta["process"] = .object(facts.fields)
            }
            if let id = containerID(pid), !id.isEmpty { meta["container"] = .object(["id": .string(id)]) }
            guard !meta.isEmpty else { return .failed("process not found") }
            if !overwriteKeys, let taken = mappings.first(where: { event.has($0.destination) }) {
                return .failed(
                    "error applying add_process_metadata processor: target field '\(taken.destination)' "
                        + "already exists and overwrite_keys is false")
            }
            for mapping in mappings {
                if let value = meta.value(at: mapping.source) { event.put(mapping.destination, value) }
            }
            return .keep
        }
        return ignoreMissing ? .keep : .failed("none of the fields in match_pids found in the event")
    }

    private func containerID(_ pid: Int) -> String? {
        guard mappings.contains(where: { $0.source == "container.id" }) else { return nil }
        let find = { containerIDs.find(in: reader.cgroupPaths(pid)) }
        guard let cgroupCache else { return find() }
        return cgroupCache.value(for: pid, load: find)
    }

    /// A pid from an event value: an integer, or a string of one (Go's `strconv.Atoi`).
    static func pid(_ value: FieldValue) -> Result<Int, ProcessorFailure> {
        switch value {
        case .int(let n): return .success(Int(n))
        case .uint(let n):
            guard let pid = Int(exactly: n) else { return .failure(ProcessorFailure("integer out of range: \(n)")) }
            return .success(pid)
        case .string(let s):
            guard let pid = Int(s) else {
                return .failure(
                    ProcessorFailure(
                        "error converting string to integer: strconv.Atoi: parsing \"\(s)\": invalid syntax"))
            }
            return .success(pid)
        default:
            return .failure(ProcessorFailure("not an integer or string, but \(value.typeName)"))
        }
    }
}

/// How a container id is found in cgroup paths.
enum ContainerIDRule: Sendable {
    /// The one capturing group of the first matching path.
    case pattern(Pattern)
    /// The last element of the first path under one of the prefixes.
    case prefixes([String])

    // A 64-digit lower-case hex id ending a path element (`/docker/<id>`, `.../cri-containerd-<id>.scope`).
    static let defaultPattern = Pattern(constant: #"[-/]([0-9a-f]{64})(\.scope)?$"#)

    /// The container id in `paths`, "" when there is none.
    func find(in paths: [String]) -> String {
        for path in paths {
            switch self {
            case .pattern(let pattern):
                if let groups = pattern.groups(in: path), groups.count > 1 { return groups[1] }
            case .prefixes(let prefixes):
                if prefixes.contains(where: { path.hasPrefix($0) }) {
                    return String(path.split(separator: "/").last ?? "")
                }
            }
        }
        return ""
    }
}
