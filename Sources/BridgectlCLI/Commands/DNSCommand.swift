import ArgumentParser
import DNSServer
import HostSystem
import Engine

struct DNSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "The embedded DNS resolver (127.0.0.11 in containers on user-defined networks).",
        subcommands: [DNSStatus.self, DNSLog.self, DNSServe.self, DNSWorker.self])
}

struct DNSStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the resolver process, the namespaces it serves and its counters.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        _ = try global.session(mutating: false)
        guard let reply = ControlChannel.request("status", at: ResolverProcess.controlPath(root: global.stateRoot)) else {
            if let pid = ResolverProcess.runningPID(root: global.stateRoot) {
                throw CommandFailure("the DNS resolver (pid \(pid)) is not answering (stopped or stalled)")
            }
            print("not running (it starts with the first container on a user-defined network)")
            return
        }
        print("running")
        print(reply)
    }
}

struct DNSLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Show recent queries: who asked, what, the answer or upstream, how long.")
    @OptionGroup var global: GlobalOptions
    @Option(name: [.customShort("n"), .customLong("tail")], help: "How many queries (newest last).")
    var count = 50

    func run() throws {
        _ = try global.session(mutating: false)
        guard let reply = ControlChannel.request("log \(count)", at: ResolverProcess.controlPath(root: global.stateRoot)) else {
            throw CommandFailure("the DNS resolver is not running (it starts with the first container on a user-defined network)")
        }
        if !reply.isEmpty { print(reply) }
    }
}

/// The resolver process itself; bridgectl starts it, people need not.
struct DNSServe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the resolver in the foreground.",
                                                    shouldDisplay: false)
    @OptionGroup var global: GlobalOptions

    func run() throws {
        guard Privileges.hasNetworkAdminCapabilities() else { throw EngineError.notPrivileged }
        guard try ResolverSupervisor.run(root: global.stateRoot) else {
            let holder = ResolverProcess.runningPID(root: global.stateRoot).map { " (pid \($0))" } ?? ""
            writeStandardError("dns serve: another resolver\(holder) already serves \(global.stateRoot)\n")
            return
        }
    }
}

/// One resolver worker, started and restarted by `dns serve`.
struct DNSWorker: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Serve DNS under `dns serve`.",
                                                    shouldDisplay: false)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The supervising `dns serve` process.") var supervisor: Int32
    @Option(help: "Workers started before this one.") var restarts = 0
    @Option(help: "How the previous worker ended.") var lastExit: String?

    func run() throws {
        guard Privileges.hasNetworkAdminCapabilities() else { throw EngineError.notPrivileged }
        try ResolverServer.serveAsWorker(root: global.stateRoot,
                                         history: .init(supervisor: supervisor, restarts: restarts, lastExit: lastExit))
    }
}
