import Glibc
import CLinux

/// Finds processes by the network namespace they live in, as `ip netns pids` does.
public enum NamespaceProcesses {
    public static func pids(inNamespaceAt path: String) throws -> [pid_t] {
        guard let target = Files.inode(path) else { return [] }
        let me = getpid()
        return try Files.list("/proc").compactMap { entry in
            guard let pid = pid_t(entry), pid != me, Files.inode("/proc/\(entry)/ns/net") == target else { return nil }
            return pid
        }
    }

    /// SIGKILLs every process in the namespace and waits (bounded) until they are gone, so the
    /// namespace is really released when its mount goes.
    public static func killAll(inNamespaceAt path: String, timeoutMilliseconds: Int = 2000) throws {
        var waited = 0
        while true {
            let pids = try self.pids(inNamespaceAt: path)
            if pids.isEmpty || waited >= timeoutMilliseconds { return }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(10_000)
            waited += 10
        }
    }
}
