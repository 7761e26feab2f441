import ArgumentParser

struct NetworkRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove networks.", aliases: ["remove"])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions
    @Argument(help: "Network names or IDs.")
    var networks: [String]

    /// Like Docker: every name is tried; the first failure decides the exit status.
    func run() throws {
        let session = try global.session(for: mutation)
        var firstError: (any Error)?
        for reference in networks {
            do {
                let (record, plan) = try session.removeNetwork(reference, dryRun: mutation.dryRun)
                if mutation.dryRun { printLines(plan.shellCommands) } else { print(record.name) }
            } catch {
                if firstError == nil { firstError = error } else { Bridgectl.printError(error) }
            }
        }
        if let firstError { throw firstError }
    }
}
