// swift-tools-version:6.0
import PackageDescription

/// Targets by layer (DESIGN.md §7): C libraries at the bottom, each behind its own system-library target;
/// `EventLoop` → `HTTP` → `Relay` → the `byok-relay` executable. Dependencies point down only.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    // Lets the optimiser specialise generic code (Router, parser helpers) across our own modules.
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

var targets: [Target] = [
    .systemLibrary(name: "CLibEvent", pkgConfig: "libevent_pthreads", providers: [.apt(["libevent-dev"])]),
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
    // No pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM refuses with a warning on every build; the
    // headers are included as <hiredis/...> from /usr/include and the module map links the libraries.
    .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev", "libevent-dev"])]),
    .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CShims"),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

    .target(name: "EventLoop", dependencies: ["CLibEvent", "CShims"], swiftSettings: swiftSettings),
    .target(name: "HTTP", dependencies: ["EventLoop"], swiftSettings: swiftSettings),
    .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
    .target(name: "JSON", swiftSettings: swiftSettings),
    // The YAML emitter for /openapi.yaml (CONTRACT.md §9.3) and the reader its tests and fuzzer check it with.
    .target(name: "YAML", dependencies: ["EventLoop"], swiftSettings: swiftSettings),
    // The upstream client: curl multi on the loops, the x-relay-base-url parser and the SSRF guard.
    .target(name: "Upstream", dependencies: ["EventLoop", "CCurl"], swiftSettings: swiftSettings),
    .target(
        name: "Store",
        dependencies: ["EventLoop", "Crypto", "CPostgres", "CSQLite"],
        swiftSettings: swiftSettings
    ),
    // Rate limits (CONTRACT.md §7, E2): the sliding-window counter, in process or in Redis through hiredis.
    .target(name: "RateLimit", dependencies: ["EventLoop", "Crypto", "CHiredis"], swiftSettings: swiftSettings),
    .target(
        name: "Relay",
        dependencies: ["HTTP", "EventLoop", "Store", "Crypto", "JSON", "Upstream", "RateLimit", "YAML"],
        swiftSettings: swiftSettings
    ),
    .executableTarget(name: "byok-relay", dependencies: ["Relay"], swiftSettings: swiftSettings),
    // A mock AI provider on real HTTP for integration tests and benchmarks (docs/testing.md); never shipped.
    .target(name: "MockProvider", dependencies: ["HTTP", "EventLoop"], swiftSettings: swiftSettings),
    .executableTarget(
        name: "mock-provider",
        dependencies: ["MockProvider", "EventLoop"],
        swiftSettings: swiftSettings
    ),

    .target(
        name: "TestSupport",
        dependencies: ["HTTP", "EventLoop", "MockProvider"],
        path: "Tests/TestSupport",
        swiftSettings: swiftSettings
    ),
    .testTarget(name: "EventLoopTests", dependencies: ["EventLoop"], swiftSettings: swiftSettings),
    .testTarget(name: "CryptoTests", dependencies: ["Crypto"], swiftSettings: swiftSettings),
    .testTarget(
        name: "StoreTests",
        dependencies: ["Store", "EventLoop", "Crypto", "TestSupport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: swiftSettings),
    .testTarget(name: "YAMLTests", dependencies: ["YAML", "EventLoop"], swiftSettings: swiftSettings),
    .testTarget(
        name: "RateLimitTests",
        dependencies: ["RateLimit", "EventLoop", "Crypto", "TestSupport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "UpstreamTests",
        dependencies: ["Upstream", "EventLoop", "MockProvider"],
        swiftSettings: swiftSettings
    ),
    .testTarget(name: "HTTPTests", dependencies: ["HTTP", "EventLoop", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(
        name: "MockProviderTests",
        // mock-provider only so the executable is built for the test that runs it.
        dependencies: ["MockProvider", "TestSupport", "HTTP", "EventLoop", "mock-provider"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "RelayTests",
        dependencies: ["Relay", "HTTP", "EventLoop", "Store", "Crypto", "YAML"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "IntegrationTests",
        // Store and Crypto only to check, from outside the relay, what it wrote (ciphertexts decrypt after rotation);
        // MockProvider for the suites that read what a provider received; YAML to read /openapi.yaml back.
        dependencies: ["TestSupport", "byok-relay", "Store", "Crypto", "MockProvider", "YAML", "EventLoop"],
        swiftSettings: swiftSettings
    ),
]

// libFuzzer entry points are declared only for scripts/fuzz, so `swift build` and `swift test` never meet them
// (DESIGN.md §7). The parser is instrumented too, so libFuzzer sees which of its branches an input reached.
if Context.environment["BYOK_RELAY_FUZZ"] == "1" {
    let sanitizers = ["-sanitize=fuzzer,address"]
    // The driver glue every fuzz target shares (`@_extern(c)` declares libFuzzer's driver without a C module).
    targets.append(
        .target(
            name: "FuzzDriver",
            swiftSettings: swiftSettings + [.enableExperimentalFeature("Extern")]
        )
    )
    for (fuzzer, target) in [
        ("HTTPParserFuzzer", "HTTP"), ("JSONFuzzer", "JSON"), ("BaseURLFuzzer", "Upstream"),
        ("YAMLFuzzer", "YAML"),
    ] {
        if let index = targets.firstIndex(where: { $0.name == target }) {
            targets[index].swiftSettings = swiftSettings + [.unsafeFlags(sanitizers)]
        }
        targets.append(
            .executableTarget(
                name: fuzzer,
                dependencies: [.byName(name: target), "FuzzDriver"] + (target == "YAML" ? ["EventLoop"] : []),
                swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"] + sanitizers)],
                linkerSettings: [.unsafeFlags(sanitizers)]
            )
        )
    }
}

let package = Package(
    name: "byok-relay",
    products: [.executable(name: "byok-relay", targets: ["byok-relay"])],
    targets: targets
)
