import ArgumentParser
import HostSystem

struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command inside a container, exactly as 'ip netns exec' would; exit with its status.")

    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .customLong("env")], help: ArgumentHelp("Set an environment variable.", valueName: "key=value"))
    var env: [String] = []
    @Flag(name: .shortAndLong, help: "Run in the background (new session, output to /dev/null); print its PID.")
    var detach = false
    @Argument(help: "Container name or ID.")
    var container: String
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments (after --).")
    var command: [String] = []

    func run() throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        guard !arguments.isEmpty else { throw ValidationError("exec needs a command after the container name") }
        _ = try Parse.keyValues(env, flag: "--env")
        let session = try global.session(mutating: false)
        let record = try session.container(container)
        let execution = try session.execute(in: record, arguments: arguments, environment: currentEnvironment() + env,
                                            detached: detach)
        printWarnings(session)
        switch execution {
        case .started(let pid): print(pid)
        case .exited(let status): throw ExitCode(status)
        }
    }
}
