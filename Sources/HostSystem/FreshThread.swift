/// Runs `body` on a new pthread and waits for it. Namespace changes (setns, unshare) are made
/// only on such threads: they affect just the calling thread, which then exits, so no other
/// code - least of all an async task that could hop onto it - ever runs in a foreign namespace.
public func onFreshThread<T>(_ body: () throws -> T) throws -> T {
    try withoutActuallyEscaping(body) { escapable in try BackgroundWork(escapable).join() }
}
