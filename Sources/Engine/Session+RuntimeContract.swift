// TEMPORARY (branch cni-protocol only): the engine contract of issue #11 with its exact
// signatures, so that the CNI plugin entry point compiles before the engine part is merged.
// Delete this file at merge in favour of Sources/BridgeModel/RuntimeAttachment.swift and
// Sources/Engine/Session+Runtime.swift from branch cni-engine. Nothing here does anything.
import BridgeModel
import Planning

public struct RuntimeAttachment: Codable, Equatable, Sendable {
    public var containerID: String
    public var ifName: String
    public var netnsPath: String
    public init(containerID: String, ifName: String, netnsPath: String) {
        self.containerID = containerID; self.ifName = ifName; self.netnsPath = netnsPath
    }
}

public struct RuntimeAttachRequest: Sendable {
    public var attachment: RuntimeAttachment
    public var network: NetworkCreateRequest
    public var name: String?
    public var aliases: [String]
    public var staticIP: IPv4Address?
    public var mac: MACAddress?
    public var ports: [PortBinding]
    public init(attachment: RuntimeAttachment, network: NetworkCreateRequest, name: String?, aliases: [String],
                staticIP: IPv4Address?, mac: MACAddress?, ports: [PortBinding]) {
        self.attachment = attachment; self.network = network; self.name = name; self.aliases = aliases
        self.staticIP = staticIP; self.mac = mac; self.ports = ports
    }
}

private struct RuntimeContractNotMerged: UserFacingError {
    var message: String { "the CNI engine part (branch cni-engine) is not merged yet" }
}

extension Session {
    public func attachRuntimeContainer(_ request: RuntimeAttachRequest) throws -> (ContainerRecord, NetworkRecord) {
        throw RuntimeContractNotMerged()
    }
    public func detachRuntimeContainer(containerID: String, ifName: String) throws { throw RuntimeContractNotMerged() }
    public func checkRuntimeContainer(containerID: String, ifName: String) throws -> [Drift] { throw RuntimeContractNotMerged() }
    public func collectRuntimeGarbage(keeping valid: [(containerID: String, ifName: String)], network: String? = nil) throws -> [String] {
        throw RuntimeContractNotMerged()
    }
    public func runtimeReadiness(network: NetworkCreateRequest) throws -> String? { throw RuntimeContractNotMerged() }
}
