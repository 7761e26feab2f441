import ArgumentParser
import BridgeModel
import Templates

struct ContainerList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List containers.", aliases: ["list", "ps"])

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Only display container IDs.")
    var quiet = false
    @Option(help: "Output format: table or json.")
    var format = "table"
    @Flag(help: "Do not truncate IDs.")
    var noTrunc = false

    func run() throws {
        let session = try global.session(mutating: false)
        let containers = try session.containers()
        if quiet {
            printLines(containers.map { noTrunc ? $0.id.hex : $0.id.short })
            return
        }
        let networks = Dictionary(uniqueKeysWithValues: try session.networks().map { ($0.id, $0.name) })
        func networkNames(_ container: ContainerRecord) -> String {
            container.mode == .bridged ? container.endpoints.map { networks[$0.networkID] ?? "?" }.joined(separator: ",")
                                       : container.mode.rawValue
        }
        switch format {
        case "table":
            var table = Table(["CONTAINER ID", "NAMES", "NETWORKS", "IP ADDRESSES"])
            for container in containers {
                table.append([noTrunc ? container.id.hex : container.id.short, container.name, networkNames(container),
                              container.endpoints.map { $0.interfaceAddress.description }.joined(separator: ",")])
            }
            print(table.render())
        case "json":
            for container in containers {
                print(JSONValue.object([
                    "ID": .string(container.id.short), "Names": .string(container.name),
                    "Networks": .string(networkNames(container)), "CreatedAt": .string(container.created),
                    "IPAddresses": .string(container.endpoints.map { $0.address.description }.joined(separator: ",")),
                ]).compact)
            }
        default:
            throw ValidationError("invalid --format '\(format)': expected table or json")
        }
    }
}
