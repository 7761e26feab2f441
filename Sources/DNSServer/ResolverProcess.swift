import Glibc
import CLinux
import HostSystem

/// Finding, starting and stopping the one resolver process, from bridgectl's side.
public enum ResolverProcess {
    public static let runtimeDirectory = "/run/bridgectl"
    static let defaultRoot = "/var/lib/bridgectl"

    /// One resolver per state root; the default root's socket is /run/bridgectl/dns.sock.
    public static func controlPath(root: String) -> String {
        root == defaultRoot ? "\(runtimeDirectory)/dns.sock" : "\(runtimeDirectory)/dns-\(fnv1a(root)).sock"
    }

    public static func logPath(root: String) -> String {
        controlPath(root: root).replacingSuffix(".sock", with: ".log")
    }

    /// Sends a request, starting the resolver first if none answers (it was never started, or
    /// it died). Returns its reply.
    public static func request(_ text: String, root: String, startIfNeeded: Bool) throws -> String? {
        let path = controlPath(root: root)
        if let reply = ControlChannel.request(text, at: path) { return reply }
        guard startIfNeeded else { return nil }
        try start(root: root)
        return ControlChannel.request(text, at: path)
    }

    /// Spawns `bridgectl dns serve` in its own session, output to a log next to its socket, and
    /// waits (bounded) until it answers.
    static func start(root: String) throws {
        try Files.createDirectory(runtimeDirectory, mode: 0o700)
        let arguments = ["/proc/self/exe", "dns", "serve", "--root", root]
        _ = try NamespaceExec.spawnHere(arguments: arguments,
                                        options: .init(environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], detached: true,
                                                       logPath: logPath(root: root), workingDirectory: "/"))
        let path = controlPath(root: root)
        for _ in 0..<300 {
            if ControlChannel.request("status", at: path, timeoutSeconds: 1) != nil { return }
            usleep(10_000)
        }
        throw SystemError("start the DNS resolver (see \(logPath(root: root)))", code: ETIMEDOUT)
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
