import ArgumentParser
import BridgeModel
import Templates

struct NetworkInspect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show networks as Docker-shaped JSON.")

    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .long], help: "json (default) or a Go template, e.g. '{{(index .IPAM.Config 0).Gateway}}'.")
    var format: String?
    @Argument(help: "Network names or IDs.")
    var networks: [String]

    func run() throws {
        let session = try global.session(mutating: false)
        var documents: [JSONValue] = []
        for reference in networks {
            let network = try session.network(reference)
            documents.append(InspectDocuments.network(network, containers: try session.containers(on: network)))
        }
        try printDocuments(documents, format: format)
    }
}

/// Prints inspect documents: the JSON array, or each document through a template.
func printDocuments(_ documents: [JSONValue], format: String?) throws {
    guard let format, format != "json" else {
        print(JSONValue.array(documents).pretty())
        return
    }
    let template = try GoTemplate(parsing: format)
    for document in documents { print(try template.render(document)) }
}
