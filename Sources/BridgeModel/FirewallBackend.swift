/// Which kernel interface holds bridgectl's firewall: iptables (the default: what Docker and the
/// course material show, and what coexists with a Docker engine) or a native nftables table,
/// where publishing a port is one map element. One backend per host (state root), chosen when
/// the first network is activated and kept in `settings.json`.
public enum FirewallBackend: String, Codable, Sendable, CaseIterable {
    case iptables, nftables

    public init(parsing text: String) throws(ModelError) {
        guard let backend = FirewallBackend(rawValue: text.lowercased()) else {
            throw ModelError.invalidFirewall(text)
        }
        self = backend
    }
}

/// Host-wide choices kept in the state root (`ROOT/settings.json`); a person may write it by
/// hand before the first network, e.g. `{"firewall":"nftables"}`.
public struct HostSettings: Codable, Equatable, Sendable {
    public var firewall: FirewallBackend

    public init(firewall: FirewallBackend) { self.firewall = firewall }
}
