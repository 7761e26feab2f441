import BridgectlCLI

// `dns serve` and `dns worker` are the resolver's processes, and `sandbox-worker` the sandbox's
// init and fake internet, not user commands: they are dispatched here so that the CLI itself
// never links the server.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.count >= 2, arguments[0] == "dns", ["serve", "worker"].contains(arguments[1]) {
    ResolverCommands.main(Array(arguments.dropFirst()))
} else if arguments.first == "sandbox-worker" {
    SandboxWorkers.main(Array(arguments.dropFirst()))
} else {
    Bridgectl.runAsMain()
}
