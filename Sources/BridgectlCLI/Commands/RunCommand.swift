import ArgumentParser
import HostSystem
import BridgeModel

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create a container and run a command in it (create + exec).",
        // Docker's `-h` is --hostname here, so help answers to --help only.
        helpNames: [.long])

    @OptionGroup var global: GlobalOptions
    @Option(help: "Container name (default: a generated one).")
    var name: String?
    @Flag(name: .shortAndLong, help: "Run the command in the background and print the container ID.")
    var detach = false
    @Flag(help: "Remove the container when the command exits.")
    var rm = false
    @Option(name: [.short, .customLong("env")], help: ArgumentHelp("Set an environment variable.", valueName: "key=value"))
    var env: [String] = []
    @OptionGroup var flags: ContainerCreateFlags
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments (after --).")
    var command: [String] = []

    /// The command is captured from the first word the parser does not know, and the parser
    /// does not know --help as an option: so `run --help` would run a program named "--help".
    /// Before `--` it can only be a request for help (`run -- --help` still runs "--help").
    func validate() throws {
        if command.first == "--help" { throw CleanExit.helpRequest(self) }
    }

    func run() throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        guard !arguments.isEmpty else { throw ValidationError("run needs a command after --") }
        if detach && rm {
            throw ValidationError("--rm with --detach is not supported: bridgectl runs no daemon to remove the container when the command exits")
        }
        _ = try Parse.keyValues(env, flag: "--env")
        let containerName = name ?? "bridgectl-" + String(ObjectID.random().short.prefix(8))
        let request = try flags.request(name: containerName)
        let publish = try flags.publishSpecs()
        let record: ContainerRecord
        do {
            let session = try global.session(mutating: true)
            record = try session.createContainer(request, networks: flags.networks, publish: publish, dryRun: false).0
            let execution = try session.execute(in: record, arguments: arguments, environment: currentEnvironment() + env,
                                                detached: detach)
            printWarnings(session)
            switch execution {
            case .started:
                print(record.id.hex)
            case .exited(let status):
                if rm { try removeAfterwards(record) }
                throw ExitCode(status)
            }
        }
    }

    private func removeAfterwards(_ record: ContainerRecord) throws {
        let session = try global.session(mutating: true)
        _ = try session.removeContainer(record.id.hex, force: true, dryRun: false)
        printWarnings(session)
    }
}
