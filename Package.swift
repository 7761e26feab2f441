// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first: C shims -> Netlink / HostSystem (kernel) -> BridgeModel / Planning / DNS /
// Templates (pure) -> State -> ResolverControl (the resolver's typed protocol and process, both
// sides) -> DNSServer (the resolver process) | Engine (applies plans with undo) -> BridgectlCLI ->
// bridgectl (main.swift and the resolver's own commands).
let package = Package(
    name: "bridgectl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bridgectl", targets: ["bridgectl"]),
        // The pure parsers of untrusted input, for the fuzz targets in Fuzz/ (a separate package).
        .library(name: "BridgectlParsers", targets: ["BridgeModel", "DNS", "Templates"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNetlink", path: "Sources/CNetlink",
            pkgConfig: "libnl-route-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-route-3-dev"])]),
        // libnftnl + libmnl, for the nftables backend's in-process batches (issue #10, in progress).
        .systemLibrary(
            name: "CNftables", path: "Sources/CNftables",
            pkgConfig: "libnftnl",
            providers: [.apt(["libnftnl-dev", "libmnl-dev"])]),
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "BridgeModel"),
        .target(name: "Planning", dependencies: ["BridgeModel"]),
        .target(name: "DNS", dependencies: ["BridgeModel"]),
        // The CNI protocol (environment, config, results, errors) in bridgectl's typed values;
        // pure, so the plugin entry point in BridgectlCLI only reads, calls the engine and prints.
        .target(name: "CNI", dependencies: ["BridgeModel", "Planning", "Templates"]),
        .target(name: "ResolverControl", dependencies: ["BridgeModel", "HostSystem", "CLinux"]),
        .target(name: "DNSServer", dependencies: ["DNS", "BridgeModel", "Planning", "HostSystem", "State", "ResolverControl", "CLinux"]),
        .target(name: "Templates"),
        .target(name: "Netlink", dependencies: ["CNetlink", "BridgeModel"]),
        .target(name: "Nftables", dependencies: ["CNftables", "Planning", "BridgeModel"]),
        // Sends NftPlanner's ops through Nftables from the command line, for the integration
        // checks of the encoding and the measurements of the bare batch.
        .executableTarget(name: "nft-batch-probe", dependencies: ["Nftables", "Planning", "BridgeModel"]),
        .target(name: "HostSystem", dependencies: ["CLinux", "BridgeModel"]),
        .target(name: "State", dependencies: ["BridgeModel", "HostSystem"]),
        .target(name: "Engine", dependencies: ["BridgeModel", "Planning", "Netlink", "Nftables", "HostSystem", "State", "ResolverControl"]),
        .target(name: "BridgectlCLI", dependencies: [
            "BridgeModel", "Planning", "State", "Engine", "HostSystem", "ResolverControl", "Templates", "CNI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The resolver's own commands (`dns serve`, `dns worker`) live here, beside the CLI, so
        // that neither the CLI nor Engine links the server.
        .executableTarget(name: "bridgectl", dependencies: [
            "BridgectlCLI", "DNSServer", "ResolverControl", "HostSystem", "Engine", "Netlink", "DNS", "BridgeModel", "CLinux",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "BridgeModelTests", dependencies: ["BridgeModel"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "BridgeModel"]),
        .testTarget(name: "DNSTests", dependencies: ["DNS", "BridgeModel"]),
        .testTarget(name: "CNITests", dependencies: ["CNI", "Planning", "BridgeModel"]),
        .testTarget(name: "StateTests", dependencies: ["State", "BridgeModel", "HostSystem"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Planning", "State", "BridgeModel", "HostSystem"]),
        .testTarget(name: "CLITests", dependencies: ["BridgectlCLI", "BridgeModel", "ResolverControl", "Templates", "CNI", "Engine"]),
        .testTarget(name: "ResolverControlTests", dependencies: ["ResolverControl", "BridgeModel"]),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "CNetlink"]),
        .testTarget(name: "NftablesTests", dependencies: ["Nftables", "CNftables", "Planning", "BridgeModel"]),
    ]
)
