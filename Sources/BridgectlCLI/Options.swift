import ArgumentParser
import Glibc
import BridgeModel
import Engine
import HostSystem

/// Flags every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("State directory (default: $BRIDGECTL_ROOT or /var/lib/bridgectl).", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp(
        "Firewall backend for networks this host activates from now on: iptables (default) or nftables; kept in the state root (default: $BRIDGECTL_FIREWALL).",
        valueName: "backend"))
    var firewall: String?

    var sessionOptions: SessionOptions { SessionOptions(root: root, firewall: firewall) }

    func requestedFirewall() throws -> FirewallBackend? { try sessionOptions.requestedFirewall() }

    func session(mutating: Bool, dryRun: Bool = false) throws -> Session {
        try sessionOptions.session(mutating: mutating, dryRun: dryRun)
    }
}

/// What a session is opened with: the flags' values, else their environment variables. Plain
/// values, so the CNI plugin, which has no arguments to parse, opens its session without
/// ArgumentParser's start-up (~1 ms of type look-ups in every ADD and DEL).
struct SessionOptions {
    var root: String?
    var firewall: String?

    var stateRoot: String {
        root ?? environmentValue("BRIDGECTL_ROOT") ?? "/var/lib/bridgectl"
    }

    /// The backend asked for, if any; a bad name is one `Error:` line naming it.
    func requestedFirewall() throws -> FirewallBackend? {
        try (firewall ?? environmentValue("BRIDGECTL_FIREWALL")).map { text throws(ModelError) in try FirewallBackend(parsing: text) }
    }

    /// Opens the store (locked) after the privilege and safety checks every command shares.
    func session(mutating: Bool, dryRun: Bool = false) throws -> Session {
        guard Privileges.hasNetworkAdminCapabilities() else { throw EngineError.notPrivileged }
        // Tests, benches and demos set this so a mistake can never reach the real host's network.
        if let requirement = ThrowawayGuard.requirementHere(environment: environmentValue("BRIDGECTL_REQUIRE_THROWAWAY")),
           Privileges.isInInitialNetworkNamespace() {
            throw EngineError.inInitialNamespace(requirement)
        }
        let failAt = environmentValue("BRIDGECTL_FAIL_AT_STEP").flatMap { Int($0) }
        let requested = try requestedFirewall()
        let session = try Session(root: stateRoot, mutating: mutating, dryRun: dryRun, failAtStep: failAt)
        session.requestedFirewall = requested
        Timing.mark("checks, lock, recovery, built-in networks")
        return session
    }
}

extension GlobalOptions {
    /// The session of a command that changes something: under --dry-run it writes nothing.
    func session(for mutation: MutationOptions) throws -> Session {
        try session(mutating: !mutation.dryRun, dryRun: mutation.dryRun)
    }
}

/// Global flags written before the subcommand (`bridgectl --firewall nftables network create x`),
/// which ArgumentParser only takes after it: each is the same as its environment variable, so
/// they are taken off the front and returned as such. Parsing stops at the first other word.
enum LeadingGlobalOptions {
    static let environmentNames = ["--root": "BRIDGECTL_ROOT", "--firewall": "BRIDGECTL_FIREWALL"]

    static func split(_ arguments: [String]) -> (remaining: [String], environment: [String: String]) {
        var environment: [String: String] = [:]
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = environmentNames[parts[0]] else { break }
            if parts.count == 2 {
                environment[name] = parts[1]
                index += 1
            } else if index + 1 < arguments.endIndex {
                environment[name] = arguments[index + 1]
                index += 2
            } else {
                break // a flag without its value: left for ArgumentParser to report
            }
        }
        return (Array(arguments[index...]), environment)
    }
}

/// Flags of commands that change something.
struct MutationOptions: ParsableArguments {
    @Flag(name: .long, help: "Change nothing; print the equivalent ip/sysctl commands, in order.")
    var dryRun = false
}

func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// The process environment as "K=V" strings, for children spawned in containers.
func currentEnvironment() -> [String] {
    var result: [String] = []
    var pointer = environ
    while let entry = pointer.pointee {
        result.append(String(cString: entry))
        pointer += 1
    }
    return result
}

func printWarnings(_ session: Session) {
    for warning in session.warnings { writeStandardError("Warning: \(warning)\n") }
}

func printLines(_ lines: [String]) {
    if !lines.isEmpty { print(lines.joined(separator: "\n")) }
}

/// Parses typed values from flags so a bad value gives one `Error:` line naming it.
enum Parse {
    static func subnet(_ text: String?) throws -> IPv4Network? {
        try text.map { text throws(ModelError) in try IPv4Network(parsing: text) }
    }

    static func ip(_ text: String?) throws -> IPv4Address? {
        try text.map { text throws(ModelError) in try parseIPv4(text) }
    }

    static func keyValues(_ items: [String], flag: String) throws -> [(key: String, value: String)] {
        try items.map { item throws(ModelError) in try parseKeyValue(item, flag: flag) }
    }

    static func map(_ items: [String], flag: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in try keyValues(items, flag: flag) { result[key] = value }
        return result
    }
}

/// A failure found by a command itself (not a usage mistake): one `Error:` line, exit 1.
struct CommandFailure: UserFacingError {
    let message: String
    init(_ message: String) { self.message = message }
}
