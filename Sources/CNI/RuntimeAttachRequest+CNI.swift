import BridgeModel
import Planning

/// Everything ADD asks of bridgectl, from the environment and the config together: the
/// engine's own request, so the two layers share one type.
extension RuntimeAttachRequest {
    /// The address and MAC may come from CNI_ARGS (podman sends them there) or from the `ips`
    /// and `mac` capabilities; given both ways, they must agree. A pod name that is no valid
    /// container name is left out (the engine then derives one).
    public init(request: CNIRequest, config: CNINetworkConfig) throws(CNIError) {
        let runtime = try config.runtimeConfig()
        var podName = request.args.podName
        if let name = podName, (try? Names.validateObjectName(name, kind: "container")) == nil { podName = nil }
        self.init(attachment: RuntimeAttachment(containerID: request.containerID, ifName: request.ifName, netnsPath: request.netns),
                  network: try config.networkRequest(), name: podName, aliases: runtime.aliases,
                  staticIP: try Self.agreeing(request.args.ip, runtime.ip, what: "addresses", argsKey: "IP", capability: "ips"),
                  mac: try Self.agreeing(request.args.mac, runtime.mac, what: "MAC addresses", argsKey: "MAC", capability: "mac"),
                  ports: runtime.portMappings)
    }

    private static func agreeing<Value: Equatable & CustomStringConvertible>(
        _ fromArgs: Value?, _ fromRuntime: Value?, what: String, argsKey: String, capability: String
    ) throws(CNIError) -> Value? {
        if let fromArgs, let fromRuntime, fromArgs != fromRuntime {
            throw CNIError(.invalidNetworkConfig, "conflicting \(what)",
                           details: "CNI_ARGS \(argsKey)=\(fromArgs) but runtimeConfig.\(capability) gives \(fromRuntime)")
        }
        return fromArgs ?? fromRuntime
    }
}
