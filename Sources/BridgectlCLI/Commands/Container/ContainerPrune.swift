import ArgumentParser

struct ContainerPrune: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove all containers with no process running inside.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions
    @Flag(name: .shortAndLong, help: "Do not prompt for confirmation (bridgectl never prompts).")
    var force = false

    func run() throws {
        let session = try global.session(for: mutation)
        var removed: [String] = []
        let idle = try session.idleContainers()
        let progress = ProgressLine("container prune")
        defer { progress.finish() }
        for container in idle {
            let (_, plan) = try session.removeContainer(container.id.hex, force: false, dryRun: mutation.dryRun)
            if mutation.dryRun { printLines(plan.shellCommands) }
            removed.append(container.name)
            progress.update(removed.count, of: idle.count)
        }
        progress.finish()
        printWarnings(session)
        if !mutation.dryRun && !removed.isEmpty {
            print("Deleted Containers:")
            printLines(removed)
        }
    }
}
