import BridgeModel

/// What a CNI ADD asks for, as the plugin parsed it (CNI_ARGS, the config, runtimeConfig).
public struct RuntimeAttachRequest: Sendable {
    public var attachment: RuntimeAttachment
    /// The network's name and settings from the CNI config: created from them the first time.
    public var network: NetworkCreateRequest
    /// K8S_POD_NAME, if the runtime sent one; used when it is a valid, free container name
    /// (else a name is derived from the runtime's container ID: ContainerPlanner.runtimeContainerName).
    public var name: String?
    /// Extra names in the embedded DNS (runtimeConfig.aliases.<network>).
    public var aliases: [String]
    public var staticIP: IPv4Address?
    public var mac: MACAddress?
    /// runtimeConfig.portMappings; a host address of 0.0.0.0 means none was given (the
    /// network's host_binding_ipv4 applies, 0.0.0.0 unless set).
    public var ports: [PortBinding]

    public init(attachment: RuntimeAttachment, network: NetworkCreateRequest, name: String? = nil, aliases: [String] = [],
                staticIP: IPv4Address? = nil, mac: MACAddress? = nil, ports: [PortBinding] = []) {
        self.attachment = attachment; self.network = network; self.name = name; self.aliases = aliases
        self.staticIP = staticIP; self.mac = mac; self.ports = ports
    }
}
