import BridgeModel

/// One change to the kernel, the filesystem or bridgectl's state. Plain data, so the same value
/// is printed by `--dry-run`, written to the journal before it runs, and undone after a failure
/// or a crash.
public enum Step: Codable, Equatable, Sendable {
    // Links and addresses. `namespace` nil means the host's namespace.
    /// The MAC is set explicitly: a bridge left to choose takes its lowest port's MAC and changes
    /// it as ports come and go, leaving containers with stale ARP entries for their gateway.
    /// `alias` marks the link as bridgectl's (IFLA_IFALIAS, `ip link` shows it): only marked
    /// links are ever called orphans, since names alone (br-<12 hex>) are Docker's scheme too.
    case createBridge(name: String, mtu: Int, mac: MACAddress, alias: String? = nil)
    case createVethPair(host: String, peer: String, namespace: String, master: String, mtu: Int, peerMAC: MACAddress,
                        alias: String? = nil)
    case disableIPv6(link: String)
    case addAddress(InterfaceAddress, link: String, namespace: String?)
    case setLinkUp(link: String, namespace: String?)
    case addDefaultRoute(via: IPv4Address, link: String, namespace: String)
    case deleteLink(name: String, namespace: String?)
    /// A host link deleted without waiting for the kernel's RCU grace periods (~15-20 ms a
    /// device): the host end of a runtime container's veth, whose peer lives on in the
    /// runtime's namespace (a namespace of bridgectl's own takes its veths with it for free).
    /// Only for names nothing makes again at once.
    case deleteHostLinkInBackground(name: String)

    // Namespaces. A new namespace starts with IPv6 off unless asked, so new bridge ports send no
    // DAD/MLD multicast that the bridge would flood to every other port (O(N²) with N containers).
    case createNamespace(name: String, disableIPv6: Bool)
    /// `--network host`: the host's own namespace, bind-mounted under the container's name.
    case aliasHostNamespace(name: String)
    case deleteNamespace(name: String)
    /// A runtime's namespace (CNI_NETNS: any path, a bind mount or /proc/PID/ns/net)
    /// bind-mounted under the container's name, as `ip netns attach` does for a PID: everything
    /// that works by name (the resolver, doctor, explain, exec) then works on it unchanged.
    case attachNamespace(name: String, path: String)
    /// Undoes `attachNamespace`: unmounts and unlinks the name only. The runtime's namespace
    /// lives on while the runtime holds it; its processes are never touched.
    case detachNamespace(name: String)
    case killProcesses(namespace: String)

    // Firewall and kernel parameters.
    case applyRules(RuleBatch)
    /// One nftables transaction on bridgectl's own table (the nftables backend).
    case applyNftables(NftBatch)
    /// Host-namespace sysctl; never undone (as with Docker, forwarding stays on once needed).
    case setSysctl(key: String, value: String)
    /// Lets a container reach its own published port through the host (hairpin NAT).
    case setHairpin(link: String)

    // Files under /etc/netns.
    case createDirectory(path: String)
    case removeDirectory(path: String)
    case writeFile(path: String, contents: String, previous: String?)
    case removeFile(path: String, previous: String?)

    // bridgectl's own records (not shown by --dry-run: they are bookkeeping, not host changes).
    case putNetwork(NetworkRecord, previous: NetworkRecord?)
    case removeNetwork(NetworkRecord)
    case putContainer(ContainerRecord, previous: ContainerRecord?)
    case removeContainer(ContainerRecord)
    case claimAddress(IPv4Address, network: ObjectID, container: ObjectID)
    case releaseAddress(IPv4Address, network: ObjectID, container: ObjectID)
    case claimPort(PortBinding, container: ObjectID)
    case releasePort(PortBinding, container: ObjectID)
    /// The host's settings file; nil removes it.
    case putSettings(HostSettings?, previous: HostSettings?)

    /// The step that takes this one back, or nil when nothing needs undoing (an address goes
    /// with its link; a removal cannot be taken back and is rolled forward instead).
    public var inverse: Step? {
        switch self {
        case .createBridge(let name, _, _, _): return .deleteLink(name: name, namespace: nil)
        case .createVethPair(let host, _, _, _, _, _, _): return .deleteLink(name: host, namespace: nil)
        case .createNamespace(let name, _), .aliasHostNamespace(let name): return .deleteNamespace(name: name)
        case .attachNamespace(let name, _): return .detachNamespace(name: name)
        case .createDirectory(let path): return .removeDirectory(path: path)
        case .writeFile(let path, let contents, let previous):
            if let previous { return .writeFile(path: path, contents: previous, previous: contents) }
            return .removeFile(path: path, previous: contents)
        case .removeFile(let path, let previous):
            return previous.map { .writeFile(path: path, contents: $0, previous: nil) }
        case .putNetwork(let record, let previous):
            if let previous { return .putNetwork(previous, previous: record) }
            return .removeNetwork(record)
        case .putContainer(let record, let previous):
            if let previous { return .putContainer(previous, previous: record) }
            return .removeContainer(record)
        case .claimAddress(let ip, let network, let container):
            return .releaseAddress(ip, network: network, container: container)
        case .claimPort(let binding, let container):
            return .releasePort(binding, container: container)
        case .applyRules(let batch):
            let inverse = batch.inverse
            return inverse.isEmpty ? nil : .applyRules(inverse)
        case .applyNftables(let batch):
            let inverse = batch.inverse
            return inverse.isEmpty ? nil : .applyNftables(inverse)
        case .putSettings(let settings, let previous):
            return .putSettings(previous, previous: settings)
        case .disableIPv6, .addAddress, .setLinkUp, .addDefaultRoute, .deleteLink, .deleteHostLinkInBackground,
             .deleteNamespace, .detachNamespace,
             .killProcesses, .removeDirectory, .removeNetwork, .removeContainer, .releaseAddress,
             .setSysctl, .setHairpin, .releasePort:
            return nil
        }
    }

    /// True for state-store steps, which have no shell equivalent.
    public var isBookkeeping: Bool {
        switch self {
        case .putNetwork, .removeNetwork, .putContainer, .removeContainer, .claimAddress, .releaseAddress,
             .claimPort, .releasePort, .putSettings: return true
        default: return false
        }
    }
}

/// An ordered list of steps and what to do if it is interrupted.
public struct Plan: Codable, Equatable, Sendable {
    public enum Interruption: String, Codable, Sendable {
        /// Creations: undo what was done, in reverse, so nothing half-made remains.
        case rollBack
        /// Removals: finish the job; every removal step tolerates what is already gone.
        case rollForward
    }

    public var summary: String
    public var steps: [Step]
    public var onInterruption: Interruption
    /// For removals: what to re-plan from the records if the process dies midway.
    public var redoIntent: RedoIntent?

    public init(summary: String, steps: [Step] = [], onInterruption: Interruption, redoIntent: RedoIntent? = nil) {
        self.summary = summary; self.steps = steps; self.onInterruption = onInterruption; self.redoIntent = redoIntent
    }

}

extension Step {
    /// What `createNamespace(disableIPv6: true)` turns off: IPv6 on the namespace's interfaces,
    /// those there now and those made later.
    public static let namespaceIPv6Keys = ["all", "default"].map { SysctlKey.forInterface("net.ipv6.conf", $0, "disable_ipv6") }
}
