// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the parsers of untrusted input, kept out of the main package so that
// `swift build` and `swift test` there never see -sanitize=fuzzer. Build and run with
// scripts/fuzz; each target is an executable whose main.swift starts libFuzzer's driver.
let fuzzTargets = ["FuzzDNSWire", "FuzzTCPFraming", "FuzzTemplate", "FuzzPublishSpec", "FuzzIPv4"]

let package = Package(
    name: "bridgectl-fuzz",
    dependencies: [
        .package(name: "bridgectl", path: ".."),
    ],
    targets: [.target(name: "FuzzDriver")] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzDriver", .product(name: "BridgectlParsers", package: "bridgectl")])
    }
)
