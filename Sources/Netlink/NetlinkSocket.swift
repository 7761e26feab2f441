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

    /// `alias` (IFLA_IFALIAS) rides in the same request: the kernel ignores an alias given when
    /// a link is created, and a separate change would cost another round trip per link.
    public func setLinkUp(index: Int32, name: String, alias: String? = nil) throws(NetlinkError) {
        let original = rtnl_link_alloc()
        let change = rtnl_link_alloc()
        defer { rtnl_link_put(original); rtnl_link_put(change) }
        rtnl_link_set_ifindex(original, index)
        cnl_link_set_up(change)
        if let alias { rtnl_link_set_ifalias(change, alias) }
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

    /// Every IPv4 address on this namespace's links, by interface index.
    public func ipv4Addresses() throws(NetlinkError) -> [(index: Int32, address: InterfaceAddress)] {
        let cache = try dump("list addresses") { rtnl_addr_alloc_cache(handle, &$0) }
        defer { nl_cache_free(cache) }
        var result: [(index: Int32, address: InterfaceAddress)] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            if rtnl_addr_get_family(current) == AF_INET, let local = rtnl_addr_get_local(current),
               let ip = Self.ipv4(local) {
                let prefix = Int(rtnl_addr_get_prefixlen(current))
                result.append((rtnl_addr_get_ifindex(current), InterfaceAddress(ip: ip, prefixLength: prefix)))
            }
            object = nl_cache_get_next(current)
        }
        return result
    }

    /// A main-table IPv4 route: the default route has prefix length 0.
    public struct Route: Sendable {
        public var destination: IPv4Network
        public var gateway: IPv4Address?
        public var index: Int32?
    }

    /// The main table's IPv4 routes, the default route included.
    public func ipv4Routes() throws(NetlinkError) -> [Route] {
        let cache = try dump("list routes") { rtnl_route_alloc_cache(handle, AF_INET, 0, &$0) }
        defer { nl_cache_free(cache) }
        var result: [Route] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            defer { object = nl_cache_get_next(current) }
            guard rtnl_route_get_table(current) == UInt32(RT_TABLE_MAIN.rawValue),
                  let destination = rtnl_route_get_dst(current) else { continue }
            let prefix = Int(nl_addr_get_prefixlen(destination))
            // The kernel gives the default route an empty destination.
            let ip = prefix == 0 ? IPv4Address(0) : Self.ipv4(destination)
            guard let ip else { continue }
            var route = Route(destination: IPv4Network(containing: ip, prefixLength: prefix))
            if rtnl_route_get_nnexthops(current) > 0, let hop = rtnl_route_nexthop_n(current, 0) {
                route.index = rtnl_route_nh_get_ifindex(hop)
                if let gateway = rtnl_route_nh_get_gateway(hop) { route.gateway = Self.ipv4(gateway) }
            }
            result.append(route)
        }
        return result
    }

    /// What `ip -d link` says of a link that bridgectl cares about.
    public struct Link: Sendable {
        public var index: Int32
        public var name: String
        /// IFLA_INFO_KIND: "bridge", "veth", ...; nil for a plain device.
        public var kind: String?
        public var mtu: Int
        public var mac: [UInt8]?
        public var isUp: Bool
        public var masterIndex: Int32?
        public var alias: String?
        /// For a veth: its peer's index, in the namespace `peerNamespaceID` names (nil: this one).
        public var peerIndex: Int32?
        public var peerNamespaceID: Int32?
    }

    /// Every link of this namespace: one dump.
    public func links() throws(NetlinkError) -> [Link] {
        let cache = try dump("list links") { rtnl_link_alloc_cache(handle, AF_UNSPEC, &$0) }
        defer { nl_cache_free(cache) }
        var result: [Link] = []
        var object = nl_cache_get_first(cache)
        while let current = object {
            defer { object = nl_cache_get_next(current) }
            guard let name = rtnl_link_get_name(current) else { continue }
            var link = Link(index: rtnl_link_get_ifindex(current), name: String(cString: name), kind: nil,
                            mtu: Int(rtnl_link_get_mtu(current)), mac: nil, isUp: cnl_link_is_up(current) != 0)
            link.kind = rtnl_link_get_type(current).map { String(cString: $0) }
            if let address = rtnl_link_get_addr(current), let raw = nl_addr_get_binary_addr(address) {
                let count = Int(nl_addr_get_len(address))
                link.mac = Array(UnsafeRawBufferPointer(start: raw, count: count))
            }
            let master = rtnl_link_get_master(current)
            link.masterIndex = master > 0 ? master : nil
            link.alias = rtnl_link_get_ifalias(current).map { String(cString: $0) }
            let peer = rtnl_link_get_link(current)
            if peer > 0 && peer != link.index { link.peerIndex = peer }
            var namespaceID: Int32 = 0
            if rtnl_link_get_link_netnsid(current, &namespaceID) == 0 { link.peerNamespaceID = namespaceID }
            result.append(link)
        }
        return result
    }

    /// A dump into a fresh cache, taken again if the kernel reports it interrupted.
    func dump(_ what: String, _ allocate: (inout OpaquePointer?) -> Int32) throws(NetlinkError) -> OpaquePointer {
        try Self.retryingInterruptedDump { () throws(NetlinkError) -> OpaquePointer in
            var cache: OpaquePointer?
            let result = allocate(&cache)
            if result >= 0, let cache { return cache }
            if let cache { nl_cache_free(cache) }
            throw NetlinkError(operation: what, code: result < 0 ? result : -NLE_NOMEM)
        }
    }

    /// A dump the kernel reports as interrupted by a concurrent change (NLE_DUMP_INTR) may be
    /// inconsistent, so it is taken again, a bounded number of times: a host busy enough to
    /// interrupt every attempt gets an error, never a silently inconsistent picture.
    static func retryingInterruptedDump<T>(attempts: Int = 5, _ take: () throws(NetlinkError) -> T) throws(NetlinkError) -> T {
        var attempt = 1
        while true {
            do {
                return try take()
            } catch where error.dumpInterrupted && attempt < attempts {
                attempt += 1
            }
        }
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
