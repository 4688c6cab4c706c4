// swift-tools-version:6.0
import PackageDescription

// The grid assignment benchmark: `cd Benchmarks/assign && swift run -c release`.
let package = Package(
    name: "AssignBenchmark",
    dependencies: [.package(name: "Civic", path: "../..")],
    targets: [
        .executableTarget(name: "AssignBenchmark", dependencies: [.product(name: "Civic", package: "Civic")]),
    ]
)
