import Glibc
import BridgeModel
import CNI
import Engine
import HostSystem
import Planning

/// The binary run by a container runtime as a CNI plugin (no arguments, CNI_COMMAND set): the
/// request comes from the environment and stdin, the result or the error goes to stdout as
/// spec JSON, and a failure is also one `Error:` line on stderr for the person reading the
/// runtime's log. The protocol lives in the CNI target; this reads, calls the engine, prints.
public enum CNIPlugin {
    /// A config larger than this is refused unread: real ones are a few hundred bytes, and a
    /// runtime's prevResult a few kilobytes.
    static let maximumConfigBytes = 1 << 20

    public static func main() -> Never {
        var version = CNIVersion.latest
        do {
            let request = try CNIRequest(environment: environment())
            // VERSION is asked before every podman command: it reads nothing (not even stdin),
            // takes no lock and never touches the state root.
            if request.command == .version {
                print(CNIVersion.versionResult.compact)
                exit(0)
            }
            let input = try readStandardInput()
            // An error about the config itself still answers in the version it asked for.
            version = CNINetworkConfig.declaredVersion(in: input) ?? version
            let config = try CNINetworkConfig(parsing: input)
            Timing.mark("request and config read")
            if let output = try run(request, config) { print(output.compact) }
            Timing.mark("result printed")
            exit(0)
        } catch {
            let failure = cniError(error)
            print(failure.json(version: version).compact)
            writeStandardError("Error: \(failure.message.split(whereSeparator: \.isNewline).joined(separator: " "))\n")
            exit(1)
        }
    }

    /// Runs one command; the ADD result is the only output on success.
    static func run(_ request: CNIRequest, _ config: CNINetworkConfig) throws -> CNIJSON? {
        switch request.command {
        case .add:
            let attach = try RuntimeAttachRequest(request: request, config: config)
            let session = try openSession(config, mutating: true)
            let (container, network) = try session.attachRuntimeContainer(attach)
            guard let result = CNIResult.attachment(container: container, network: network, netns: request.netns) else {
                throw CNIError(.operationFailed, "container '\(container.name)' has no endpoint on network '\(network.name)'")
            }
            return result.json(version: config.version, after: config.prevResult)
        case .del:
            try openSession(config, mutating: true).detachRuntimeContainer(containerID: request.containerID, ifName: request.ifName)
            return nil
        case .check:
            guard config.prevResult != nil else {
                throw CNIError(.invalidNetworkConfig, "CHECK needs the ADD's result as prevResult")
            }
            let drifts = try openSession(config, mutating: false).checkRuntimeContainer(containerID: request.containerID, ifName: request.ifName)
            if !drifts.isEmpty {
                throw CNIError(.attachmentDiffers, "attachment \(request.containerID)/\(request.ifName) differs from the kernel",
                               details: drifts.map(\.description).joined(separator: "; "))
            }
            return nil
        case .gc:
            try requireVersion(.v1_1_0, for: request.command, config)
            guard let valid = config.validAttachments else {
                // Without the list every attachment would look stale: refuse rather than remove all.
                throw CNIError(.invalidNetworkConfig, "GC needs cni.dev/valid-attachments")
            }
            // GC is per network config: the runtime lists this network's attachments only.
            _ = try openSession(config, mutating: true).collectRuntimeGarbage(keeping: valid.map { ($0.containerID, $0.ifName) },
                                                                      network: config.name)
            return nil
        case .status:
            try requireVersion(.v1_1_0, for: request.command, config)
            let network = try config.networkRequest()
            if let reason = try openSession(config, mutating: false).runtimeReadiness(network: network) {
                throw CNIError(.pluginNotAvailable, "bridgectl cannot add containers to network '\(config.name)'", details: reason)
            }
            return nil
        case .version:
            return CNIVersion.versionResult
        }
    }

    /// GC and STATUS came with spec 1.1.0; an older config cannot ask for them.
    static func requireVersion(_ minimum: CNIVersion, for command: CNICommand, _ config: CNINetworkConfig) throws(CNIError) {
        guard config.version >= minimum else {
            throw CNIError(.incompatibleVersion, "config version does not allow \(command.rawValue)",
                           details: "\(command.rawValue) needs cniVersion \(minimum.rawValue) or later, the config has \(config.version.rawValue)")
        }
    }

    /// The session every bridgectl command opens, without ArgumentParser (~2 ms a call). The
    /// config's `stateRoot` and `firewall` are the plugin's `--root` and `--firewall`, so they win
    /// over BRIDGECTL_ROOT and BRIDGECTL_FIREWALL as the flags do: the config is what the runtime
    /// keeps with the network and sends on every call, the environment is not (podman's cleanup
    /// DEL has none).
    static func sessionOptions(_ config: CNINetworkConfig) -> SessionOptions {
        SessionOptions(root: config.stateRoot, firewall: config.firewall?.rawValue)
    }

    static func openSession(_ config: CNINetworkConfig, mutating: Bool) throws -> Session {
        try sessionOptions(config).session(mutating: mutating)
    }

    /// Every failure as a CNI error: bridgectl's own one-line messages with codes of 100 and up,
    /// except where a spec code says it better.
    static func cniError(_ error: any Error) -> CNIError {
        switch error {
        case let failure as CNIError:
            return failure
        case let engine as EngineError:
            switch engine {
            case .containerNotFound:
                return CNIError(.unknownContainer, engine.message)
            case .cniNetworkConflict:
                return CNIError(.networkConflict, engine.message)
            case .notPrivileged, .inInitialNamespace:
                return CNIError(.notPermitted, engine.message)
            default:
                return CNIError(.operationFailed, engine.message)
            }
        case let invalid as ModelError:
            return CNIError(.invalidNetworkConfig, invalid.message)
        default:
            return CNIError(.operationFailed, "\(error)")
        }
    }

    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        for entry in currentEnvironment() {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            result[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return result
    }

    static func readStandardInput() throws(CNIError) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw CNIError(.ioFailure, "error reading the network config from stdin", details: String(cString: strerror(errno)))
            }
            bytes += buffer[0..<count]
            if bytes.count > maximumConfigBytes {
                throw CNIError(.ioFailure, "network config on stdin is larger than \(maximumConfigBytes) bytes")
            }
        }
    }
}
