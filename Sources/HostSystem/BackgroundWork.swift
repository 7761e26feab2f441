import Glibc

/// Work started on a thread of its own while the caller goes on; `join()` waits for it and
/// hands back its result or error. For reads that need nothing of the caller's state (the
/// host's links, files and ruleset while the records are decoded: two cores, two jobs), and,
/// joined at once, for `onFreshThread`, whose thread may enter a namespace and then ends.
public final class BackgroundWork<T>: @unchecked Sendable {
    private let job: Job
    private var thread = pthread_t()
    private var joined = false

    /// Runs `body` at once; the caller must not share mutable state with it.
    public init(_ body: @escaping () throws -> T) throws {
        let job = Job(body)
        self.job = job
        // The C entry point cannot name T: it runs a plain closure that holds the job.
        let context = Unmanaged.passRetained(WorkerEntry(job.run)).toOpaque()
        let created = pthread_create(&thread, nil, { raw in
            Unmanaged<WorkerEntry>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<WorkerEntry>.fromOpaque(context).release()
            joined = true
            throw SystemError("create a worker thread", code: created)
        }
    }

    /// Waits for the work (once) and returns what it gave.
    public func join() throws -> T {
        if !joined {
            pthread_join(thread, nil)
            joined = true
        }
        return try job.outcome!.get()
    }

    deinit {
        if !joined { pthread_join(thread, nil) }
    }

    /// The body and, once it ran, its outcome: written by the worker, read after the join.
    private final class Job {
        let body: () throws -> T
        var outcome: Result<T, any Error>?
        init(_ body: @escaping () throws -> T) { self.body = body }
        func run() { outcome = Result { try body() } }
    }
}

private final class WorkerEntry {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
