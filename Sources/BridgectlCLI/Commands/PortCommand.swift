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
        // One line per port, as Docker prints even a published range.
        let bindings = record.ports.flatMap(\.singlePorts)
        if let port {
            let parts = port.split(separator: "/")
            guard let number = UInt16(parts.first ?? ""), parts.count <= 2,
                  let transport = parts.count == 2 ? TransportProtocol(rawValue: String(parts[1])) : .tcp else {
                throw ValidationError("invalid port '\(port)': expected PORT or PORT/PROTO")
            }
            let matching = bindings.filter { $0.containerPort == number && $0.transport == transport }
            guard !matching.isEmpty else {
                throw CommandFailure("no public port '\(number)/\(transport.rawValue)' published for \(record.name)")
            }
            printLines(matching.map { "\($0.hostIP):\($0.hostPort)" })
            return
        }
        printLines(bindings.map(\.description))
    }
}
