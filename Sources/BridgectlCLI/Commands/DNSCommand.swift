import ArgumentParser
import FoundationEssentials
import Engine
import ResolverControl

struct DNSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "The embedded DNS resolver (127.0.0.11 in containers on user-defined networks).",
        subcommands: [DNSStatus.self, DNSLog.self])
}

struct DNSStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the resolver process, the namespaces it serves and its counters.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format: text or json.")
    var format = "text"

    func run() throws {
        guard ["text", "json"].contains(format) else {
            throw ValidationError("invalid --format '\(format)': expected text or json")
        }
        switch try global.session(mutating: false).resolverState() {
        case .running(let status):
            if format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
                return
            }
            print("running")
            printLines(ResolverStatusText.lines(status))
        case .notRunning:
            print(format == "json" ? "null" : "not running (it starts with the first container on a user-defined network)")
        case .notAnswering(let reason):
            throw CommandFailure(reason)
        }
    }
}

struct DNSLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Show recent queries: who asked, what, the answer or upstream, how long.")
    @OptionGroup var global: GlobalOptions
    @Option(name: [.customShort("n"), .customLong("tail")], help: "How many queries (newest last).")
    var count = 50

    func run() throws {
        guard let lines = try global.session(mutating: false).resolverLog(count: count) else {
            throw CommandFailure("the DNS resolver is not running (it starts with the first container on a user-defined network)")
        }
        printLines(lines)
    }
}
