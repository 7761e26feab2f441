import Glibc
import BridgeModel

/// Kernel parameters under /proc/sys. Writes apply to the calling thread's network namespace.
public enum Sysctl {
    public static func write(_ key: String, _ value: String) throws {
        let file = SysctlKey.procPath(key)
        let fd = open(file, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("sysctl \(key)") }
        defer { close(fd) }
        let bytes = Array((value + "\n").utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw SystemError("sysctl -w \(key)=\(value)")
        }
    }

    public static func read(_ key: String) throws -> String? {
        try Files.read(SysctlKey.procPath(key))?.split(separator: "\n").first.map(String.init)
    }
}

import CLinux
