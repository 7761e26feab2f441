import CNetlink
import BridgeModel

/// A route-netlink socket. The kernel binds it to the network namespace of the thread that
/// opened it, for its whole life: open it on a thread inside the namespace you want to change,
/// then use it from anywhere. Not Sendable: libnl sockets are not thread-safe.
public final class NetlinkSocket {
    let handle: OpaquePointer

    public init() throws(NetlinkError) {
        guard let socket = nl_socket_alloc() else { throw NetlinkError(operation: "allocate netlink socket", code: -NLE_NOMEM) }
        let result = nl_connect(socket, NETLINK_ROUTE)
        if result < 0 {
            nl_socket_free(socket)
            throw NetlinkError(operation: "connect netlink socket", code: result)
        }
        handle = socket
    }

    deinit { nl_socket_free(handle) }

    // MARK: Links

    /// The interface index of `name`, or nil when there is no such link.
    public func interfaceIndex(of name: String) throws(NetlinkError) -> Int32? {
        var link: OpaquePointer?
        let result = rtnl_link_get_kernel(handle, 0, name, &link)
        if result == -NLE_OBJ_NOTFOUND || result == -NLE_NODEV { return nil }
        try check(result, "look up link \(name)")
        defer { rtnl_link_put(link) }
        return rtnl_link_get_ifindex(link)
    }

    public func createBridge(named name: String, mtu: Int, mac: MACAddress) throws(NetlinkError) {
        let link = rtnl_link_alloc()
        defer { rtnl_link_put(link) }
        try check(rtnl_link_set_type(link, "bridge"), "create bridge \(name)")
        rtnl_link_set_name(link, name)
        rtnl_link_set_mtu(link, UInt32(mtu))
        let address = Self.address(family: AF_PACKET, bytes: mac.bytes)
        rtnl_link_set_addr(link, address)
        nl_addr_put(address)
        try check(rtnl_link_add(handle, link, NLM_F_CREATE | NLM_F_EXCL), "create bridge \(name)")
    }

    /// One request makes the pair: the host end enslaved to `masterIndex` (and left down, for the
    /// caller to configure before it comes up), the peer born inside the namespace behind
    /// `peerNamespaceFD` with its final name and MAC.
    public func createVethPair(host: String, peer: String, peerNamespaceFD: Int32, masterIndex: Int32,
                               mtu: Int, peerMAC: MACAddress) throws(NetlinkError) {
        guard let link = rtnl_link_veth_alloc() else { throw NetlinkError(operation: "create veth \(host)", code: -NLE_NOMEM) }
        defer { rtnl_link_put(link) }
        rtnl_link_set_name(link, host)
        rtnl_link_set_mtu(link, UInt32(mtu))
        rtnl_link_set_master(link, masterIndex)
        let peerLink = rtnl_link_veth_get_peer(link)
        rtnl_link_set_name(peerLink, peer)
        rtnl_link_set_mtu(peerLink, UInt32(mtu))
        let mac = Self.address(family: AF_PACKET, bytes: peerMAC.bytes)
        rtnl_link_set_addr(peerLink, mac)
        nl_addr_put(mac)
        rtnl_link_set_ns_fd(peerLink, peerNamespaceFD)
        rtnl_link_put(peerLink)
        try check(rtnl_link_add(handle, link, NLM_F_CREATE | NLM_F_EXCL), "create veth pair \(host) / \(peer)")
    }

    public func setLinkUp(index: Int32, name: String) throws(NetlinkError) {
        let original = rtnl_link_alloc()
        let change = rtnl_link_alloc()
        defer { rtnl_link_put(original); rtnl_link_put(change) }
        rtnl_link_set_ifindex(original, index)
        cnl_link_set_up(change)
        try check(rtnl_link_change(handle, original, change, 0), "set link \(name) up")
    }

    public func deleteLink(named name: String) throws(NetlinkError) {
        let link = rtnl_link_alloc()
        defer { rtnl_link_put(link) }
        rtnl_link_set_name(link, name)
        try check(rtnl_link_delete(handle, link), "delete link \(name)")
    }


    // MARK: Addresses and routes

    public func addAddress(_ address: InterfaceAddress, index: Int32, link: String) throws(NetlinkError) {
        let addr = rtnl_addr_alloc()
        defer { rtnl_addr_put(addr) }
        rtnl_addr_set_ifindex(addr, index)
        let local = Self.address(family: AF_INET, bytes: address.ip.octets)
        nl_addr_set_prefixlen(local, Int32(address.prefixLength))
        defer { nl_addr_put(local) }
        try check(rtnl_addr_set_local(addr, local), "add address \(address) to \(link)")
        if address.prefixLength < 31 {
            let broadcast = Self.address(family: AF_INET, bytes: address.network.broadcast.octets)
            defer { nl_addr_put(broadcast) }
            try check(rtnl_addr_set_broadcast(addr, broadcast), "add address \(address) to \(link)")
        }
        try check(rtnl_addr_add(handle, addr, 0), "add address \(address) to \(link)")
    }

    /// Adds or replaces the main table's default route.
    public func replaceDefaultRoute(via gateway: IPv4Address, index: Int32, link: String) throws(NetlinkError) {
        let route = rtnl_route_alloc()
        defer { rtnl_route_put(route) }
        rtnl_route_set_family(route, UInt8(AF_INET))
        rtnl_route_set_table(route, UInt32(RT_TABLE_MAIN.rawValue))
        rtnl_route_set_protocol(route, UInt8(RTPROT_STATIC))
        let destination = Self.address(family: AF_INET, bytes: [0, 0, 0, 0])
        nl_addr_set_prefixlen(destination, 0)
        defer { nl_addr_put(destination) }
        try check(rtnl_route_set_dst(route, destination), "add default route via \(gateway)")
        let hop = rtnl_route_nh_alloc()
        let via = Self.address(family: AF_INET, bytes: gateway.octets)
        defer { nl_addr_put(via) }
        rtnl_route_nh_set_gateway(hop, via)
        rtnl_route_nh_set_ifindex(hop, index)
        rtnl_route_add_nexthop(route, hop)
        try check(rtnl_route_add(handle, route, NLM_F_CREATE | NLM_F_REPLACE), "add default route via \(gateway) dev \(link)")
    }

    /// Every IPv4 address on this namespace's links, with the link's name (from `linkNamesByIndex`).
    public func ipv4Addresses(linkNames names: [Int32: String]) throws(NetlinkError) -> [(link: String, address: InterfaceAddress)] {
        var cache: OpaquePointer?
        try check(rtnl_addr_alloc_cache(handle, &cache), "list addresses")
        defer { nl_cache_free(cache) }
        var result: [(link: String, address: InterfaceAddress)] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            if rtnl_addr_get_family(current) == AF_INET, let local = rtnl_addr_get_local(current),
               let ip = Self.ipv4(local) {
                let prefix = Int(rtnl_addr_get_prefixlen(current))
                result.append((names[rtnl_addr_get_ifindex(current)] ?? "?", InterfaceAddress(ip: ip, prefixLength: prefix)))
            }
            object = nl_cache_get_next(current)
        }
        return result
    }

    /// The main table's IPv4 routes (destination and outgoing link), default route excluded.
    public func ipv4Routes(linkNames names: [Int32: String]) throws(NetlinkError) -> [(destination: IPv4Network, link: String?)] {
        var cache: OpaquePointer?
        try check(rtnl_route_alloc_cache(handle, AF_INET, 0, &cache), "list routes")
        defer { nl_cache_free(cache) }
        var result: [(destination: IPv4Network, link: String?)] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            defer { object = nl_cache_get_next(current) }
            guard rtnl_route_get_table(current) == UInt32(RT_TABLE_MAIN.rawValue),
                  let destination = rtnl_route_get_dst(current), let ip = Self.ipv4(destination) else { continue }
            let prefix = Int(nl_addr_get_prefixlen(destination))
            guard prefix > 0 else { continue }
            var link: String?
            if rtnl_route_get_nnexthops(current) > 0, let hop = rtnl_route_nexthop_n(current, 0) {
                link = names[rtnl_route_nh_get_ifindex(hop)]
            }
            result.append((IPv4Network(containing: ip, prefixLength: prefix), link))
        }
        return result
    }

    /// Every link of this namespace by interface index: one dump.
    public func linkNamesByIndex() throws(NetlinkError) -> [Int32: String] {
        var cache: OpaquePointer?
        try check(rtnl_link_alloc_cache(handle, AF_UNSPEC, &cache), "list links")
        defer { nl_cache_free(cache) }
        var names: [Int32: String] = [:]
        var object = nl_cache_get_first(cache)
        while let current = object {
            if let name = rtnl_link_get_name(current) { names[rtnl_link_get_ifindex(current)] = String(cString: name) }
            object = nl_cache_get_next(current)
        }
        return names
    }

    // MARK: Address conversion

    static func address(family: Int32, bytes: [UInt8]) -> OpaquePointer? {
        var copy = bytes
        return copy.withUnsafeMutableBytes { nl_addr_build(family, $0.baseAddress, $0.count) }
    }

    static func ipv4(_ address: OpaquePointer) -> IPv4Address? {
        guard nl_addr_get_family(address) == AF_INET, nl_addr_get_len(address) == 4,
              let raw = nl_addr_get_binary_addr(address) else { return nil }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        return IPv4Address(UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3]))
    }
}
