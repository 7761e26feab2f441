import Glibc

/// SIGINT, SIGTERM and SIGHUP turned into a readable file descriptor (the self-pipe trick), so a
/// command holding something temporary in the kernel polls for them next to its other work and
/// removes it before exiting, instead of dying with it in place.
public enum InterruptSignals {
    public static let caught: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers once; returns the pipe's read end, which becomes readable (one
    /// byte: the signal number) when one arrives.
    public static func descriptor() throws -> Int32 {
        if signalPipeRead >= 0 { return signalPipeRead }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SystemError("pipe for signals") }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        signalPipeRead = fds[0]
        signalPipeWrite = fds[1]
        for signal in caught {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWrite, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
        return signalPipeRead
    }

    /// The first signal received, if any (without blocking).
    public static func received() -> Int32? {
        guard signalPipeRead >= 0 else { return nil }
        var byte: UInt8 = 0
        return read(signalPipeRead, &byte, 1) == 1 ? Int32(byte) : nil
    }
}

// Written only before the handlers are installed; the handler reads the write end, which a
// signal handler may (write(2) is async-signal-safe).
nonisolated(unsafe) private var signalPipeRead: Int32 = -1
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1
