import BridgeModel

/// Requests that conflict with what exists.
public enum PlanningError: UserFacingError, Equatable {
    case networkNameTaken(String)
    case bridgeNameTaken(String, owner: String)
    case unsupportedDriver(String)
    case ipv6Unsupported
    case networkInUse(String, containers: [String])
    case builtinNetwork(String, action: String)
    case containerNameTaken(String)
    case namespaceExists(String)
    case alreadyConnected(container: String, network: String)
    case notConnected(container: String, network: String)
    case specialNetworkMix(String)
    case staticIPNeedsUserNetwork
    case aliasNeedsUserNetwork
    case containerRunning(String, processes: Int)
    case tooManyInterfaces(String)
    case noBridgeNetfilter(String)
    case iptablesForwardPolicyDrop(String)
    case bridgePortLimit(network: String, bridge: String)
    case hostBindingNotLocal(IPv4Address, network: String)
    case publishAddressNotLocal(IPv4Address, network: String)
    case multicastMAC(MACAddress)
    /// CNI's key (container ID, interface) is already attached, as container `container`.
    case runtimeAttachmentExists(containerID: String, ifName: String, container: String)
    /// The runtime's namespace is attached already (through another interface, or for another
    /// runtime container ID): one namespace holds one embedded resolver and one default route,
    /// so it gets one bridgectl network.
    case runtimeNamespaceAttached(path: String, container: String, containerID: String, ifName: String)

    public var message: String {
        switch self {
        case .networkNameTaken(let name): return "network with name '\(name)' already exists"
        case .bridgeNameTaken(let name, let owner): return "bridge name '\(name)' is already used by \(owner)"
        case .unsupportedDriver(let driver): return "driver '\(driver)' is not supported: bridgectl only has 'bridge'"
        case .ipv6Unsupported: return "--ipv6 is not supported yet: bridgectl networks are IPv4-only"
        case .networkInUse(let name, let containers):
            return "network '\(name)' has active endpoints: \(containers.joined(separator: ", ")) (disconnect or remove them first)"
        case .builtinNetwork(let name, let action): return "'\(name)' is a pre-defined network and cannot be \(action)"
        case .containerNameTaken(let name): return "container name '\(name)' is already in use"
        case .namespaceExists(let name): return "a network namespace named '\(name)' already exists (/run/netns/\(name)) and is not a bridgectl container"
        case .alreadyConnected(let container, let network): return "container '\(container)' is already connected to network '\(network)'"
        case .notConnected(let container, let network): return "container '\(container)' is not connected to network '\(network)'"
        case .specialNetworkMix(let name): return "network '\(name)' cannot be combined with other networks (host and none are exclusive)"
        case .staticIPNeedsUserNetwork: return "--ip is only supported on user-defined networks (not on bridge, host or none)"
        case .aliasNeedsUserNetwork: return "--alias is only supported on user-defined networks (not on bridge, host or none)"
        case .containerRunning(let name, let processes):
            return "container '\(name)' has \(processes) running process(es): stop them or use 'rm -f'"
        case .tooManyInterfaces(let name): return "container '\(name)' has no free interface name left"
        case .bridgePortLimit(let network, let bridge):
            return "network '\(network)' has reached the kernel's limit of \(ContainerPlanner.maxPortsPerBridge) ports on bridge \(bridge): put further containers on another network"
        case .hostBindingNotLocal(let ip, let network):
            return "invalid value '\(ip)' for option \(NetworkOptions.hostBindingKey) of network '\(network)': it is not an address of this host (add it to an interface first, or leave the default 0.0.0.0)"
        case .multicastMAC(let mac): return "MAC address \(mac) is a multicast address; a container needs a unicast one"
        case .runtimeAttachmentExists(let containerID, let ifName, let container):
            return "runtime container '\(Names.printable(containerID))' already has interface '\(Names.printable(ifName))' attached "
                + "(bridgectl container '\(container)')"
        case .runtimeNamespaceAttached(let path, let container, let containerID, let ifName):
            return "the runtime's namespace '\(Names.printable(path))' is already attached as bridgectl container '\(container)' "
                + "(runtime container '\(Names.printable(containerID))', interface '\(Names.printable(ifName))'); "
                + "bridgectl attaches a namespace to one network"
        case .publishAddressNotLocal(let ip, let network):
            return "cannot publish on \(ip): it is not an address of this host (option \(NetworkOptions.hostBindingKey) of network '\(network)')"
        case .iptablesForwardPolicyDrop(let name):
            return "network '\(name)' not created: the iptables filter FORWARD policy is DROP (a Docker engine sets it), and it "
                + "would drop what bridgectl's nftables table accepts; use --firewall iptables (it works beside Docker), "
                + "or set the policy with 'iptables -P FORWARD ACCEPT' if nothing on this host needs it"
        case .noBridgeNetfilter(let name):
            return "network '\(name)': enable_icc=false needs br_netfilter (net.bridge.bridge-nf-call-iptables), which this kernel lacks: run 'modprobe br_netfilter'"
        }
    }
}
