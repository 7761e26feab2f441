import BridgeModel

/// Published ports listen on a host address: it must be one of this host's unicast addresses.
/// A DNAT rule for any other address matches nothing, and the bind probe that finds host
/// processes would report it as taken (EADDRNOTAVAIL is not EADDRINUSE), hiding the real reason.
public enum HostAddressCheck {
    /// `isLocal` says whether the host has the address (a bind probe). Multicast, class E and the
    /// broadcast address bind too, but nothing can be published on them.
    public static func isHostAddress(_ ip: IPv4Address, isLocal: (IPv4Address) -> Bool) -> Bool {
        ip.value < 0xE000_0000 && isLocal(ip)
    }

    /// `-o com.docker.network.bridge.host_binding_ipv4=ADDR` at `network create`: refused at once
    /// rather than at the first `-p`, as no port could ever be published with it.
    public static func checkHostBinding(_ options: NetworkOptions, network: String,
                                        isLocal: (IPv4Address) -> Bool) throws(PlanningError) {
        let ip = options.hostBindingIPv4
        if ip != .any && !isHostAddress(ip, isLocal: isLocal) {
            throw .hostBindingNotLocal(ip, network: network)
        }
    }

    /// Every address the specs would listen on: their own `HOSTIP`, else the network's
    /// host_binding_ipv4 (which may have left the host since the network was made).
    public static func checkPublish(_ specs: [PublishSpec], network: NetworkRecord,
                                    isLocal: (IPv4Address) -> Bool) throws {
        for spec in specs {
            if let ip = spec.hostIP {
                if ip != .any && !isHostAddress(ip, isLocal: isLocal) { throw PortError.notLocalAddress(ip) }
            } else {
                let ip = network.options.hostBindingIPv4
                if ip != .any && !isHostAddress(ip, isLocal: isLocal) {
                    throw PlanningError.publishAddressNotLocal(ip, network: network.name)
                }
            }
        }
    }
}
