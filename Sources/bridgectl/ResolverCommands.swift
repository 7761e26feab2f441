import ArgumentParser
import Glibc
import DNSServer
import Engine
import HostSystem
import ResolverControl

/// The resolver's own processes. They live in the executable, beside the CLI, so that neither
/// the CLI nor Engine links the server; bridgectl starts them, people need not.
struct ResolverCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridgectl dns", shouldDisplay: false, subcommands: [Serve.self, Worker.self])

    /// Like the CLI's --root: the state root whose containers are served.
    struct Root: ParsableArguments {
        @Option(help: "State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).") var root: String?
        var stateRoot: String { root ?? getenv("BRIDGECTL_ROOT").map { String(cString: $0) } ?? "/var/lib/bridgectl" }
    }

    /// The supervisor: holds the lock, runs and restarts the worker.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the resolver in the foreground.")
        @OptionGroup var root: Root

        func run() throws {
            guard Privileges.hasNetworkAdminCapabilities() else { throw EngineError.notPrivileged }
            guard try ResolverSupervisor.run(root: root.stateRoot) else {
                let holder = ResolverProcess.runningPID(root: root.stateRoot).map { " (pid \($0))" } ?? ""
                writeStandardError("dns serve: another resolver\(holder) already serves \(root.stateRoot)\n")
                return
            }
        }
    }

    /// One resolver worker, started and restarted by `dns serve`.
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "worker", abstract: "Serve DNS under `dns serve`.")
        @OptionGroup var root: Root
        @Option(help: "The supervising `dns serve` process.") var supervisor: Int32
        @Option(help: "Workers started before this one.") var restarts = 0
        @Option(help: "How the previous worker ended.") var lastExit: String?

        func run() throws {
            guard Privileges.hasNetworkAdminCapabilities() else { throw EngineError.notPrivileged }
            try ResolverServer.serveAsWorker(root: root.stateRoot,
                                             history: .init(supervisor: supervisor, restarts: restarts, lastExit: lastExit))
        }
    }
}
