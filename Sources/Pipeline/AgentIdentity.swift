// The agent's identity: `agent.id` persists in `${path.data}/meta.json` (`{"uuid": …, "first_start": …}`, the
// file Beats keeps), so the identity survives restarts and a switch from Packetbeat that reuses its data
// directory; `agent.ephemeral_id` is new for every process.

import Foundation

public struct AgentIdentity: Sendable {
    /// `agent.id`, persistent.
    public let id: String
    /// `agent.ephemeral_id`, new per process.
    public let ephemeralID: String

    /// Reads or creates `meta.json` under `dataPath`. When the directory cannot be written, the identity
    /// is kept for this process only (and a later run will mint another).
    public static func load(dataPath: String) -> AgentIdentity {
        let ephemeral = UUID().uuidString.lowercased()
        let file = URL(fileURLWithPath: dataPath).appendingPathComponent("meta.json")
        if let data = try? Data(contentsOf: file),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let uuid = object["uuid"] as? String, UUID(uuidString: uuid) != nil
        {
            return AgentIdentity(id: uuid.lowercased(), ephemeralID: ephemeral)
        }
        let id = UUID().uuidString.lowercased()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let meta: [String: Any] = ["uuid": id, "first_start": formatter.string(from: Date())]
        if let data = try? JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]) {
            try? FileManager.default.createDirectory(atPath: dataPath, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o750])
            try? data.write(to: file, options: .atomic)
        }
        return AgentIdentity(id: id, ephemeralID: ephemeral)
    }

    /// The machine's host name.
    public static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return "localhost" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
