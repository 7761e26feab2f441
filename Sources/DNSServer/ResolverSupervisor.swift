import Glibc
import CLinux
import HostSystem
import ResolverControl

/// `bridgectl dns serve`: holds the resolver's lifetime lock and keeps one worker process
/// (`dns worker`, the `ResolverServer`) running. A worker killed or crashed is started again at
/// once, so containers get answers back within a second with no bridgectl command run; a worker
/// that keeps failing at start is retried with a growing pause (up to 5 s), never in a busy
/// loop. The supervisor does nothing else, so there is little in it that can fail.
public enum ResolverSupervisor {
    /// A worker that lived less than this is counted as failing at start.
    static let quickExitNanoseconds: UInt64 = 1_000_000_000
    static let longestPauseNanoseconds: UInt64 = 5_000_000_000

    /// What the worker's status reports about earlier workers.
    public struct History: Sendable {
        public var supervisor: pid_t
        public var restarts: Int
        public var lastExit: String?
        public init(supervisor: pid_t, restarts: Int, lastExit: String?) {
            self.supervisor = supervisor; self.restarts = restarts; self.lastExit = lastExit
        }
    }

    /// Runs until a worker stops on purpose (no namespace left to serve). False when another
    /// supervisor already serves `root`.
    public static func run(root: String) throws -> Bool {
        try Files.createDirectory(ResolverProcess.runtimeDirectory, mode: 0o700)
        guard let lock = try ProcessLock.acquire(path: ResolverProcess.lifetimeLockPath(root: root)) else { return false }
        defer { lock.removeFile() }
        signal(SIGPIPE, SIG_IGN)
        var history = History(supervisor: getpid(), restarts: 0, lastExit: nil)
        var quickFailures = 0
        while true {
            let started = Clock.monotonicNanoseconds()
            let pid = try spawnWorker(root: root, history: history)
            let status = try NamespaceExec.wait(for: pid)
            if status == 0 { return true }
            let lived = Clock.monotonicNanoseconds() - started
            history.restarts += 1
            history.lastExit = describe(status: status, lived: lived)
            quickFailures = lived < quickExitNanoseconds ? quickFailures + 1 : 0
            writeStandardError("dns: worker \(pid) \(history.lastExit!); starting another (restart \(history.restarts))\n")
            if quickFailures > 0 {
                let pause = min(longestPauseNanoseconds, 100_000_000 << UInt64(min(quickFailures - 1, 6)))
                usleep(UInt32(pause / 1000))
            }
        }
    }

    static func spawnWorker(root: String, history: History) throws -> pid_t {
        var arguments = ["/proc/self/exe", "dns", "worker", "--root", root, "--supervisor", "\(history.supervisor)",
                         "--restarts", "\(history.restarts)"]
        if let lastExit = history.lastExit { arguments += ["--last-exit", lastExit] }
        return try NamespaceExec.spawnHere(arguments: arguments,
                                           options: .init(environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], workingDirectory: "/"))
    }

    static func describe(status: Int32, lived: UInt64) -> String {
        let after = "after \(lived / 1_000_000_000).\(lived / 100_000_000 % 10) s"
        if status > 128 {
            let signal = status - 128
            let name = signal == SIGKILL ? "SIGKILL" : signal == SIGSEGV ? "SIGSEGV" : signal == SIGABRT ? "SIGABRT"
                : signal == SIGTERM ? "SIGTERM" : signal == SIGILL ? "SIGILL" : signal == SIGBUS ? "SIGBUS" : "signal \(signal)"
            return "killed by \(name) \(after)"
        }
        return "exited with status \(status) \(after)"
    }

    /// In the worker: die with the supervisor (a worker without one would hold the namespaces'
    /// sockets with nobody to restart or stop it).
    public static func bindToSupervisor(_ supervisor: pid_t) -> Bool {
        _ = clx_set_parent_death_signal(SIGKILL)
        return getppid() == supervisor
    }
}
