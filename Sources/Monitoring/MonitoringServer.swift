// The monitoring endpoint (`http.enabled`): a small HTTP/1.1 server on SwiftNIO serving `/`, `/stats` and
// `/metrics` from the live counters. It listens on `http.host:http.port` only (Beats' default is
// localhost:5066) or on a Unix socket (`unix:///path`). Every answer closes its connection: monitoring
// clients poll rarely, and a server that keeps no connection state has nothing to leak.

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Pipeline

/// What the server answers with: a fresh snapshot per request.
public struct MonitoringSource: Sendable {
    public var beat: BeatInfo
    public var outputType: String
    public var snapshot: @Sendable () -> RunSummary

    public init(beat: BeatInfo, outputType: String, snapshot: @escaping @Sendable () -> RunSummary) {
        self.beat = beat
        self.outputType = outputType
        self.snapshot = snapshot
    }
}

/// Why the endpoint could not start.
public struct MonitoringError: Error, CustomStringConvertible {
    public let description: String
}

/// A running endpoint.
public final class MonitoringServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    /// Where it listens, for the log (`127.0.0.1:5066`, `unix:///run/wirebeat.sock`).
    public let address: String

    /// Binds and starts serving; throws when the address cannot be resolved or bound.
    public init(host: String, port: Int, source: MonitoringSource) throws(MonitoringError) {
        let exporter = PrometheusExporter()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        MonitoringHandler(source: source, exporter: exporter))
                }
            }
        do {
            if let path = Self.unixSocketPath(host) {
                channel = try bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
                address = "unix://" + path
            } else {
                channel = try bootstrap.bind(host: host, port: port).wait()
                address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw MonitoringError(description: "http.host \(host), http.port \(port): cannot listen: \(error)")
        }
        self.group = group
    }

    /// The path of a `unix:///path` host, or nil.
    static func unixSocketPath(_ host: String) -> String? {
        host.hasPrefix("unix://") ? String(host.dropFirst("unix://".count)) : nil
    }

    /// Checks that `host` can be listened on (resolves, or is a Unix socket path), for `test config`; the
    /// failure is a `PlanError` like every other configuration problem.
    public static func validate(host: String) -> Result<Void, PlanError> {
        if let path = unixSocketPath(host) {
            return path.hasPrefix("/")
                ? .success(()) : .failure(PlanError(message: "http.host \(host): a unix socket needs an absolute path"))
        }
        do {
            _ = try SocketAddress.makeAddressResolvingHost(host, port: 0)
            return .success(())
        } catch {
            return .failure(PlanError(message: "http.host \(host): cannot be resolved: \(error)"))
        }
    }

    /// Stops listening and closes the event loop.
    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// Answers one request per connection.
final class MonitoringHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let source: MonitoringSource
    let exporter: PrometheusExporter
    private var request: HTTPRequestHead?

    init(source: MonitoringSource, exporter: PrometheusExporter) {
        self.source = source
        self.exporter = exporter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request else { return }
            request = nil
            let (status, type, body) = Self.answer(head, source: source, exporter: exporter)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            headers.add(name: "Connection", value: "close")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
            buffer.writeString(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    /// Status, content type and body for a request.
    static func answer(_ head: HTTPRequestHead, source: MonitoringSource, exporter: PrometheusExporter)
        -> (HTTPResponseStatus, String, String)
    {
        let json = "application/json; charset=utf-8"
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, json, "{\"error\":\"method not allowed\"}\n")
        }
        let parts = head.uri.split(separator: "?", maxSplits: 1)
        let path = parts.first.map(String.init) ?? "/"
        let pretty =
            parts.count > 1 && parts[1].split(separator: "&").contains { $0 == "pretty" || $0.hasPrefix("pretty=") }
        switch path {
        case "/", "":
            return (.ok, json, StatsDocument.json(StatsDocument.info(source.beat), pretty: pretty) + "\n")
        case "/stats":
            let document = StatsDocument.stats(
                source.snapshot(), beat: source.beat, process: .current(), outputType: source.outputType)
            return (.ok, json, StatsDocument.json(document, pretty: pretty) + "\n")
        case "/metrics":
            return (
                .ok, "text/plain; version=0.0.4; charset=utf-8",
                exporter.render(source.snapshot(), process: .current())
            )
        default:
            return (.notFound, json, "{\"error\":\"not found\",\"path\":\(StatsDocument.jsonString(path))}\n")
        }
    }
}
