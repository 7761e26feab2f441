import ArgumentParser

struct NetworkPrune: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove all networks no container uses.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions
    @Flag(name: .shortAndLong, help: "Do not prompt for confirmation (bridgectl never prompts).")
    var force = false

    func run() throws {
        let session = try global.session(for: mutation)
        let unused = try session.unusedNetworks()
        var removed: [String] = []
        let progress = ProgressLine("network prune")
        defer { progress.finish() }
        for network in unused {
            let (_, plan) = try session.removeNetwork(network.id.hex, dryRun: mutation.dryRun)
            if mutation.dryRun { printLines(plan.shellCommands) }
            removed.append(network.name)
            progress.update(removed.count, of: unused.count)
        }
        progress.finish()
        if !mutation.dryRun && !removed.isEmpty {
            print("Deleted Networks:")
            printLines(removed)
        }
    }
}
