// swift-tools-version: 6.1
import PackageDescription

// Layers, each a target, dependencies pointing one way:
// codecs (JSON, timestamps) ← billing (pure domain) ← store (SQLite) ← app (HTTP) ← executable.
let package = Package(
    name: "metronome-emulator",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MetronomeEmulator", targets: ["MetronomeEmulator"]),
        .executable(name: "metronome-emulator", targets: ["metronome-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(name: "MetronomeCodecs"),
        .target(name: "MetronomeBilling", dependencies: ["MetronomeCodecs"]),
        .target(
            name: "MetronomeStore",
            dependencies: [
                "MetronomeBilling", "MetronomeCodecs", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "MetronomeEmulator",
            dependencies: [
                "MetronomeCodecs", "MetronomeBilling", "MetronomeStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Emulator/Console/Assets")]
        ),
        .executableTarget(
            name: "metronome-emulator",
            dependencies: [
                "MetronomeEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "MetronomeCodecsTests", dependencies: ["MetronomeCodecs"]),
        .testTarget(name: "MetronomeBillingTests", dependencies: ["MetronomeBilling", "MetronomeCodecs"]),
        .testTarget(
            name: "MetronomeStoreTests",
            dependencies: [
                "MetronomeStore", "MetronomeBilling", "MetronomeCodecs", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "MetronomeEmulatorTests",
            dependencies: [
                "MetronomeEmulator", "MetronomeStore", "MetronomeBilling", "MetronomeCodecs",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
