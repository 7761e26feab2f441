import ArgumentParser
import Engine
import HostSystem

/// `bridgectl sandbox`: a throwaway host for labs, tests, the demo and the bench. The mechanics
/// (namespaces, mounts, the init) are HostSystem's Sandbox and the executable's hidden
/// `sandbox-worker` roles; this only parses and hands over.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a command as root in a new throwaway host; exit with its status.",
        discussion: """
            The command gets new network, mount, UTS and PID namespaces: only `lo` (up), a private \
            /run (so /run/netns and /run/bridgectl), /etc/netns, a copy-on-write /etc, its own /sys \
            and an empty state root (BRIDGECTL_ROOT). When it exits, everything made inside is gone. \
            With --uplink the sandbox also gets a fake internet: 203.0.113.1/24 behind uplink0 \
            (203.0.113.2) and a default route, answering ping, TCP port 80 and DNS (example.test, \
            internet.test). With no command, an interactive shell.
            """)

    @Flag(help: "Add a fake internet at 203.0.113.1 (ping, TCP port 80, DNS) behind a default route.")
    var uplink = false
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments (default: $SHELL).")
    var command: [String] = []

    /// The command to run inside: what followed the flags (an optional `--` dropped), or the
    /// user's shell.
    var commandToRun: [String] {
        let given = command.first == "--" ? Array(command.dropFirst()) : command
        if !given.isEmpty { return given }
        return [environmentValue("SHELL").flatMap { $0.isEmpty ? nil : $0 } ?? "/bin/sh"]
    }

    /// The hidden init's arguments: the real host's network namespace (which the init refuses to
    /// run in), the uplink choice, then the command.
    func initArguments(outerNetworkNamespace: UInt64?) -> [String] {
        Sandbox.initCommand + (uplink ? ["--uplink"] : [])
            + (outerNetworkNamespace.map { ["--outer-netns", String($0)] } ?? []) + ["--"] + commandToRun
    }

    /// Passthrough capture also takes flags bridgectl does not know: a misspelt --uplink would
    /// otherwise be run as a command.
    func validate() throws {
        if let first = command.first, first.hasPrefix("-"), first != "--" {
            throw ValidationError("Unknown option '\(first)' (put -- before a command that starts with '-')")
        }
    }

    func run() throws {
        guard Privileges.hasNetworkAdminCapabilities() else { throw EngineError.notPrivileged }
        let outer = Files.inode("/proc/self/ns/net")
        let status = try Sandbox.run(initArguments: initArguments(outerNetworkNamespace: outer),
                                     environment: currentEnvironment())
        throw ExitCode(status)
    }
}
