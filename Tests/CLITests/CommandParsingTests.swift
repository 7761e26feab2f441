import Testing
import ArgumentParser
@testable import BridgectlCLI

/// Parsing needs no root: these check the Docker-style flags reach the commands as given.
@Suite struct CommandParsingTests {
    @Test func networkCreateTakesDockerFlags() throws {
        let command = try Bridgectl.parseAsRoot([
            "network", "create", "--subnet", "10.1.0.0/24", "--gateway", "10.1.0.254", "--ip-range", "10.1.0.128/25",
            "--aux-address", "router=10.1.0.2", "--internal", "-o", "com.docker.network.driver.mtu=1400",
            "--label", "env=lab", "--dry-run", "lab"])
        let create = try #require(command as? NetworkCreate)
        #expect(create.name == "lab")
        #expect(create.subnet == "10.1.0.0/24")
        #expect(create.auxAddress == ["router=10.1.0.2"])
        #expect(create.internal)
        #expect(create.opt == ["com.docker.network.driver.mtu=1400"])
        #expect(create.mutation.dryRun)
    }

    @Test func containerCreateRepeatsNetworks() throws {
        let command = try Bridgectl.parseAsRoot([
            "container", "create", "web", "--network", "a", "--network", "b", "--alias", "www",
            "--add-host", "db:10.0.0.5", "--dns", "9.9.9.9"])
        let create = try #require(command as? ContainerCreate)
        #expect(create.flags.networks == ["a", "b"])
        #expect(create.flags.aliases == ["www"])
        #expect(try create.flags.request(name: "web").extraHosts.count == 1)
    }

    @Test func execPassesTheCommandThrough() throws {
        let command = try Bridgectl.parseAsRoot(["exec", "-e", "A=1", "client", "--", "ping", "-c1", "172.18.0.2"])
        let exec = try #require(command as? ExecCommand)
        #expect(exec.container == "client")
        #expect(exec.env == ["A=1"])
        #expect(exec.command.drop(while: { $0 == "--" }) == ["ping", "-c1", "172.18.0.2"])
    }

    @Test func explainTakesAScopeAndAFormat() throws {
        let command = try #require(try Bridgectl.parseAsRoot(["explain", "web", "--format", "mermaid"]) as? ExplainCommand)
        #expect(command.scope == "web")
        #expect(command.format == "mermaid")
        #expect(try Bridgectl.parseAsRoot(["explain"]) is ExplainCommand)
        // Refused at parse time in one line, with no usage after it (a ValidationError would add one).
        do {
            _ = try Bridgectl.parseAsRoot(["explain", "--format", "png"])
            Issue.record("--format png was accepted")
        } catch {
            #expect(Bridgectl.fullMessage(for: error) == "Error: invalid --format 'png': expected text, dot, mermaid, svg")
        }
    }

    @Test func dockerAliasesWork() throws {
        #expect(try Bridgectl.parseAsRoot(["network", "list"]) is NetworkList)
        #expect(try Bridgectl.parseAsRoot(["network", "remove", "x"]) is NetworkRemove)
        #expect(try Bridgectl.parseAsRoot(["container", "ps"]) is ContainerList)
    }

    @Test func unknownFlagIsAUsageError() {
        #expect(throws: (any Error).self) { try Bridgectl.parseAsRoot(["network", "create", "--nope", "x"]) }
    }

    /// Issue #7: `-h` was claimed by both --hostname and --help in `container create` and `run`.
    @Test(arguments: [["container", "create", "-h", "web", "c1"], ["container", "create", "c1", "-h", "web"]])
    func shortHIsTheHostnameInContainerCreate(arguments: [String]) throws {
        let create = try #require(try Bridgectl.parseAsRoot(arguments) as? ContainerCreate)
        #expect(create.flags.hostname == "web")
    }

    @Test func shortHIsTheHostnameInRun() throws {
        let run = try #require(try Bridgectl.parseAsRoot(["run", "-h", "web", "--", "true"]) as? RunCommand)
        #expect(run.flags.hostname == "web")
        #expect(run.command == ["--", "true"])
    }

    /// Whether parsing ends in help: ArgumentParser answers a help flag with its own help
    /// command, and a command's own `CleanExit.helpRequest` travels as an error with exit code 0.
    func asksForHelp(_ arguments: [String]) -> Bool {
        do {
            let command = try Bridgectl.parseAsRoot(arguments)
            return String(describing: type(of: command)) == "HelpCommand"
        } catch {
            return Bridgectl.exitCode(for: error) == .success && Bridgectl.fullMessage(for: error).contains("USAGE: bridgectl")
        }
    }

    @Test(arguments: [["container", "create", "--help"], ["run", "--help"], ["run", "--name", "x", "--help"],
                      ["-h"], ["--help"], ["network", "create", "-h"], ["container", "-h"], ["exec", "--help"]])
    func helpIsPrinted(arguments: [String]) {
        #expect(asksForHelp(arguments))
    }

    /// The help of these two lists --help alone: -h belongs to --hostname.
    @Test(arguments: [ContainerCreate.self, RunCommand.self] as [any ParsableCommand.Type])
    func helpNamesAreUnambiguous(command: any ParsableCommand.Type) {
        let text = Bridgectl.helpMessage(for: command)
        #expect(text.contains("-h, --hostname <hostname>"))
        #expect(!text.contains("-h, --help"))
        #expect(text.contains("--help"))
    }

    /// After `--` (or a command word) --help belongs to the command being run.
    @Test(arguments: [["run", "--", "--help"], ["run", "ls", "--help"]])
    func helpAfterTheCommandIsTheCommands(arguments: [String]) throws {
        let run = try #require(try Bridgectl.parseAsRoot(arguments) as? RunCommand)
        #expect(run.command.last == "--help")
    }

    @Test func bareShortHInContainerCreateWantsAHostname() {
        #expect(!asksForHelp(["container", "create", "-h"]))
        #expect(throws: (any Error).self) { try Bridgectl.parseAsRoot(["container", "create", "-h"]) }
    }
}

/// `bridgectl --firewall nftables network create x`: global flags before the subcommand.
@Suite struct LeadingGlobalOptionsTests {
    @Test func leadingGlobalFlagsBecomeTheirEnvironment() {
        let split = LeadingGlobalOptions.split(["--firewall", "nftables", "--root=/tmp/r", "network", "create", "--firewall", "x", "n"])
        #expect(split.remaining == ["network", "create", "--firewall", "x", "n"])
        #expect(split.environment == ["BRIDGECTL_FIREWALL": "nftables", "BRIDGECTL_ROOT": "/tmp/r"])
    }

    @Test func parsingStopsAtTheFirstOtherWord() {
        #expect(LeadingGlobalOptions.split(["network", "ls"]).environment.isEmpty)
        #expect(LeadingGlobalOptions.split(["--firewall"]).remaining == ["--firewall"])
    }

    @Test func theFlagAfterTheSubcommandIsParsedToo() throws {
        let command = try Bridgectl.parseAsRoot(["network", "create", "--firewall", "nftables", "lab"])
        let create = try #require(command as? NetworkCreate)
        #expect(try create.global.requestedFirewall() == .nftables)
    }
}
