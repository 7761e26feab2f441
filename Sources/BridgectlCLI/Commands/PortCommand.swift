import ArgumentParser
import BridgeModel

struct PortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port",
        abstract: "List a container's published ports, as 'docker port' does.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Container name or ID.")
    var container: String
    @Argument(help: "Only this container port, e.g. 80 or 53/udp.")
    var port: String?

    func run() throws {
        let session = try global.session(mutating: false)
        let record = try session.container(container)
        var bindings = record.ports
        if let port {
            let parts = port.split(separator: "/")
            guard let number = UInt16(parts.first ?? ""), parts.count <= 2,
                  let transport = parts.count == 2 ? TransportProtocol(rawValue: String(parts[1])) : .tcp else {
                throw ValidationError("invalid port '\(port)': expected PORT or PORT/PROTO")
            }
            bindings = bindings.filter { $0.containerPort == number && $0.transport == transport }
            guard !bindings.isEmpty else {
                throw CommandFailure("no public port '\(number)/\(transport.rawValue)' published for \(record.name)")
            }
            printLines(bindings.map { "\($0.hostIP):\($0.hostPort)" })
            return
        }
        printLines(bindings.map(\.description))
    }
}
