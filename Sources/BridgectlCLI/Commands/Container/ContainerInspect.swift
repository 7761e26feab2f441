import ArgumentParser
import BridgeModel
import HostSystem
import Templates

struct ContainerInspect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show containers as Docker-shaped JSON.")

    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .long], help: "json (default) or a Go template, e.g. '{{.NetworkSettings.Networks}}'.")
    var format: String?
    @Argument(help: "Container names or IDs.")
    var containers: [String]

    func run() throws {
        let session = try global.session(mutating: false)
        let networks = Dictionary(uniqueKeysWithValues: try session.networks().map { ($0.id, $0) })
        var documents: [JSONValue] = []
        for reference in containers {
            let container = try session.container(reference)
            documents.append(InspectDocuments.container(container, networks: networks, pids: try session.processes(in: container)))
        }
        try printDocuments(documents, format: format)
    }
}
