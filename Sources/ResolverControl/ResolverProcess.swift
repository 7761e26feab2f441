import Glibc
import CLinux
import HostSystem

/// Finding, starting and stopping the one resolver process, from bridgectl's side.
///
/// Exactly one resolver may exist per state root. The resolver holds a lifetime lock
/// (`ProcessLock`, released by the kernel when it dies); starters take a start lock, so of
/// twelve parallel `bridgectl exec` one spawns and the others wait and use it; and a resolver
/// that holds its lifetime lock but does not answer (stopped, stalled) is reported, never
/// doubled.
public enum ResolverProcess {
    public static let runtimeDirectory = "/run/bridgectl"
    static let defaultRoot = "/var/lib/bridgectl"
    /// How long a starter waits for a new resolver to answer.
    static let startTimeoutNanoseconds: UInt64 = 3_000_000_000

    public enum Failure: Error, CustomStringConvertible {
        /// A resolver process exists (it holds the lock) but did not answer.
        case notAnswering(pid: pid_t)
        case didNotStart(logPath: String)
        /// It answered, but could not do what was asked.
        case refused(String)

        public var description: String {
            switch self {
            case .notAnswering(let pid):
                let worker = ResolverProcess.workerPID(supervisor: pid).map { "pid \($0), supervisor \(pid)" } ?? "pid \(pid)"
                return "the DNS resolver (\(worker)) is not answering (stopped or stalled); no second one was started"
            case .didNotStart(let logPath): return "the DNS resolver did not start (see \(logPath))"
            case .refused(let reply): return "the DNS resolver refused: \(reply)"
            }
        }
    }

    /// One resolver per state root; the default root's socket is /run/bridgectl/dns.sock.
    public static func controlPath(root: String) -> String {
        root == defaultRoot ? "\(runtimeDirectory)/dns.sock" : "\(runtimeDirectory)/dns-\(fnv1a(root)).sock"
    }

    public static func logPath(root: String) -> String {
        controlPath(root: root).replacingSuffix(".sock", with: ".log")
    }

    /// Held by the resolver for its whole life.
    public static func lifetimeLockPath(root: String) -> String {
        controlPath(root: root).replacingSuffix(".sock", with: ".pid")
    }

    /// Held by a bridgectl command while it starts a resolver. In the state root, which stays,
    /// so that /run/bridgectl holds nothing once the resolver is gone.
    static func startLockPath(root: String) -> String { "\(root)/dns-start.lock" }

    /// The running resolver's PID, answering or not.
    public static func runningPID(root: String) -> pid_t? {
        ProcessLock.holder(path: lifetimeLockPath(root: root))
    }

    /// The worker the supervisor runs now, from the kernel's list of its children.
    public static func workerPID(supervisor: pid_t) -> pid_t? {
        guard let children = try? Files.read("/proc/\(supervisor)/task/\(supervisor)/children") else { return nil }
        return children.split(whereSeparator: { $0 == " " || $0.isNewline }).first.flatMap { pid_t($0) }
    }

    /// The whole resolver (supervisor and worker) died without stopping: its socket is still
    /// there (a clean stop removes it) and nobody holds its lock. One stat in the usual case.
    public static func diedUncleanly(root: String) -> Bool {
        Files.exists(controlPath(root: root)) && runningPID(root: root) == nil
    }

    /// Sends a request, starting the resolver first if none runs (it was never started, or it
    /// died). Returns its reply, or nil when none runs and `startIfNeeded` is false.
    public static func request(_ request: ResolverRequest, root: String, startIfNeeded: Bool) throws -> ResolverReply? {
        let path = controlPath(root: root)
        switch ControlChannel.exchange(request, at: path) {
        case .reply(let reply): return reply
        case .noAnswer:
            if let pid = runningPID(root: root) { throw Failure.notAnswering(pid: pid) }
        case .unreachable: break
        }
        guard startIfNeeded else { return nil }
        try ensureRunning(root: root)
        switch ControlChannel.exchange(request, at: path) {
        case .reply(let reply): return reply
        case .noAnswer, .unreachable:
            if let pid = runningPID(root: root) { throw Failure.notAnswering(pid: pid) }
            throw Failure.didNotStart(logPath: logPath(root: root))
        }
    }

    /// Starts a resolver unless one answers, under the start lock; a resolver that exits while
    /// we wait (the last container went away just then) is replaced.
    static func ensureRunning(root: String) throws {
        try Files.createDirectory(runtimeDirectory, mode: 0o700)
        let startLock = try FileLock(path: startLockPath(root: root), exclusive: true)
        defer { withExtendedLifetime(startLock) {} }
        let path = controlPath(root: root)
        let deadline = Clock.monotonicNanoseconds() + startTimeoutNanoseconds
        var spawnedAlive = false
        while Clock.monotonicNanoseconds() < deadline {
            let holder = runningPID(root: root)
            switch ControlChannel.exchange(.status, at: path, timeoutSeconds: 1) {
            case .reply: return
            case .noAnswer where holder != nil && !spawnedAlive:
                // Not ours and not answering: report it rather than start a second one.
                throw Failure.notAnswering(pid: holder!)
            default: break
            }
            if holder == nil {
                try spawn(root: root)
                spawnedAlive = true
            }
            usleep(5_000)
        }
        if let pid = runningPID(root: root) { throw Failure.notAnswering(pid: pid) }
        throw Failure.didNotStart(logPath: logPath(root: root))
    }

    /// `bridgectl dns serve` in its own session, output to a log next to its socket.
    static func spawn(root: String) throws {
        let arguments = ["/proc/self/exe", "dns", "serve", "--root", root]
        let pid = try NamespaceExec.spawnHere(arguments: arguments,
                                              options: .init(environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], detached: true,
                                                             logPath: logPath(root: root), workingDirectory: "/"))
        // Wait until it holds the lifetime lock (or exited: another one won), so the next
        // look at the lock sees it.
        for _ in 0..<200 {
            if runningPID(root: root) != nil { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(2_000)
        }
    }

    static func fnv1a(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

extension String {
    fileprivate func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
