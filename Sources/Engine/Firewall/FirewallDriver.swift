import Planning
import HostSystem

/// The firewall's tools behind one small interface: every read of the rules and every rule batch
/// goes through here, so the rest of Engine names no firewall command (a second backend, such as
/// nftables, is a second driver).
protocol FirewallDriver: Sendable {
    /// bridgectl's view of the rules the kernel holds now.
    func readRules() throws -> FirewallObservation
    /// Applies the batch entirely or not at all. When tolerating (undo, recovery), a refused batch
    /// is retried rule by rule, skipping rules that are already gone or already there.
    func apply(_ batch: RuleBatch, tolerant: Bool) throws
}

/// The driver in use.
let firewallDriver: any FirewallDriver = IptablesDriver()

struct IptablesDriver: FirewallDriver {
    func readRules() throws -> FirewallObservation {
        let save = try Subprocess.run(["iptables-save"])
        guard save.status == 0 else { throw FirewallError(command: "iptables-save", stderr: save.errors) }
        return FirewallObservation(iptablesSave: save.output)
    }

    func apply(_ batch: RuleBatch, tolerant: Bool) throws {
        guard !batch.isEmpty else { return }
        let restore = ["iptables-restore", "-w", "--noflush"]
        let result = try Subprocess.run(restore, input: batch.restoreInput)
        guard result.status != 0 else { return }
        if tolerant {
            for op in batch.ops {
                _ = try? Subprocess.run(restore, input: RuleBatch([op]).restoreInput)
            }
            return
        }
        throw FirewallError(command: "iptables-restore", stderr: result.errors)
    }
}

public struct FirewallError: Error, CustomStringConvertible {
    public let command: String
    public let stderr: String
    public var description: String {
        let first = stderr.split(whereSeparator: \.isNewline).first.map(String.init) ?? "failed"
        return "\(command): \(first)"
    }
}
