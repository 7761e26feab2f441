import ArgumentParser
import Glibc
import BridgeModel
import HostSystem

/// The root command. Each subcommand lives in its own file under Commands/.
public struct Bridgectl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bridgectl",
        abstract: "Docker's bridge networking, rebuilt from the kernel up: bridges, veths, namespaces, IPAM.",
        discussion: """
            Every change is a plan of steps; --dry-run prints them as the ip/sysctl commands that \
            would do the same by hand. State lives under /var/lib/bridgectl (--root or BRIDGECTL_ROOT).
            """,
        version: "0.1.0",
        subcommands: [NetworkCommand.self, ContainerCommand.self, ExecCommand.self, RunCommand.self, PortCommand.self, DNSCommand.self,
                      DoctorCommand.self, RestoreCommand.self, ExplainCommand.self, TraceCommand.self, SandboxCommand.self])

    public init() {}

    /// Parses, runs, and turns every failure into one `Error: ...` line and exit status 1;
    /// usage errors found while parsing keep ArgumentParser's standard form.
    public static func runAsMain() -> Never {
        var command: ParsableCommand
        do {
            let (arguments, environment) = LeadingGlobalOptions.split(Array(CommandLine.arguments.dropFirst()))
            for (name, value) in environment { setenv(name, value, 1) }
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        Timing.mark("process start and argument parsing")
        do {
            try command.run()
            Timing.mark("command done")
            Glibc.exit(0)
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch let error as ValidationError {
            // A bad value found while running (a --format, a filter): one line naming it, the
            // usage exit status. Parse-time usage errors above keep ArgumentParser's form.
            printError(error)
            Glibc.exit(ExitCode.validationFailure.rawValue)
        } catch let error as CleanExit {
            exit(withError: error)
        } catch where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            // Help, version and completion requests travel as ArgumentParser's own errors.
            exit(withError: error)
        } catch {
            printError(error)
            Glibc.exit(1)
        }
    }

    static func printError(_ error: any Error) {
        let text = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
        writeStandardError("Error: \(text)\n")
    }
}
