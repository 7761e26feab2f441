import Planning

/// Performs single steps. The live one changes the kernel and the store; tests use fakes.
public protocol StepExecutor: AnyObject {
    /// `tolerant`: what the step would remove is already gone, or what it would make already
    /// exists, counts as done (used for roll-forward plans and crash recovery).
    func perform(_ step: Step, tolerant: Bool) throws
}
