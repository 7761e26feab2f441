import BridgeModel
import Planning
import State
import HostSystem

/// The one place that changes anything: applies a plan step by step, journaled, with undo.
///
/// 1. The plan is written to the journal before the first step ("record before effect").
/// 2. Steps run in order; each one is undone (in reverse) if a later one fails, so a failed
///    creation leaves no link, namespace, file or record behind.
/// 3. The journal is removed when the plan is done or undone. A journal found later means the
///    process died mid-plan; `Recovery` finishes or undoes it.
public final class Applier {
    let store: StateStore
    let executor: StepExecutor
    /// Failure injection for tests: fail just before step k (0-based). From BRIDGECTL_FAIL_AT_STEP.
    let failAtStep: Int?
    /// Told (steps done, steps in the plan) after each step, for a progress line on a terminal.
    var onStep: ((Int, Int) -> Void)?

    public init(store: StateStore, executor: StepExecutor, failAtStep: Int?) {
        self.store = store
        self.executor = executor
        self.failAtStep = failAtStep
    }

    public func apply(_ plan: Plan) throws {
        let journal: String
        if plan.onInterruption == .rollForward, let intent = plan.redoIntent {
            journal = try store.writeRedoJournal(intent)
        } else {
            let encoded = try store.encode(plan)
            Timing.mark("plan encoded for the journal")
            journal = try store.writePlanJournal("op-" + ObjectID.random().short, contents: encoded)
        }
        Timing.mark("journal written")
        var done: [Step] = []
        for (index, step) in plan.steps.enumerated() {
            do {
                if index == failAtStep { throw InjectedFailure(index: index) }
                try executor.perform(step, tolerant: plan.onInterruption == .rollForward)
                done.append(step)
                Timing.mark(step.shellCommands.first ?? "\(step)".prefix(60).description)
                onStep?(index + 1, plan.steps.count)
            } catch {
                switch plan.onInterruption {
                case .rollBack:
                    var cleanupErrors: [String] = []
                    for completed in done.reversed() {
                        guard let inverse = completed.inverse else { continue }
                        do { try executor.perform(inverse, tolerant: true) } catch { cleanupErrors.append("\(error)") }
                    }
                    try? store.removeJournal(file: journal)
                    throw ApplyError(step: step, cause: error, cleanupErrors: cleanupErrors)
                case .rollForward:
                    // A removal half-done is worse than one finished: try the step once more and
                    // go on. If it still fails, the journal stays, and the next bridgectl command
                    // finishes the removal before doing anything else. An injected failure stands
                    // for that persistent case (or a crash): it is not retried.
                    if error is InjectedFailure { throw ApplyError(step: step, cause: error, cleanupErrors: []) }
                    do {
                        try executor.perform(step, tolerant: true)
                        done.append(step)
                    } catch {
                        throw ApplyError(step: step, cause: error, cleanupErrors: [])
                    }
                }
            }
        }
        try store.removeJournal(file: journal)
    }
}

public struct InjectedFailure: Error, CustomStringConvertible {
    public let index: Int
    public var description: String { "injected failure before step \(index) (BRIDGECTL_FAIL_AT_STEP)" }
}

/// A plan that failed at one step; the message leads with the cause, as the user needs it.
public struct ApplyError: UserFacingError {
    public let step: Step
    public let cause: any Error
    public let cleanupErrors: [String]

    public var message: String {
        let command = step.shellCommands.first.map { " (\($0))" } ?? ""
        var text = "\(cause)\(command)"
        if !cleanupErrors.isEmpty { text += "; undo also failed: " + cleanupErrors.joined(separator: "; ") }
        return text
    }
}

/// Finishes whatever a killed bridgectl left in the journal: creations are undone, removals are
/// completed. Every step tolerates objects already gone, so replaying is always safe.
public enum Recovery {
    /// `redo` re-plans a removal named by its intent from the current records and applies it.
    /// Returns how many interrupted plans it finished or undid. A removal journal it cannot read
    /// is kept and, once every other entry is done, reported as an error: deleting it could leave
    /// half a removal behind with nothing to say so.
    @discardableResult
    public static func run(store: StateStore, executor: StepExecutor, redo: (RedoIntent) throws -> Void) throws -> Int {
        let entries = try store.journalEntries()
        var unknown: [String] = []
        for entry in entries {
            switch entry {
            case .plan(let file, let contents):
                if let plan = try? store.decode(Plan.self, from: contents) {
                    for step in plan.steps.reversed() {
                        if let inverse = step.inverse { try? executor.perform(inverse, tolerant: true) }
                    }
                }
                // An unreadable journal can only be a torn write from before its rename: nothing ran.
                try store.removeJournal(file: file)
            case .redo(let file, let intent):
                try redo(intent)
                try store.removeJournal(file: file)
            case .unknownRedo(let file):
                unknown.append(file)
            }
        }
        if let file = unknown.first { throw StateError.unknownRedoJournal(path: "\(store.journalDirectory)/\(file)") }
        return entries.count
    }
}
