import BridgeModel
import Planning

/// Everything ADD asks of bridgectl, from the environment and the config together.
public struct CNIAttachSettings: Sendable {
    public var network: NetworkCreateRequest
    /// The container's name in bridgectl (and in its DNS): K8S_POD_NAME when it is a valid
    /// name; nil leaves the choice to the engine.
    public var name: String?
    public var aliases: [String]
    public var staticIP: IPv4Address?
    public var mac: MACAddress?
    public var ports: [PortBinding]

    /// The address and MAC may come from CNI_ARGS (podman sends them there) or from the `ips`
    /// and `mac` capabilities; given both ways, they must agree.
    public init(request: CNIRequest, config: CNINetworkConfig) throws(CNIError) {
        network = try config.networkRequest()
        let runtime = try config.runtimeConfig()
        if let podName = request.args.podName, (try? Names.validateObjectName(podName, kind: "container")) != nil {
            name = podName
        }
        aliases = runtime.aliases
        ports = runtime.portMappings
        staticIP = try Self.agreeing(request.args.ip, runtime.ip, what: "addresses", argsKey: "IP", capability: "ips")
        mac = try Self.agreeing(request.args.mac, runtime.mac, what: "MAC addresses", argsKey: "MAC", capability: "mac")
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
