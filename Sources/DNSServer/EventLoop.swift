import Glibc
import CLinux

/// epoll with 64-bit tokens: every descriptor is registered once, so each wake-up costs the
/// same whether the resolver serves one namespace or a thousand.
final class EventLoop {
    let epoll: Int32
    private var events: [epoll_event]

    init() throws {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw Sockets.Failure(operation: "epoll_create1", code: errno) }
        events = Array(repeating: epoll_event(), count: 256)
    }

    deinit { close(epoll) }

    func add(_ fd: Int32, token: UInt64, writable: Bool = false) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | (writable ? EPOLLOUT.rawValue : 0)
        event.data.u64 = token
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
    }

    func modify(_ fd: Int32, token: UInt64, writable: Bool) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | (writable ? EPOLLOUT.rawValue : 0)
        event.data.u64 = token
        epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event)
    }

    func remove(_ fd: Int32) {
        var event = epoll_event()
        epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `timeoutMilliseconds` and returns the tokens that are ready.
    func wait(timeoutMilliseconds: Int32) -> [(token: UInt64, writable: Bool)] {
        let count = epoll_wait(epoll, &events, Int32(events.count), timeoutMilliseconds)
        guard count > 0 else { return [] }
        return (0..<Int(count)).map { (events[$0].data.u64, events[$0].events & EPOLLOUT.rawValue != 0) }
    }
}
