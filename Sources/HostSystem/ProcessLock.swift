import Glibc
import CLinux

/// A lock a process holds for its whole life, so that exactly one process of a kind exists.
///
/// It is a POSIX record lock, not an flock: the kernel drops it when the holder dies (SIGKILL
/// included), and, unlike flock, others can ask who holds it without taking it, so asking can
/// never make a starting holder believe it lost.
public final class ProcessLock {
    let fd: Int32
    let path: String

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path }

    deinit { close(fd) }

    /// Takes the lock and writes this process's PID into the file; nil when another process
    /// holds it. The holder removes the file when it is done (`removeFile`), so the lock taken
    /// must be on the file the path names now, not on one removed meanwhile.
    public static func acquire(path: String) throws -> ProcessLock? {
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw SystemError("open lock \(path)") }
            guard clx_try_write_lock(fd) == 0 else {
                let code = errno
                close(fd)
                if code == EAGAIN || code == EACCES { return nil }
                throw SystemError("lock \(path)", code: code)
            }
            var held = stat()
            var named = stat()
            guard fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev else {
                close(fd)
                continue
            }
            let pid = Array("\(getpid())\n".utf8)
            _ = ftruncate(fd, 0)
            _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            return ProcessLock(fd: fd, path: path)
        }
    }

    /// Removes the file while still holding the lock: whoever opens the path next makes a new
    /// file and locks that.
    public func removeFile() { unlink(path) }

    /// The PID of the process holding the lock, nil when nobody does (or the file is missing).
    public static func holder(path: String) -> pid_t? {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let pid = clx_write_lock_holder(fd)
        return pid > 0 ? pid : nil
    }
}
