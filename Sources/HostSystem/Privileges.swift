import Glibc
import CLinux

public enum Privileges {
    /// CAP_NET_ADMIN (12) and CAP_SYS_ADMIN (21) in the effective set, read from /proc/self/status.
    public static func hasNetworkAdminCapabilities() -> Bool {
        guard let status = try? Files.read("/proc/self/status") else { return geteuid() == 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let hex = line.dropFirst("CapEff:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            guard let mask = UInt64(hex, radix: 16) else { return false }
            return mask & (1 << 12) != 0 && mask & (1 << 21) != 0
        }
        return false
    }

    /// init_net's inode number is fixed by the kernel (PROC_NET_INIT_INO), so this works even
    /// where /proc/1/ns/net cannot be read.
    static let initialNetworkNamespaceInode: UInt64 = 0xEFFF_FFF9
    /// Likewise PROC_PID_INIT_INO for the initial PID namespace.
    static let initialPIDNamespaceInode: UInt64 = 0xEFFF_FFFC

    /// True when this process shares the machine's initial network namespace: tests, benches
    /// and demos refuse to create kernel objects there.
    public static func isInInitialNetworkNamespace() -> Bool {
        guard let mine = Files.inode("/proc/self/ns/net") else { return true }
        if mine == initialNetworkNamespaceInode { return true }
        // PID 1 speaks for the real host only when /proc shows the initial PID namespace; inside
        // a throwaway host with its own PID namespace, PID 1 is the throwaway host's init.
        if Files.inode("/proc/self/ns/pid") == initialPIDNamespaceInode,
           let pid1 = Files.inode("/proc/1/ns/net"), pid1 == mine { return true }
        return false
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        var copy = self
        while let first = copy.first, predicate(first) { copy = copy.dropFirst() }
        return copy
    }
}
