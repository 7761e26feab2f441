import ArgumentParser
import BridgeModel
import Planning

/// The flags `container create` and `run` share.
struct ContainerCreateFlags: ParsableArguments {
    @Option(name: [.customLong("network"), .customLong("net")], help: "Network to attach (repeatable; eth0, eth1, ... in order). Default: bridge.")
    var networks: [String] = []
    @Option(help: "IPv4 address on the first network.")
    var ip: String?
    @Option(name: [.customLong("alias"), .customLong("network-alias")], help: "Network-scoped alias (user-defined networks).")
    var aliases: [String] = []
    @Option(name: [.customShort("h"), .long], help: "Hostname inside the container (default: its name).")
    var hostname: String?
    @Option(help: "DNS server for the container's resolv.conf (repeatable).")
    var dns: [String] = []
    @Option(help: "DNS search domain (repeatable).")
    var dnsSearch: [String] = []
    @Option(help: ArgumentHelp("Extra /etc/hosts entry (repeatable).", valueName: "name:ip|name:host-gateway"))
    var addHost: [String] = []
    @Option(name: [.customShort("p"), .long], help: ArgumentHelp("Publish a port: [HOSTIP:][HOSTPORT:]CPORT[/tcp|udp], ranges allowed.", valueName: "spec"))
    var publish: [String] = []

    func publishSpecs() throws -> [PublishSpec] {
        try publish.map { text throws(ModelError) in try PublishSpec(parsing: text) }
    }

    func request(name: String) throws -> ContainerCreateRequest {
        ContainerCreateRequest(
            name: name, requestedIP: try Parse.ip(ip), aliases: aliases, hostname: hostname,
            dns: try dns.map { text throws(ModelError) in try parseIPv4(text) },
            dnsSearch: dnsSearch,
            extraHosts: try addHost.map { text throws(ModelError) in try ExtraHost(parsing: text) })
    }
}
