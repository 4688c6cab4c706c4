// swift-tools-version:6.0
import PackageDescription

// The libFuzzer targets of Civic, in a package of their own: an executable
// whose `main` is libFuzzer's links only in a fuzzing build, so they stay
// out of the root package's `swift build` and `swift test`. What each
// target does with an input lives in the root package's CivicFuzz library,
// which CivicFuzzTests runs over the seeds. Build and run: Fuzzers/run.sh.
let package = Package(
    name: "CivicFuzzers",
    dependencies: [
        .package(name: "Civic", path: ".."),
    ],
    targets: [
        // bytes → lexer, parser, checker, diagnostics, civic fmt
        .executableTarget(name: "fuzz-front-end", dependencies: [.product(name: "CivicFuzz", package: "Civic")]),
        // bytes → a script (as written, or generated from them) run under limits on a MemoryStore
        .executableTarget(name: "fuzz-run", dependencies: [.product(name: "CivicFuzz", package: "Civic")]),
        // A plain tool: prints the script fuzz-run makes of each input file (for reducing a crash).
        .executableTarget(name: "fuzz-script", dependencies: [.product(name: "CivicFuzz", package: "Civic")]),
    ]
)
