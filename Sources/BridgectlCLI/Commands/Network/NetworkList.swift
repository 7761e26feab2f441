import HostSystem
import ArgumentParser
import BridgeModel
import Engine
import Templates

struct NetworkList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List networks.", aliases: ["list"])

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Only display network IDs.")
    var quiet = false
    @Option(help: "Output format: table or json.")
    var format = "table"
    @Option(name: [.short, .long], help: ArgumentHelp("Filter: name=X (substring), id=PREFIX, driver=X.", valueName: "filter"))
    var filter: [String] = []
    @Flag(help: "Do not truncate IDs.")
    var noTrunc = false

    func run() throws {
        let session = try global.session(mutating: false)
        let filters = try Parse.keyValues(filter, flag: "--filter")
        let (readable, corrupt) = try session.networkListing()
        // Other commands skip an unreadable network record; ls says so, and still succeeds.
        for record in corrupt { writeStandardError("Warning: \(EngineError.corruptNetwork(record).message)\n") }
        let networks = readable.filter { network in
            filters.allSatisfy { key, value in
                switch key {
                case "name": return network.name.contains(value)
                case "id": return network.id.hex.hasPrefix(value)
                case "driver": return network.driver == value
                default: return false
                }
            }
        }.sorted { $0.name < $1.name }
        if let unknown = filters.first(where: { !["name", "id", "driver"].contains($0.key) }) {
            throw ValidationError("invalid filter '\(unknown.key)'")
        }
        if quiet {
            printLines(networks.map { noTrunc ? $0.id.hex : $0.id.short })
            return
        }
        switch format {
        case "table":
            var table = Table(["NETWORK ID", "NAME", "DRIVER", "SCOPE"])
            for network in networks {
                table.append([noTrunc ? network.id.hex : network.id.short, network.name, network.driver, network.scope])
            }
            print(table.render())
        case "json":
            for network in networks {
                print(JSONValue.object([
                    "ID": .string(network.id.short), "Name": .string(network.name), "Driver": .string(network.driver),
                    "Scope": .string(network.scope), "Internal": .string(String(network.isInternal)),
                    "IPv6": .string("false"), "CreatedAt": .string(network.created),
                    "Labels": .string(network.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")),
                ]).compact)
            }
        default:
            throw ValidationError("invalid --format '\(format)': expected table or json")
        }
    }
}
