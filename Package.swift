// swift-tools-version:6.2
// Cairn — an ML model registry server. See docs/ and ../shared/design/ARCHITECTURE.md for the module layering:
// arrows point down only (cairn → CairnServer → edges (CairnAPI, CairnMLflowAPI) → CairnHTTP/CairnWire/CairnSQL →
// CairnCore); an edge never imports another edge.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "cairn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cairn", targets: ["cairn"]),
        .library(name: "CairnClient", targets: ["CairnClient"]),
        .library(name: "CairnCore", targets: ["CairnCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Webhook deliveries connect themselves (to the address they checked) over TLS; AsyncHTTPClient already
        // builds it, so naming it costs no build time.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // YAML: policy and model-card files (the CLI), and MLflow's MLmodel files (CairnMLflowFiles, the server).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // Layer 0: the domain. No package dependencies, ever.
        .target(name: "CairnCore", swiftSettings: swiftSettings),

        // Layer 1: shared plumbing.
        .target(name: "CairnWire", dependencies: ["CairnCore"], swiftSettings: swiftSettings),
        .target(name: "CairnSQL", dependencies: ["CairnCore"], swiftSettings: swiftSettings),

        // Layer 2: adapters.
        .target(
            name: "CairnSQLite",
            dependencies: [
                "CairnCore", "CairnSQL",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnBlobFS",
            dependencies: [
                "CairnCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // What every HTTP surface shares: request context, authentication, the access guard, the origin guard, the
        // login throttle, blocking work, body reading and percent-decoding. Surfaces import it, never each other.
        .target(
            name: "CairnHTTP",
            dependencies: [
                "CairnCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnAPI",
            dependencies: [
                "CairnCore", "CairnWire", "CairnHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MLflow's files in a model directory (MLmodel), read with a real YAML parser.
        .target(
            name: "CairnMLflowFiles",
            dependencies: ["CairnCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnCredentials",
            dependencies: [
                "CairnCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnMLflowAPI",
            dependencies: [
                "CairnCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                "CairnHTTP",
            ],
            swiftSettings: swiftSettings
        ),

        // Layer 3: composition and the SDK.
        // S3-compatible object stores (issue 14): AWS Signature Version 4 so far.
        .target(
            name: "CairnS3",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CairnS3Tests", dependencies: ["CairnS3"], swiftSettings: swiftSettings),

        // Webhook deliveries: the outbound HTTP transport with its address checks and Standard Webhooks signing.
        .target(
            name: "CairnWebhooks",
            dependencies: [
                "CairnCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnServer",
            dependencies: [
                "CairnCore", "CairnSQLite", "CairnBlobFS", "CairnHTTP", "CairnAPI", "CairnMLflowAPI",
                "CairnCredentials", "CairnWebhooks",
                "CairnMLflowFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnClient",
            dependencies: [
                "CairnWire", "CairnCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // Layer 4: the executable.
        .executableTarget(
            name: "cairn",
            dependencies: [
                "CairnServer", "CairnClient", "CairnWire", "CairnCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // Test support: fakes, builders and the backend conformance suites.
        // Services built here read MLmodel files with the real adapter, as the server does.
        // Webhook secrets are sealed with the real AES-GCM sealer, as the server seals them.
        .target(
            name: "CairnTesting",
            dependencies: ["CairnCore", "CairnMLflowFiles", "CairnCredentials"],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "CairnCoreTests", dependencies: ["CairnCore", "CairnTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CairnMLflowFilesTests",
            dependencies: ["CairnMLflowFiles", "CairnCore", "CairnTesting"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnSQLiteTests",
            dependencies: ["CairnSQLite", "CairnTesting", "CairnCore"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnCredentialsTests",
            dependencies: ["CairnCredentials", "CairnCore", "CairnTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnBlobFSTests",
            dependencies: ["CairnBlobFS", "CairnTesting", "CairnCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnAPITests",
            dependencies: [
                "CairnAPI", "CairnHTTP", "CairnServer", "CairnWire", "CairnCore", "CairnTesting", "CairnSQLite",
                "CairnBlobFS",
                "CairnMLflowFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnMLflowAPITests",
            dependencies: [
                "CairnMLflowAPI", "CairnHTTP", "CairnServer", "CairnCore", "CairnTesting", "CairnSQLite",
                "CairnBlobFS",
                "CairnMLflowFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnEndToEndTests",
            dependencies: [
                "CairnClient", "CairnWire", "CairnCore", "CairnTesting", "CairnWebhooks",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
