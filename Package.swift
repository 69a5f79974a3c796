// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "veldwerk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "veldwerk-server", targets: ["VeldwerkServer"]),
        .executable(name: "veldwerk", targets: ["VeldwerkClient"]),
        .executable(name: "veldwerk-bench", targets: ["VeldwerkBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Foundation only: models, questionnaire, expressions, clocks, changes, the merge rule, wire messages.
        .target(name: "Shared", path: "Sources/Shared", resources: [.copy("Resources/study")], swiftSettings: swiftSettings),
        // The change log on SQLite (GRDB): the one place that carries out merge decisions, for server and client alike.
        .target(
            name: "LogStore",
            dependencies: ["Shared", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            path: "Sources/LogStore",
            swiftSettings: swiftSettings
        ),
        // Command-line options both programs share (the export's, the admin commands'), so the two front ends cannot drift apart.
        .target(
            name: "CommandLineOptions",
            dependencies: ["Shared", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/CommandLineOptions",
            swiftSettings: swiftSettings
        ),
        // Random secrets, their SHA-256 hashes, and the sealing of personal values (swift-crypto), for server and laptop alike.
        .target(
            name: "Secrets",
            dependencies: ["Shared", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Secrets",
            swiftSettings: swiftSettings
        ),
        // Typed, non-variadic wrappers over libcurl.
        .target(name: "CCurl", path: "Sources/CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // Typed, non-variadic wrappers over libedit (line editing in the interview runner).
        .target(name: "CEdit", path: "Sources/CEdit", linkerSettings: [.linkedLibrary("edit")]),
        // Typed wrappers over zlib's init macros.
        .target(name: "CGzip", path: "Sources/CGzip", linkerSettings: [.linkedLibrary("z")]),
        // gzip for HTTP bodies, used by server and client alike.
        .target(name: "Gzip", dependencies: ["CGzip"], path: "Sources/Gzip", swiftSettings: swiftSettings),
        .executableTarget(
            name: "VeldwerkServer",
            dependencies: [
                "Shared", "LogStore", "Gzip", "CommandLineOptions", "Secrets",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Sources/Server",
            resources: [.copy("Templates"), .copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "VeldwerkClient",
            dependencies: [
                "Shared", "LogStore", "CCurl", "CEdit", "CommandLineOptions", "Gzip", "Secrets",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Client",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "VeldwerkBenchmarks",
            dependencies: [
                "Shared", "LogStore", "Gzip", "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/Sources",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Shared"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SharedTests", dependencies: ["Shared", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LogStoreTests",
            dependencies: ["LogStore", "Shared", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "VeldwerkServer", "Shared", "LogStore", "TestSupport", "Secrets", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClientTests",
            dependencies: [
                "VeldwerkClient", "Shared", "LogStore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "VeldwerkServer", "VeldwerkClient", "Shared", "LogStore", "TestSupport", "Gzip", "Secrets",
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
