import BridgeModel

/// The files `ip netns exec` bind-mounts over /etc inside a container: /etc/netns/NAME/{hosts,
/// resolv.conf,hostname}. Pure text templates.
public enum EtcFiles {
    public static let netnsRoot = "/etc/netns"

    public static func directory(for container: String) -> String { "\(netnsRoot)/\(container)" }
    /// Everything bridgectl ever writes in a container's directory.
    public static let fileNames: Set<String> = ["hosts", "resolv.conf", "hostname"]
    public static func hostsPath(for container: String) -> String { "\(directory(for: container))/hosts" }
    public static func resolvConfPath(for container: String) -> String { "\(directory(for: container))/resolv.conf" }
    public static func hostnamePath(for container: String) -> String { "\(directory(for: container))/hostname" }

    /// Docker's /etc/hosts: loopback names, then `--add-host` entries, then the container's own
    /// addresses under its hostname (and its name, when they differ).
    public static func hosts(for container: ContainerRecord, gatewayOfFirstNetwork: IPv4Address?) -> String {
        var lines = [
            "127.0.0.1\tlocalhost",
            "::1\tlocalhost ip6-localhost ip6-loopback",
            "fe00::0\tip6-localnet",
            "ff00::0\tip6-mcastprefix",
            "ff02::1\tip6-allnodes",
            "ff02::2\tip6-allrouters",
        ]
        for extra in container.extraHosts {
            switch extra.target {
            case .address(let ip): lines.append("\(ip)\t\(extra.name)")
            case .hostGateway:
                // Without a bridged network there is no gateway; Docker would use the default
                // bridge's, which a none/host container cannot reach either, so loopback stands in.
                lines.append("\(gatewayOfFirstNetwork ?? .loopback)\t\(extra.name)")
            }
        }
        let names = container.hostname == container.name ? container.name : "\(container.hostname) \(container.name)"
        for endpoint in container.endpoints {
            lines.append("\(endpoint.address)\t\(names)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A parsed /etc/resolv.conf: only what a container's copy needs.
    public struct ResolverConfig: Equatable, Sendable {
        public var nameservers: [String] = []
        public var search: [String] = []
        public var options: [String] = []
        public init() {}

        public init(parsing text: String) {
            for line in text.split(whereSeparator: \.isNewline) {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard let keyword = fields.first, !keyword.hasPrefix("#"), !keyword.hasPrefix(";") else { continue }
                switch keyword {
                case "nameserver" where fields.count >= 2: nameservers.append(fields[1])
                case "search", "domain": search = Array(fields.dropFirst())
                case "options": options += fields.dropFirst()
                default: continue
                }
            }
        }
    }

    /// Docker's fallback when the host has no nameserver a container can reach.
    public static let fallbackNameservers = ["8.8.8.8", "8.8.4.4"]

    /// The container's resolv.conf until the embedded DNS serves it: the host's IPv4 upstreams
    /// minus loopback ones (unreachable from another namespace, as IPv6 ones are from an
    /// IPv4-only container), `--dns` replacing them when given.
    /// The embedded resolver's address inside every container on a user-defined network.
    public static let embeddedResolver = "127.0.0.11"

    /// The container's resolv.conf. On user-defined networks (`embedded`) it points at the
    /// embedded resolver, with ndots:0 so single-label container names go to it first, as
    /// Docker writes it; `--dns` then only changes where that resolver forwards.
    public static func resolvConf(host: ResolverConfig, dns: [IPv4Address], dnsSearch: [String], embedded: Bool = false) -> String {
        if embedded {
            let search = searchDomains(host: host, dnsSearch: dnsSearch)
            var lines: [String] = []
            if !search.isEmpty { lines.append("search " + search.joined(separator: " ")) }
            lines.append("nameserver \(embeddedResolver)")
            lines.append("options ndots:0")
            return lines.joined(separator: "\n") + "\n"
        }
        return copiedResolvConf(host: host, dns: dns, dnsSearch: dnsSearch)
    }

    static func copiedResolvConf(host: ResolverConfig, dns: [IPv4Address], dnsSearch: [String]) -> String {
        var nameservers = dns.isEmpty
            ? host.nameservers.filter { IPv4Address($0).map { $0.octets[0] != 127 } ?? false }
            : dns.map(\.description)
        if nameservers.isEmpty { nameservers = fallbackNameservers }
        let search = searchDomains(host: host, dnsSearch: dnsSearch)
        var lines: [String] = []
        if !search.isEmpty { lines.append("search " + search.joined(separator: " ")) }
        lines += nameservers.map { "nameserver \($0)" }
        if !host.options.isEmpty { lines.append("options " + host.options.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--dns-search` replaces the host's list; `--dns-search .` replaces it with nothing, as in Docker.
    static func searchDomains(host: ResolverConfig, dnsSearch: [String]) -> [String] {
        dnsSearch.isEmpty ? host.search : dnsSearch.filter { $0 != Names.noSearchDomains }
    }

    public static func hostname(for container: ContainerRecord) -> String { container.hostname + "\n" }
}
