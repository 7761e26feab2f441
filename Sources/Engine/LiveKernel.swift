import Glibc
import BridgeModel
import Planning
import Netlink
import HostSystem
import State

/// Carries out steps for real: libnl for links, addresses and routes; iproute2's recipe for
/// namespaces; atomic files; the state store for records.
public final class LiveKernel: StepExecutor {
    let store: StateStore
    private var hostSocketStorage: NetlinkSocket?
    /// Namespaces this process created or entered: their fd and a netlink socket living inside.
    private var namespaces: [String: (fd: Int32, socket: NetlinkSocket)] = [:]
    private var runDirectoryPrepared = false
    /// Interface indexes already looked up, by namespace ("" for the host) and name: a plan
    /// touches eth0 three times (address, up, route), and each look-up is a netlink round trip.
    private var indexes: [String: [String: Int32]] = [:]
    /// Marks of host links just created, sent with the request that brings each up: the kernel
    /// ignores IFLA_IFALIAS in a creation request, and a request of its own would cost a round trip.
    private var pendingAliases: [String: String] = [:]

    public init(store: StateStore) {
        self.store = store
    }

    deinit {
        for handle in namespaces.values { close(handle.fd) }
    }

    /// The socket of the host's namespace: the main thread never leaves it.
    public func hostSocket() throws -> NetlinkSocket {
        if let socket = hostSocketStorage { return socket }
        let socket = try NetlinkSocket()
        hostSocketStorage = socket
        return socket
    }

    func namespaceHandle(_ name: String) throws -> (fd: Int32, socket: NetlinkSocket) {
        if let handle = namespaces[name] { return handle }
        let handle = try NetworkNamespace.enter(named: name) { try NetlinkSocket() }
        namespaces[name] = (handle.fd, handle.value)
        return namespaces[name]!
    }

    func socket(for namespace: String?) throws -> NetlinkSocket {
        guard let namespace else { return try hostSocket() }
        return try namespaceHandle(namespace).socket
    }

    func index(of link: String, in namespace: String?) throws -> Int32 {
        if let known = indexes[namespace ?? ""]?[link] { return known }
        guard let index = try socket(for: namespace).interfaceIndex(of: link) else {
            throw SystemError("find link \(link)\(namespace.map { " in \($0)" } ?? "")", code: ENODEV)
        }
        indexes[namespace ?? "", default: [:]][link] = index
        return index
    }

    func bridgeIsFull(_ bridge: String) -> Bool {
        ((try? Files.list("/sys/class/net/\(bridge)/brif"))?.count ?? 0) >= ContainerPlanner.maxPortsPerBridge
    }

    public func perform(_ step: Step, tolerant: Bool) throws {
        do {
            try performStrictly(step, tolerant: tolerant)
        } catch let error as NetlinkError where tolerant && (error.isNotFound || error.alreadyExists) {
            return
        } catch let error as SystemError where tolerant && (error.isNotFound || error.alreadyExists || error.code == ENODEV || error.code == ENOTEMPTY) {
            return
        }
    }

    private func performStrictly(_ step: Step, tolerant: Bool) throws {
        switch step {
        case .createBridge(let name, let mtu, let mac, let alias):
            try hostSocket().createBridge(named: name, mtu: mtu, mac: mac)
            pendingAliases[name] = alias
        case .createVethPair(let host, let peer, let namespace, let master, let mtu, let mac, let alias):
            pendingAliases[host] = alias
            let handle = try namespaceHandle(namespace)
            let masterIndex = try index(of: master, in: nil)
            do {
                try hostSocket().createVethPair(host: host, peer: peer, peerNamespaceFD: handle.fd, masterIndex: masterIndex,
                                                mtu: mtu, peerMAC: mac)
            } catch is NetlinkError where bridgeIsFull(master) {
                // The planner counts bridgectl's own endpoints; ports someone else added to the
                // bridge can still fill it, and libnl's word for EXFULL says nothing.
                let network = (try? store.networks())?.first { $0.isBridged && $0.bridgeName == master }
                throw PlanningError.bridgePortLimit(network: network?.name ?? master, bridge: master)
            }
        case .disableIPv6(let link):
            try Sysctl.write(SysctlKey.forInterface("net.ipv6.conf", link, "disable_ipv6"), "1")
        case .addAddress(let address, let link, let namespace):
            try socket(for: namespace).addAddress(address, index: try index(of: link, in: namespace), link: link)
        case .setLinkUp(let link, let namespace):
            let alias = namespace == nil ? pendingAliases.removeValue(forKey: link) : nil
            try socket(for: namespace).setLinkUp(index: try index(of: link, in: namespace), name: link, alias: alias)
        case .addDefaultRoute(let gateway, let link, let namespace):
            try socket(for: namespace).replaceDefaultRoute(via: gateway, index: try index(of: link, in: namespace), link: link)
        case .deleteLink(let name, let namespace):
            indexes[namespace ?? ""]?[name] = nil
            try socket(for: namespace).deleteLink(named: name)
        case .deleteHostLinkInBackground(let name):
            indexes[""]?[name] = nil
            if !LinkRelease.deleteInBackground(named: name) { try hostSocket().deleteLink(named: name) }
        case .createNamespace(let name, let disableIPv6):
            try prepareRunDirectory()
            let sysctls = disableIPv6
                ? Step.namespaceIPv6Keys.map { ($0, "1") } : []
            let handle = try NetworkNamespace.create(named: name, sysctls: sysctls) { try NetlinkSocket() }
            namespaces[name] = (handle.fd, handle.value)
        case .aliasHostNamespace(let name):
            try prepareRunDirectory()
            try NetworkNamespace.aliasHost(named: name)
        case .deleteNamespace(let name), .detachNamespace(let name):
            // Both only unmount and unlink the name: a namespace of bridgectl's own dies with its
            // last reference, a runtime's lives on in the runtime's hands.
            indexes[name] = nil
            if let handle = namespaces.removeValue(forKey: name) { close(handle.fd) }
            try NetworkNamespace.delete(named: name)
        case .attachNamespace(let name, let path):
            try prepareRunDirectory()
            try NetworkNamespace.attach(named: name, from: path)
        case .killProcesses(let namespace):
            try NamespaceProcesses.killAll(inNamespaceAt: NetworkNamespace.path(namespace))
        case .applyRules(let batch):
            try firewallDriver.apply(batch, tolerant: tolerant)
        case .applyNftables(let batch):
            try NftablesDriver.apply(batch, tolerant: tolerant)
        case .putSettings(let settings, _):
            try store.putSettings(settings)
        case .setSysctl(let key, let value):
            try Sysctl.write(key, value)
        case .setHairpin(let link):
            try Files.writeAtomicallyInPlace(HostSnapshot.hairpinPath(link), text: "1")
        case .claimPort(let binding, let container):
            try store.claimPort(binding, container: container)
        case .releasePort(let binding, let container):
            try store.releasePort(binding, container: container)
        case .createDirectory(let path):
            try Files.createDirectory(path)
        case .removeDirectory(let path):
            try Files.removeDirectory(path)
        case .writeFile(let path, let contents, _):
            try Files.writeAtomically(path, text: contents)
        case .removeFile(let path, _):
            try Files.remove(path)
        case .putNetwork(let record, _):
            try store.putNetwork(record)
        case .removeNetwork(let record):
            try store.removeNetwork(record.id)
        case .putContainer(let record, let previous):
            try store.putContainer(record)
            if let previous, previous.name != record.name { try store.removeContainer(previous) }
        case .removeContainer(let record):
            try store.removeContainer(record)
        case .claimAddress(let ip, let network, let container):
            try store.claimAddress(ip, network: network, container: container)
        case .releaseAddress(let ip, let network, let container):
            try store.releaseAddress(ip, network: network, container: container)
        }
    }

    private func prepareRunDirectory() throws {
        guard !runDirectoryPrepared else { return }
        try NetworkNamespace.prepareRunDirectory()
        runDirectoryPrepared = true
    }
}
