// swift-tools-version: 6.1
//
// wirebeat: a drop-in replacement for Elastic Packetbeat.
// Targets and their allowed imports follow ARCHITECTURE.md ("Targets (SwiftPM) and what each may import").
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // Release builds let each module's generic code be specialized in the modules that use it: the TCP
    // tracker is generic over its handler, and unspecialized it pays for metadata and witness copies per packet.
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
    // Release builds also leave out the runtime checks of exclusive access (debug builds keep them, and the
    // tests, the integration and fault runs included, run debug builds): at the class properties the spool,
    // the shipper, librdkafka's callbacks and the dissectors touch per event they were 3 % of a Kafka run's
    // instructions. Overlapping accesses the compiler can see are still errors in every build.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "wirebeat",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wirebeat", targets: ["wirebeat"])
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // System libraries, found through pkg-config (libpcap-dev, librdkafka-dev on Debian).
        .systemLibrary(
            name: "CPcap", pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"]), .brew(["libpcap"])]),
        .systemLibrary(
            name: "CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]),
        // glibc's stub resolver (libresolv), for the dns processor.
        .systemLibrary(name: "CResolv"),

        // Byte-level reading and the network value types every other target shares.
        .target(name: "WireKit", swiftSettings: strict),
        .target(name: "NetModel", swiftSettings: strict),

        // Packet path.
        .target(name: "PacketDecoding", dependencies: ["WireKit", "NetModel"], swiftSettings: strict),
        .target(name: "Capture", dependencies: ["CPcap", "NetModel"], swiftSettings: strict),
        .target(name: "TCPStreams", dependencies: ["PacketDecoding", "NetModel"], swiftSettings: strict),
        .target(
            name: "FlowHash",
            dependencies: ["NetModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(name: "Events", dependencies: ["NetModel", "CByteScan"], swiftSettings: strict),
        .target(
            name: "Flows", dependencies: ["PacketDecoding", "NetModel", "Events", "FlowHash"],
            swiftSettings: strict),

        // Protocol dissection.
        .target(name: "DissectorKit", dependencies: ["WireKit", "NetModel", "Events", "FlowHash"], swiftSettings: strict),
        .target(name: "TLSWire", dependencies: ["WireKit"], path: "Sources/Protocols/TLS/Wire", swiftSettings: strict),
        .target(
            name: "TLSFingerprint", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Protocols/TLS/Fingerprint", swiftSettings: strict),
        .target(
            name: "X509Fields",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "TLSAnalysis",
            dependencies: ["TLSWire", "TLSFingerprint", "DissectorKit", "Events", "NetModel", "X509Fields", "FlowHash"],
            path: "Sources/Protocols/TLS/Analysis", swiftSettings: strict),
        .target(
            name: "DissectorRegistry", dependencies: ["TLSAnalysis", "DissectorKit", "TCPStreams", "Events", "NetModel"],
            swiftSettings: strict),

        // Configuration, publishing, wiring.
        .target(name: "Config", dependencies: ["Yams", "NetModel", "Events"], swiftSettings: strict),
        .target(
            name: "Processors",
            dependencies: [
                "Config", "Events", "NetModel", "FlowHash", "CResolv", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(name: "Outputs", dependencies: ["Events"], swiftSettings: strict),
        // The durable queue between the publish path and the output: segment files of checksummed frames.
        .target(name: "CCRC32C"),
        // O_DIRECT, which Swift's Glibc module does not export, for the spool's direct writes.
        .target(name: "CFileFlags"),
        // SSE2 byte classes for the JSON encoder (header-only, inlined into Swift).
        .target(name: "CByteScan"),
        .target(
            name: "Spool", dependencies: ["CCRC32C", "CFileFlags", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "KafkaOutput",
            dependencies: ["CRdKafka", "Config", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "Pipeline",
            dependencies: [
                "Capture", "PacketDecoding", "TCPStreams", "Flows", "Events", "Outputs", "Config", "NetModel",
                "DissectorRegistry", "TLSAnalysis", "Processors", "Spool", "KafkaOutput",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // wirebeat's own logs: rotated ECS JSON files, standard error, selectors, secrets redacted.
        .target(
            name: "AgentLogging",
            dependencies: ["Events", "NetModel", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        // The monitoring endpoint (`http.*`): `/`, `/stats`, and `/metrics` through swift-metrics + Prometheus.
        .target(
            name: "Monitoring",
            dependencies: [
                "Pipeline", "Events",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "wirebeat",
            dependencies: [
                "Pipeline", "Config", "Capture", "Outputs", "Events", "KafkaOutput", "Monitoring", "AgentLogging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            // mimalloc replaces glibc's malloc for the whole process (librdkafka included): the packet and
            // publish paths allocate and free small objects at a high rate from two threads, and glibc's
            // allocator cost a fifth of the CPU time of a TLS replay (scripts/bench-tls, README "Performance").
            linkerSettings: [.linkedLibrary("mimalloc")]),

        // Benchmarks (run by scripts/bench-*; never by the tests).
        .executableTarget(
            name: "processor-bench",
            dependencies: [
                "Pipeline", "Config", "Events", "Outputs", "Processors", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ProcessorBench", exclude: ["chain.yml"], swiftSettings: strict,
            // The allocator wirebeat runs with, so the benchmark measures the publish path as it runs.
            linkerSettings: [.linkedLibrary("mimalloc")]),

        // Tests (Swift Testing).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "WireKitTests", dependencies: ["WireKit"]),
        .testTarget(name: "NetModelTests", dependencies: ["NetModel"]),
        .testTarget(
            name: "PacketDecodingTests", dependencies: ["TestSupport", "PacketDecoding", "WireKit", "NetModel", "Capture"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "TCPStreamsTests", dependencies: ["TestSupport", "TCPStreams", "PacketDecoding", "NetModel"]),
        .testTarget(name: "FlowHashTests", dependencies: ["FlowHash", "NetModel"]),
        .testTarget(name: "EventsTests", dependencies: ["TestSupport", "Events", "NetModel"]),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "FlowHash", "PacketDecoding", "Events", "NetModel"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "NetModel", "Events"]),
        .testTarget(name: "ProcessorsTests", dependencies: ["Processors", "Config", "Events", "NetModel"]),
        .testTarget(name: "OutputsTests", dependencies: ["Outputs", "Events", "NetModel"]),
        // End-to-end delivery and fault tests: the real binary, the local broker, kcat as the consumer.
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport"], path: "Integration/Tests"),
        .testTarget(
            name: "SpoolTests", dependencies: ["Spool", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "KafkaOutputTests",
            dependencies: ["KafkaOutput", "Config", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Config", "Capture", "Events", "Flows", "Outputs", "NetModel", "Processors",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
        .testTarget(name: "DeployTests", dependencies: ["TestSupport", "Yams"]),
        .testTarget(
            name: "AgentLoggingTests",
            dependencies: ["AgentLogging", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring", "Pipeline", "Events"]),
        .testTarget(name: "DissectorKitTests", dependencies: ["DissectorKit", "WireKit", "Events"]),
        .testTarget(name: "TLSWireTests", dependencies: ["TLSWire", "WireKit", "TestSupport"], path: "Tests/Protocols/TLSTests/Wire"),
        .testTarget(
            name: "TLSFingerprintTests", dependencies: ["TLSFingerprint"], path: "Tests/Protocols/TLSTests/Fingerprint"),
        .testTarget(name: "X509FieldsTests", dependencies: ["X509Fields"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TLSAnalysisTests",
            dependencies: [
                "TLSAnalysis", "TLSWire", "X509Fields", "TestSupport", "DissectorKit", "DissectorRegistry", "TCPStreams", "PacketDecoding", "Capture",
                "Events", "NetModel", "Pipeline", "Config", "Outputs",
            ],
            path: "Tests/Protocols/TLSTests/Analysis"),
    ]
)
