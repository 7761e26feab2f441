import ArgumentParser

struct ContainerRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove containers.", aliases: ["remove"])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions
    @Flag(name: .shortAndLong, help: "Also kill the processes running inside.")
    var force = false
    @Argument(help: "Container names or IDs.")
    var containers: [String]

    func run() throws {
        let session = try global.session(for: mutation)
        var firstError: (any Error)?
        for reference in containers {
            do {
                let (record, plan) = try session.removeContainer(reference, force: force, dryRun: mutation.dryRun)
                if mutation.dryRun {
                    printLines(plan.shellCommands)
                } else {
                    print(record.name)
                }
            } catch {
                if firstError == nil { firstError = error } else { Bridgectl.printError(error) }
            }
        }
        printWarnings(session)
        if let firstError { throw firstError }
    }
}
