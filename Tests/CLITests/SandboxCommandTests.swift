import Testing
import ArgumentParser
@testable import BridgectlCLI

/// `bridgectl sandbox` passes the command through untouched: flags before it are the sandbox's,
/// everything from the command on is the command's.
@Suite struct SandboxCommandTests {
    func parse(_ arguments: [String]) throws -> SandboxCommand {
        try #require(try Bridgectl.parseAsRoot(["sandbox"] + arguments) as? SandboxCommand)
    }

    @Test func flagsBeforeTheCommandAreTheSandboxs() throws {
        let sandbox = try parse(["--uplink", "labs/app-network.sh", "-v"])
        #expect(sandbox.uplink)
        #expect(sandbox.commandToRun == ["labs/app-network.sh", "-v"])
    }

    @Test func flagsAfterTheCommandAreTheCommands() throws {
        let sandbox = try parse(["ls", "--uplink"])
        #expect(!sandbox.uplink)
        #expect(sandbox.commandToRun == ["ls", "--uplink"])
    }

    @Test func aDoubleDashEndsTheSandboxsFlags() throws {
        let sandbox = try parse(["--", "bash", "-c", "exit 3"])
        #expect(!sandbox.uplink)
        #expect(sandbox.commandToRun == ["bash", "-c", "exit 3"])
        #expect(try parse(["--uplink", "--", "--help"]).commandToRun == ["--help"])
    }

    @Test func noCommandMeansAShell() throws {
        #expect(try parse([]).commandToRun.count == 1)
        #expect(try parse(["--uplink", "--"]).commandToRun.count == 1)
    }

    @Test func theInitGetsTheOuterNamespaceThenTheCommand() throws {
        let sandbox = try parse(["--uplink", "sh", "-c", "true"])
        #expect(sandbox.initArguments(outerNetworkNamespace: 4026531840) ==
            ["sandbox-worker", "init", "--uplink", "--outer-netns", "4026531840", "--", "sh", "-c", "true"])
        #expect(try parse(["true"]).initArguments(outerNetworkNamespace: nil) == ["sandbox-worker", "init", "--", "true"])
    }

    @Test func unknownSandboxFlagsAreUsageErrors() {
        #expect(throws: (any Error).self) { try Bridgectl.parseAsRoot(["sandbox", "--uplnk", "true"]) }
    }
}
