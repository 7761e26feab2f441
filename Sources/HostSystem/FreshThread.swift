import Glibc
import CLinux

/// Runs `body` on a new pthread and waits for it. Namespace changes (setns, unshare) are made
/// only on such threads: they affect just the calling thread, which then exits, so no other
/// code - least of all an async task that could hop onto it - ever runs in a foreign namespace.
public func onFreshThread<T>(_ body: () throws -> T) throws -> T {
    var outcome: Result<T, any Error>?
    try withoutActuallyEscaping(body) { escapable in
        let box = ThreadWork { outcome = Result { try escapable() } }
        let context = Unmanaged.passRetained(box).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            Unmanaged<ThreadWork>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<ThreadWork>.fromOpaque(context).release()
            throw SystemError("create namespace thread", code: created)
        }
        pthread_join(thread, nil)
    }
    return try outcome!.get()
}

private final class ThreadWork {
    let work: () -> Void
    init(_ work: @escaping () -> Void) { self.work = work }
}
