import Glibc
import CLinux
import HostSystem

/// epoll with 64-bit tokens: every descriptor is registered once, so each wake-up costs the
/// same whether the resolver serves one namespace or a thousand.
final class EventLoop {
    struct Ready {
        let token: UInt64
        let readable: Bool
        let writable: Bool
        /// The peer hung up or the socket failed: reported even when reading is paused.
        let broken: Bool
    }

    let epoll: Int32
    private var events: [epoll_event]

    init() throws {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw SystemError("epoll_create1") }
        events = Array(repeating: epoll_event(), count: 256)
    }

    deinit { close(epoll) }

    func add(_ fd: Int32, token: UInt64, readable: Bool = true, writable: Bool = false) {
        control(EPOLL_CTL_ADD, fd, token: token, readable: readable, writable: writable)
    }

    func modify(_ fd: Int32, token: UInt64, readable: Bool = true, writable: Bool) {
        control(EPOLL_CTL_MOD, fd, token: token, readable: readable, writable: writable)
    }

    func remove(_ fd: Int32) {
        var event = epoll_event()
        epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event)
    }

    private func control(_ operation: Int32, _ fd: Int32, token: UInt64, readable: Bool, writable: Bool) {
        var event = epoll_event()
        event.events = (readable ? EPOLLIN.rawValue : 0) | (writable ? EPOLLOUT.rawValue : 0)
        event.data.u64 = token
        epoll_ctl(epoll, operation, fd, &event)
    }

    /// Waits up to `timeoutMilliseconds` and returns what is ready.
    func wait(timeoutMilliseconds: Int32) -> [Ready] {
        let count = epoll_wait(epoll, &events, Int32(events.count), timeoutMilliseconds)
        guard count > 0 else { return [] }
        return (0..<Int(count)).map {
            let flags = events[$0].events
            return Ready(token: events[$0].data.u64, readable: flags & EPOLLIN.rawValue != 0,
                         writable: flags & EPOLLOUT.rawValue != 0,
                         broken: flags & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0)
        }
    }
}
