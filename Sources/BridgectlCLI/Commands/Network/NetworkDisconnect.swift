import ArgumentParser
import Engine

struct NetworkDisconnect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disconnect", abstract: "Disconnect a container from a network.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions
    @Flag(name: .shortAndLong, help: "Accepted for Docker compatibility: removal always tolerates devices already gone.")
    var force = false
    @Argument var network: String
    @Argument var container: String

    func run() throws {
        let session = try global.session(for: mutation)
        let plan = try session.disconnect(network: network, container: container, dryRun: mutation.dryRun)
        if mutation.dryRun { printLines(plan.shellCommands) } else { printWarnings(session) }
    }
}
