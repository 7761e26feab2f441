import ArgumentParser
import Engine
import Planning
import HostSystem
import Templates

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Compare the host with bridgectl's state and say what drifted (exit 1 when something did).",
        discussion: """
            --fix repairs what drifted through the ordinary journaled applier and removes orphans \
            (objects bridgectl marked as its own that no record accounts for); it never touches a \
            link, rule or chain that is not bridgectl's. With --dry-run it prints the repair as \
            commands and changes nothing. Exit status after --fix: 0 when the host then matches.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions
    @Flag(help: "Repair what drifted and remove bridgectl's orphans.")
    var fix = false
    @Option(help: "Output format: text or json.")
    var format = "text"
    @Argument(help: "A network or container name or ID (default: everything, orphans included).")
    var scope: String?

    func run() throws {
        guard ["text", "json"].contains(format) else {
            throw ValidationError("invalid --format '\(format)': expected text or json")
        }
        guard fix || mutation.dryRun else {
            let drifts = try global.session(mutating: false).doctor(scope: scope)
            printReport(drifts)
            if !drifts.isEmpty { throw ExitCode(1) }
            return
        }
        let session = try global.session(for: mutation)
        let progress = ProgressLine("doctor --fix")
        session.reportProgress(progress.update)
        let report = try session.repair(scope: scope, removingOrphans: true, dryRun: mutation.dryRun)
        progress.finish()
        if format == "json" {
            print(JSONValue.object([
                "Found": driftsJSON(report.found),
                "Repair": .array(report.plan.shellCommands.map(JSONValue.string)),
                "LeftAlone": .array(report.leftAlone.map(JSONValue.string)),
                "Remaining": driftsJSON(report.remaining),
            ]).pretty())
        } else {
            printLines(report.found.map(\.description))
            if mutation.dryRun {
                printLines(report.plan.shellCommands)
            } else if !report.found.isEmpty {
                print("fixed: \(RepairSummary.changes(report.plan))")
            }
            for line in report.leftAlone { writeStandardError("left alone: \(line)\n") }
            printWarnings(session)
            if !mutation.dryRun {
                if report.remaining.isEmpty {
                    print("no drift: the host matches bridgectl's state\(scope.map { " for \($0)" } ?? "")")
                } else {
                    printLines(report.remaining.map { "still: \($0)" })
                }
            }
        }
        let drifted = mutation.dryRun ? !report.found.isEmpty : !report.remaining.isEmpty
        if drifted { throw ExitCode(1) }
    }

    private func printReport(_ drifts: [Drift]) {
        if format == "json" {
            print(driftsJSON(drifts).pretty())
        } else if drifts.isEmpty {
            print("no drift: the host matches bridgectl's state\(scope.map { " for \($0)" } ?? "")")
        } else {
            printLines(drifts.map(\.description))
        }
    }

    private func driftsJSON(_ drifts: [Drift]) -> JSONValue {
        .array(drifts.map { drift in
            .object([
                "Owner": drift.owner.map { .string("\($0)") } ?? .null,
                "Kind": .string(drift.kindName),
                "Orphan": .bool(drift.isOrphan),
                "Message": .string(drift.description),
            ])
        })
    }
}

/// How a repair reads in one line.
enum RepairSummary {
    static func changes(_ plan: Plan) -> String {
        let count = plan.shellCommands.count
        return "\(count) change\(count == 1 ? "" : "s") (journaled; --dry-run shows them as commands)"
    }
}
