import Glibc

/// For tests only: BRIDGECTL_KILL_AT_WRITE=k makes the process SIGKILL itself during its k-th
/// atomic write (0-based), after the temporary file is complete and before the rename: the
/// exact point a crash leaves a temporary file behind, reached on purpose instead of by luck.
enum CrashInjection {
    static let killAtWrite: Int? = getenv("BRIDGECTL_KILL_AT_WRITE").flatMap { Int(String(cString: $0)) }
    nonisolated(unsafe) private static var writes = 0

    static func atomicWriteStaged() {
        guard let killAtWrite else { return }
        defer { writes += 1 }
        if writes == killAtWrite { kill(getpid(), SIGKILL) }
    }
}
