import Glibc
import HostSystem

/// "restore: 340/1000" rewritten in place on standard error while a long operation runs, and
/// erased when it ends. Only on a terminal: a pipe or a log gets nothing, so output stays
/// comparable. Redrawn at most ten times a second.
final class ProgressLine {
    private let label: String
    private let isShown: Bool
    private var lastDrawn = -1.0
    private var drew = false

    init(_ label: String) {
        self.label = label
        isShown = isatty(STDERR_FILENO) == 1
    }

    func update(_ done: Int, of total: Int) {
        guard isShown, total > 0 else { return }
        let now = Self.now()
        guard now - lastDrawn >= 0.1 || done == total else { return }
        lastDrawn = now
        drew = true
        writeStandardError("\r\(label): \(done)/\(total)\u{1B}[K")
    }

    func finish() {
        if drew { writeStandardError("\r\u{1B}[K") }
        drew = false
    }

    private static func now() -> Double { Double(Clock.monotonicNanoseconds()) / 1e9 }
}
