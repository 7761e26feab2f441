import ArgumentParser
import Engine
import Templates

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Compare the host with bridgectl's state and say what drifted (exit 1 when something did).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format: text or json.")
    var format = "text"
    @Argument(help: "A network or container name or ID (default: everything, orphans included).")
    var scope: String?

    func run() throws {
        guard ["text", "json"].contains(format) else {
            throw ValidationError("invalid --format '\(format)': expected text or json")
        }
        let drifts = try global.session(mutating: false).doctor(scope: scope)
        if format == "json" {
            print(JSONValue.array(drifts.map { drift in
                .object([
                    "Owner": drift.owner.map { .string("\($0)") } ?? .null,
                    "Kind": .string(drift.kindName),
                    "Orphan": .bool(drift.isOrphan),
                    "Message": .string(drift.description),
                ])
            }).pretty())
        } else if drifts.isEmpty {
            print("no drift: the host matches bridgectl's state\(scope.map { " for \($0)" } ?? "")")
        } else {
            printLines(drifts.map(\.description))
        }
        if !drifts.isEmpty { throw ExitCode(1) }
    }
}
