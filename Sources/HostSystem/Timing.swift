import Glibc
import CLinux
import Synchronization

/// Opt-in timing (BRIDGECTL_TIMING=1): each mark prints the milliseconds since the previous one
/// to stderr, so a person can see where a command's time goes (start-up, state, each step).
public enum Timing {
    /// Atomic: the host observation marks from its own thread while the records are read.
    private static let last = Atomic<UInt64>(Clock.monotonicNanoseconds())
    public static let enabled: Bool = getenv("BRIDGECTL_TIMING").map { String(cString: $0) == "1" } ?? false

    public static func mark(_ label: @autoclosure () -> String) {
        guard enabled else { return }
        let now = Clock.monotonicNanoseconds()
        let previous = last.exchange(now, ordering: .relaxed)
        let micros = now > previous ? (now - previous) / 1000 : 0
        let text = "timing: \(micros / 1000).\(String(repeating: "0", count: 3 - String(micros % 1000).count))\(micros % 1000) ms  \(label())\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        // The next mark counts from here: a label describing a whole step (a record printed by
        // reflection) can take a millisecond, which is the timing's own cost, not the next step's.
        last.store(Clock.monotonicNanoseconds(), ordering: .relaxed)
    }
}
