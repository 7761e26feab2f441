import ArgumentParser
import Engine

struct ContainerCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a container (a named network namespace) and print its ID.",
        // Docker's `-h` is --hostname here, so help answers to --help only.
        helpNames: [.long])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions
    @OptionGroup var flags: ContainerCreateFlags
    @Argument(help: "Container name (also its /run/netns name).")
    var name: String

    func run() throws {
        let request = try flags.request(name: name)
        let publish = try flags.publishSpecs()
        let session = try global.session(for: mutation)
        let (record, plan) = try session.createContainer(request, networks: flags.networks, publish: publish,
                                                         dryRun: mutation.dryRun)
        if mutation.dryRun {
            printLines(plan.shellCommands)
            return
        }
        printWarnings(session)
        print(record.id.hex)
    }
}
