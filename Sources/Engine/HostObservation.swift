import Glibc
import BridgeModel
import Planning
import Netlink
import HostSystem

/// Taking a HostSnapshot: the one place that reads the host back (netlink dumps, /run/netns,
/// /etc/netns, iptables-save, sysctls). Only the parts asked for are read, so a command on the
/// create path pays for one host link dump, not for entering every container's namespace.
extension HostSnapshot {
    /// `containerNamespaces`: the namespaces to enter for `.containerNamespaces`, each on a fresh
    /// thread (the calling thread never leaves the host's namespace). `hostSocket`: the caller's
    /// host netlink socket, to reuse it.
    public static func take(parts: Set<Part>, containerNamespaces names: [String] = [],
                            hostSocket: NetlinkSocket? = nil) throws -> HostSnapshot {
        var snapshot = HostSnapshot(parts: parts)
        let hostParts: Set<Part> = [.hostLinks, .hostAddresses, .hostRoutes, .linkSysctls]
        if !parts.isDisjoint(with: hostParts) {
            let socket = try hostSocket ?? NetlinkSocket()
            snapshot.host = try view(of: socket, addresses: parts.contains(.hostAddresses), routes: parts.contains(.hostRoutes))
        }
        if parts.contains(.namespaces) {
            snapshot.namespaceNames = Set(try Files.list(NetworkNamespace.runDirectory))
        }
        if parts.contains(.etcNetns) {
            for name in try Files.list(EtcFiles.netnsRoot) {
                var files: [String: String] = [:]
                for file in try Files.list(EtcFiles.directory(for: name)) {
                    if let text = try? Files.read("\(EtcFiles.directory(for: name))/\(file)") { files[file] = text }
                }
                snapshot.etcNetns[name] = files
            }
        }
        if parts.contains(.containerNamespaces) {
            for name in names {
                do {
                    let entered = try NetworkNamespace.enter(named: name) {
                        try view(of: try NetlinkSocket(), addresses: true, routes: true)
                    }
                    close(entered.fd)
                    snapshot.containerNamespaces[name] = entered.value
                } catch {
                    snapshot.unreadableNamespaces[name] = "\(error)"
                }
            }
        }
        if parts.contains(.firewall) {
            snapshot.firewall = try firewallDriver.readRules()
        }
        if parts.contains(.forwardingSysctls) {
            for key in forwardingSysctlKeys {
                if let value = try? Sysctl.read(key) { snapshot.sysctls[key] = value }
            }
        }
        if parts.contains(.linkSysctls) {
            let bridges = Set(snapshot.host.links.filter { $0.kind == "bridge" }.map(\.index))
            for link in snapshot.host.links where bridges.contains(link.index) || link.masterIndex.map(bridges.contains) == true {
                for key in linkSysctlKeys(for: link) {
                    if let value = try? Sysctl.read(key) { snapshot.sysctls[key] = value }
                }
                if link.masterIndex != nil, let value = try? Files.read(hairpinPath(link.name)) {
                    snapshot.hairpin[link.name] = value.hasPrefix("1")
                }
            }
        }
        return snapshot
    }

    /// The bridge-port attribute the kernel exposes for hairpin mode.
    static func hairpinPath(_ link: String) -> String { "/sys/class/net/\(link)/brport/hairpin_mode" }

    /// One namespace's links (always: addresses and routes are named by link), addresses, routes.
    static func view(of socket: NetlinkSocket, addresses: Bool, routes: Bool) throws -> NetworkView {
        let links = try socket.links().map { link in
            Link(index: link.index, name: link.name, kind: link.kind, mtu: link.mtu,
                 mac: link.mac.flatMap { $0.count == 6 ? MACAddress(bytes: $0) : nil }, isUp: link.isUp,
                 masterIndex: link.masterIndex, alias: link.alias, peerIndex: link.peerIndex,
                 peerNamespaceID: link.peerNamespaceID)
        }
        var names: [Int32: String] = [:]
        for link in links { names[link.index] = link.name }
        var view = NetworkView(links: links)
        if addresses {
            view.addresses = try socket.ipv4Addresses().map { Address(link: names[$0.index] ?? "?", address: $0.address) }
        }
        if routes {
            view.routes = try socket.ipv4Routes().map { route in
                Route(destination: route.destination, gateway: route.gateway, link: route.index.flatMap { names[$0] })
            }
        }
        return view
    }
}
