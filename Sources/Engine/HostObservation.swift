import Glibc
import BridgeModel
import Planning
import Netlink
import Nftables
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
            Timing.mark("host links, addresses, routes read")
        }
        if parts.contains(.namespaces) {
            snapshot.namespaceNames = Set(try Files.list(NetworkNamespace.runDirectory))
            Timing.mark("/run/netns listed")
        }
        if parts.contains(.etcNetns) {
            for name in try Files.list(EtcFiles.netnsRoot) {
                var files: [String: String] = [:]
                for file in try Files.list(EtcFiles.directory(for: name)) {
                    if let text = try? Files.read("\(EtcFiles.directory(for: name))/\(file)") { files[file] = text }
                }
                snapshot.etcNetns[name] = files
            }
            Timing.mark("/etc/netns read")
        }
        if parts.contains(.containerNamespaces) {
            let views = NetworkNamespace.enterEach(named: names) { try view(of: try NetlinkSocket(), addresses: true, routes: true) }
            for (name, result) in views {
                switch result {
                case .success(let view): snapshot.containerNamespaces[name] = view
                case .failure(let error): snapshot.unreadableNamespaces[name] = "\(error)"
                }
            }
            Timing.mark("\(names.count) container namespaces read")
        }
        if parts.contains(.firewall) {
            snapshot.firewall = try firewallDriver.readRules()
            Timing.mark("firewall read")
        }
        if parts.contains(.nftables) {
            snapshot.nftables = try NftTableReader().read()
            Timing.mark("nftables table read")
        }
        if parts.contains(.forwardingSysctls) {
            for key in forwardingSysctlKeys {
                if let value = try? Sysctl.read(key) { snapshot.sysctls[key] = value }
            }
        }
        if parts.contains(.linkSysctls) {
            let bridges = Set(snapshot.host.links.filter { $0.kind == "bridge" }.map(\.index))
            let confDirectories = [DirectoryReader("/proc/sys/net/ipv6/conf"), DirectoryReader("/proc/sys/net/ipv4/conf")]
            let classNet = DirectoryReader("/sys/class/net")
            defer { confDirectories.forEach { $0.close() }; classNet.close() }
            for link in snapshot.host.links where bridges.contains(link.index) || link.masterIndex.map(bridges.contains) == true {
                for key in linkSysctlKeys(for: link) {
                    let path = SysctlKey.procPath(key)
                    let reader = confDirectories.first { $0.holds(path) } ?? classNet
                    // The first line, as Sysctl.read gives it.
                    if let value = reader.read(path)?.split(separator: "\n").first.map(String.init) {
                        snapshot.sysctls[key] = value
                    }
                }
                if link.masterIndex != nil, let value = classNet.read(hairpinPath(link.name)) {
                    snapshot.hairpin[link.name] = value.hasPrefix("1")
                }
            }
            Timing.mark("sysctls and hairpin read")
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

/// Reads files below one directory through a descriptor opened once, so each read walks only
/// the path below it. Each network namespace has its own /proc/sys/net subtree, and the dcache
/// keeps their directories side by side under one parent with the same names, so with N
/// container namespaces every walk from `/` compares against N entries (proc_sys_compare):
/// reading 2 keys per container that way cost ~70 ms at N = 1000. A path outside the directory,
/// or a directory that cannot be opened, is read as usual. Like `try? Files.read`, any failure
/// reads as nil.
private struct DirectoryReader {
    let directory: String
    let descriptor: Int32

    init(_ directory: String) {
        self.directory = directory
        descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    func holds(_ path: String) -> Bool { path.hasPrefix(directory + "/") }

    func read(_ path: String) -> String? {
        guard descriptor >= 0, holds(path) else { return (try? Files.read(path)) ?? nil }
        let fd = openat(descriptor, String(path.dropFirst(directory.count + 1)), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }
}
