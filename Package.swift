// swift-tools-version:6.0
import PackageDescription

// The modules follow the one-way flow of docs/architecture.md:
// CivicSyntax → CivicCheck → CivicStore → CivicPostgres → CivicRuntime → Civic → CivicCLI.
let package = Package(
    name: "Civic",
    products: [
        .library(name: "Civic", targets: ["Civic"]),
        .executable(name: "civic", targets: ["CivicCLI"]),
        // For the libFuzzer targets of the package under Fuzzers/ only (DEVELOPERS.md, Fuzzing).
        .library(name: "CivicFuzz", targets: ["CivicFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(name: "CivicSyntax"),
        .target(name: "CivicCheck", dependencies: ["CivicSyntax"]),
        .target(name: "CivicStore", dependencies: ["CivicSyntax", "CivicCheck", .product(name: "GRDB", package: "GRDB.swift"),
                                                 .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // The PostgreSQL engine: a `Store` over PostgresNIO (docs/scaling.md).
        .target(name: "CivicPostgres", dependencies: ["CivicSyntax", "CivicStore", .product(name: "PostgresNIO", package: "postgres-nio")]),
        // glibc's malloc.h (mallinfo2), for the memory limit of a run.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "CivicRuntime", dependencies: ["CivicSyntax", "CivicCheck", "CivicStore", "CMalloc"]),
        .target(name: "Civic", dependencies: ["CivicSyntax", "CivicCheck", "CivicStore", "CivicPostgres", "CivicRuntime"]),
        // What the fuzzers do with one input, and the generator of programs they run
        // (Fuzzers/ holds the libFuzzer executables; CivicFuzzTests runs this over the seeds).
        .target(name: "CivicFuzz", dependencies: ["Civic"]),
        // GNU readline (libreadline-dev), for the line editing of `civic repl`.
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .executableTarget(
            name: "CivicCLI",
            dependencies: ["Civic", "CReadline", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "CivicSyntaxTests", dependencies: ["CivicSyntax"]),
        .testTarget(name: "CivicCheckTests", dependencies: ["CivicCheck"]),
        // Finds or starts the PostgreSQL server the tests' PostgreSQL cases run on.
        .target(name: "CivicPostgresTesting", dependencies: ["CivicStore", "CivicPostgres"], path: "Tests/CivicPostgresTesting"),
        .testTarget(name: "CivicStoreTests", dependencies: ["CivicStore", "CivicPostgres", "CivicPostgresTesting"]),
        .testTarget(name: "CivicRuntimeTests", dependencies: ["CivicRuntime", "CivicCheck", "CivicStore"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Civic", "CivicPostgresTesting"]),
        .testTarget(name: "CivicTests", dependencies: ["Civic", "CivicPostgresTesting"]),
        .testTarget(name: "CivicFuzzTests", dependencies: ["CivicFuzz"]),
        .testTarget(name: "CivicCLITests", dependencies: ["Civic", "CivicPostgresTesting"]),
        // Runs every code block of README.md and docs/ (Tests/DocsTests/DocsTests.swift says how).
        .testTarget(name: "DocsTests", dependencies: ["Civic"]),
    ]
)
