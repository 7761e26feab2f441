import BridgectlCLI
import Glibc

// `dns serve` and `dns worker` are the resolver's processes, and `sandbox-worker` the sandbox's
// init and fake internet, not user commands: they are dispatched here so that the CLI itself
// never links the server. Run with no arguments and CNI_COMMAND set, the binary is a CNI plugin
// (a runtime runs it so; a person running it bare gets the usage instead): dispatching on the
// variable rather than argv[0] makes any link or copy, whatever its name, a plugin.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty, getenv("CNI_COMMAND") != nil {
    CNIPlugin.main()
} else if arguments.count >= 2, arguments[0] == "dns", ["serve", "worker"].contains(arguments[1]) {
    ResolverCommands.main(Array(arguments.dropFirst()))
} else if arguments.first == "sandbox-worker" {
    SandboxWorkers.main(Array(arguments.dropFirst()))
} else {
    Bridgectl.runAsMain()
}
