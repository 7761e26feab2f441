import HostSystem
import ArgumentParser
import BridgeModel
import Planning

struct NetworkCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a bridge network and print its ID.",
        discussion: """
            Without --subnet, IPAM takes the first free /16 of 172.17-172.31, then a /20 of \
            192.168.0.0/16, skipping subnets used by other networks, host interfaces or host routes \
            (--verbose says which and why).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions

    @Option(name: [.short, .long], help: "Driver to manage the network (only 'bridge').")
    var driver = "bridge"
    @Option(help: "Subnet in CIDR format, e.g. 172.20.0.0/16.")
    var subnet: String?
    @Option(help: "Gateway address (default: first host address of the subnet).")
    var gateway: String?
    @Option(help: "Allocate container addresses from this sub-range (CIDR).")
    var ipRange: String?
    @Option(help: ArgumentHelp("Address IPAM must never hand out.", valueName: "name=ip"))
    var auxAddress: [String] = []
    @Flag(help: "Restrict external access to the network.")
    var `internal` = false
    @Flag(help: "Enable IPv6 (not supported yet).")
    var ipv6 = false
    @Option(name: [.customShort("o"), .customLong("opt")], help: ArgumentHelp("Driver option (Docker's keys).", valueName: "key=value"))
    var opt: [String] = []
    @Option(help: ArgumentHelp("Metadata on the network.", valueName: "key=value"))
    var label: [String] = []
    @Flag(name: .shortAndLong, help: "Say which default subnets were skipped and why.")
    var verbose = false
    @Argument(help: "Network name.")
    var name: String

    func run() throws {
        var aux: [String: IPv4Address] = [:]
        for (key, value) in try Parse.keyValues(auxAddress, flag: "--aux-address") {
            aux[key] = try Parse.ip(value)
        }
        let request = NetworkCreateRequest(
            name: name, driver: driver, subnet: try Parse.subnet(subnet), gateway: try Parse.ip(gateway),
            ipRange: try Parse.subnet(ipRange), auxAddresses: aux, isInternal: `internal`, ipv6: ipv6,
            options: try Parse.keyValues(opt, flag: "--opt"), labels: try Parse.map(label, flag: "--label"))
        let session = try global.session(for: mutation)
        let (record, plan) = try session.createNetwork(request, dryRun: mutation.dryRun)
        if verbose {
            for note in record.ipamNotes { writeStandardError("\(note)\n") }
            writeStandardError("subnet \(record.subnet.map { $0.description } ?? "-") gateway \(record.gateway.map { $0.description } ?? "-")\n")
        }
        if mutation.dryRun { printLines(plan.shellCommands) } else { print(record.id.hex) }
    }
}
