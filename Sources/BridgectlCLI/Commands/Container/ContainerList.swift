import HostSystem
import ArgumentParser
import BridgeModel
import State
import Engine
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

    /// What the NETWORKS column shows for a container whose record cannot be read.
    static let corruptMarker = "(corrupt record)"

    func run() throws {
        let session = try global.session(mutating: false)
        let (containers, corrupt) = try session.containerListing()
        // Like Docker's ls, listing succeeds: an unreadable record is a warning naming it and a
        // row with its ID and name, so `rm -f $(ls -q)` still removes everything.
        for record in corrupt { writeStandardError("Warning: \(EngineError.corruptContainer(record).message)\n") }
        if quiet {
            printLines(containers.map { noTrunc ? $0.id.hex : $0.id.short } + corrupt.map { noTrunc ? $0.id.hex : $0.id.short })
            return
        }
        let networks = Dictionary(uniqueKeysWithValues: try session.networks().map { ($0.id, $0.name) })
        func networkNames(_ container: ContainerRecord) -> String {
            container.mode == .bridged ? container.endpoints.map { networks[$0.networkID] ?? "?" }.joined(separator: ",")
                                       : container.mode.rawValue
        }
        // As `docker ps` shows them: "0.0.0.0:8000-8002->80-82/tcp, 127.0.0.1:9090->80/tcp".
        func ports(_ container: ContainerRecord) -> String {
            PortBinding.joined(container.ports).map(\.mapping).joined(separator: ", ")
        }
        // Containers a runtime made through the CNI plugin: the runtime's ID for them, cut as
        // Docker cuts IDs, and where the runtime keeps their namespace. The columns appear only
        // when there is such a container, so a host without runtimes lists as before.
        let showRuntime = containers.contains { $0.runtime != nil }
        func runtimeID(_ container: ContainerRecord) -> String {
            guard let id = container.runtime?.containerID else { return "" }
            return noTrunc ? id : String(id.prefix(12))
        }
        switch format {
        case "table":
            var table = Table(["CONTAINER ID", "NAMES", "NETWORKS", "IP ADDRESSES", "PORTS"]
                              + (showRuntime ? ["RUNTIME ID", "NETNS"] : []))
            for container in containers {
                table.append([noTrunc ? container.id.hex : container.id.short, container.name, networkNames(container),
                              container.endpoints.map { $0.interfaceAddress.description }.joined(separator: ","),
                              ports(container)]
                             + (showRuntime ? [runtimeID(container), container.runtime?.netnsPath ?? ""] : []))
            }
            for record in corrupt {
                table.append([noTrunc ? record.id.hex : record.id.short, record.name ?? "?", Self.corruptMarker, "", ""]
                             + (showRuntime ? ["", ""] : []))
            }
            print(table.render())
        case "json":
            for container in containers {
                var fields: [(String, JSONValue)] = [
                    ("ID", .string(container.id.short)), ("Names", .string(container.name)),
                    ("Networks", .string(networkNames(container))), ("CreatedAt", .string(container.created)),
                    ("IPAddresses", .string(container.endpoints.map { $0.address.description }.joined(separator: ","))),
                    ("Ports", .string(ports(container))),
                ]
                if let runtime = container.runtime {
                    fields += [("RuntimeID", .string(runtime.containerID)), ("Netns", .string(runtime.netnsPath))]
                }
                print(JSONValue.object(fields).compact)
            }
            for record in corrupt {
                print(JSONValue.object([
                    "ID": .string(record.id.short), "Names": .string(record.name ?? ""), "Networks": .string(Self.corruptMarker),
                    "CreatedAt": .string(""), "IPAddresses": .string(""), "Ports": .string(""),
                ]).compact)
            }
        default:
            throw ValidationError("invalid --format '\(format)': expected table or json")
        }
    }
}
