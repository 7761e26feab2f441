import ArgumentParser
import Engine
import Planning
import HostSystem

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Rebuild on this host everything bridgectl's state holds (after a reboot or a firewall flush).",
        discussion: """
            Bridges, namespaces (made again empty, under the same names), veths, addresses, \
            routes, /etc/netns files, firewall rules and the DNS resolver: whatever of them is \
            missing or wrong is made again through the journaled applier; what is there is left \
            as it is, so a second run changes nothing. Orphans are left to 'doctor --fix'. \
            scripts/systemd/ has units that run it at boot and after a firewall reload.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var mutation: MutationOptions

    func run() throws {
        let session = try global.session(for: mutation)
        let progress = ProgressLine("restore")
        session.reportProgress(progress.update)
        let report = try session.repair(removingOrphans: false, dryRun: mutation.dryRun)
        progress.finish()
        let needed = report.found.filter { !$0.isOrphan }
        if mutation.dryRun {
            printLines(report.plan.shellCommands)
        } else if report.plan.steps.isEmpty && needed.allSatisfy(\.kind.isPastEvent) {
            print("nothing to restore: the host already holds everything in bridgectl's state")
        } else {
            print("restored \(owners(needed)): \(RepairSummary.changes(report.plan))")
        }
        for line in report.leftAlone { writeStandardError("left alone: \(line)\n") }
        printWarnings(session)
        let remaining = report.remaining.filter { !$0.isOrphan }
        printLines(remaining.map { "still: \($0)" })
        if !remaining.isEmpty { throw ExitCode(1) }
    }

    /// "2 networks (web, db), 3 containers (api, ...)" from what was found missing.
    private func owners(_ drifts: [Drift]) -> String {
        var networks: [String] = [], containers: [String] = [], shared = false
        for drift in drifts {
            switch drift.owner {
            case .network(let name)?: if !networks.contains(name) { networks.append(name) }
            case .container(let name)?: if !containers.contains(name) { containers.append(name) }
            default: shared = true
            }
        }
        func list(_ names: [String], _ noun: String) -> String? {
            guard !names.isEmpty else { return nil }
            let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", and \(names.count - 8) more" : "")
            return "\(names.count) \(noun)\(names.count == 1 ? "" : "s") (\(shown))"
        }
        let parts = [list(networks, "network"), list(containers, "container"), shared ? "shared rules and settings" : nil]
        return parts.compactMap { $0 }.joined(separator: ", ")
    }
}
