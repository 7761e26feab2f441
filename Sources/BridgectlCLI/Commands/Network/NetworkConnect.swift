import ArgumentParser
import Engine

struct NetworkConnect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "connect", abstract: "Connect a container to a network.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions
    @Option(help: "IPv4 address on the network.")
    var ip: String?
    @Option(help: "Network-scoped alias for the container.")
    var alias: [String] = []
    @Argument var network: String
    @Argument var container: String

    func run() throws {
        let requested = try Parse.ip(ip)
        let session = try global.session(for: mutation)
        let plan = try session.connect(network: network, container: container, requestedIP: requested,
                                       aliases: alias, dryRun: mutation.dryRun)
        if mutation.dryRun { printLines(plan.shellCommands) } else {
            printWarnings(session)
        }
    }
}
