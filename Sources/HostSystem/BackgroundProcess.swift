import Glibc
import CLinux

/// A helper program bridgectl reads while it runs (xtables-monitor): its stdout is a pipe the
/// caller polls. Only for tools bridgectl drives itself.
public final class BackgroundProcess {
    public let pid: pid_t
    /// Non-blocking read end of the child's stdout (stderr goes there too).
    public let output: Int32
    private var exited = false

    public init(_ arguments: [String]) throws {
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe2(&pipeFDs, O_CLOEXEC) == 0 else { throw SystemError("pipe for \(arguments[0])") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        // Its own process group: a Ctrl-C on the terminal reaches bridgectl, which stops it after
        // cleaning up, rather than killing it mid-read.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"].map { (text: String) in strdup(text) } + [nil]
        defer { environment.forEach { free($0) } }
        var child = pid_t()
        let spawned = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, environment)
        close(pipeFDs[1])
        guard spawned == 0 else {
            close(pipeFDs[0])
            throw SystemError("run \(arguments[0])", code: spawned)
        }
        pid = child
        output = pipeFDs[0]
        _ = fcntl(output, F_SETFL, fcntl(output, F_GETFL) | O_NONBLOCK)
    }

    /// Whatever the child has written since the last call (empty when nothing is waiting).
    public func readAvailable() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    /// The PIDs of its children (for a child run under `timeout`).
    public func children() -> [pid_t] {
        guard let text = try? Files.read("/proc/\(pid)/task/\(pid)/children") else { return [] }
        return text.split(separator: " ").compactMap { pid_t($0.filter(\.isNumber)) }
    }

    /// SIGTERM to its process group, then reaped.
    public func stop() {
        guard !exited else { return }
        exited = true
        kill(-pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(output)
    }

    deinit { stop() }
}

/// Netlink multicast subscriptions, read from /proc/net/netlink (this namespace's sockets).
public enum NetlinkSubscriptions {
    /// True when one of `pid`'s sockets is a NETLINK_NETFILTER socket joined to `group`
    /// (1-based, as NFNLGRP_* count): the process is listening.
    public static func isSubscribed(pid: pid_t, netfilterGroup group: Int) -> Bool {
        guard let descriptors = try? Files.list("/proc/\(pid)/fd") else { return false }
        var inodes: Set<String> = []
        for descriptor in descriptors {
            var buffer = [CChar](repeating: 0, count: 256)
            let length = readlink("/proc/\(pid)/fd/\(descriptor)", &buffer, buffer.count - 1)
            guard length > 0 else { continue }
            let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix("socket:["), target.hasSuffix("]") { inodes.insert(String(target.dropFirst(8).dropLast())) }
        }
        guard !inodes.isEmpty, let table = try? Files.read("/proc/net/netlink") else { return false }
        let bit = UInt32(1) << UInt32(group - 1)
        for line in table.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: " ")
            // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
            guard fields.count >= 10, fields[1] == "12", let groups = UInt32(fields[3], radix: 16) else { continue }
            if groups & bit != 0 && inodes.contains(String(fields[9])) { return true }
        }
        return false
    }
}
