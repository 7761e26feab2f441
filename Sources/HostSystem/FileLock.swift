import Glibc
import CLinux

/// An flock(2) held for the life of the object. The kernel drops it when the process dies, even
/// by SIGKILL, so a crashed bridgectl never leaves the store locked.
public final class FileLock {
    let fd: Int32

    public init(path: String, exclusive: Bool) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError("open lock \(path)") }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            if errno == EINTR { continue }
            let error = SystemError("lock \(path)")
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }
}
