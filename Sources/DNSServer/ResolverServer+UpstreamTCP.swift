import Glibc
import CLinux
import DNS
import HostSystem

/// A TCP client's query is forwarded over UDP first (cheap, and what every upstream answers);
/// when that answer comes back truncated, it is asked again over TCP to the same upstream, so
/// large answers reach TCP clients whole. The exchange belongs to the forward: it ends with it
/// (answer, retry, or SERVFAIL at the deadline), and few run at once.
struct UpstreamExchange {
    let fd: Int32
    let forwardID: UInt16
    var outgoing: [UInt8]
    var reader = TCPFrameReader()
}

extension ResolverServer {
    /// Upstream TCP connections open at once; past it a truncated answer is passed on as it is.
    static let upstreamExchangesMax = 64

    /// Called with a truncated UDP answer for a TCP client: true when a TCP exchange started.
    func retryOverTCP(_ id: UInt16, upstream: UInt32) -> Bool {
        guard var forward = pending[id], case .tcp = forward.client, forward.exchange == nil,
              upstreamExchanges.count < Self.upstreamExchangesMax else { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        var address = Sockets.ipv4(upstream, port: 53)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 || errno == EINPROGRESS else {
            close(fd)
            return false
        }
        let exchange = nextConnectionID
        nextConnectionID += 1
        upstreamExchanges[exchange] = UpstreamExchange(fd: fd, forwardID: id, outgoing: DNSWire.frame(forward.query))
        forward.exchange = exchange
        pending[id] = forward
        counters.retriedOverTCP += 1
        loop.add(fd, token: Self.token(.upstreamTCP, exchange), readable: true, writable: true)
        return true
    }

    func serveExchange(_ exchange: UInt64, _ ready: EventLoop.Ready) {
        guard var state = upstreamExchanges[exchange] else { return }
        if ready.writable, !state.outgoing.isEmpty {
            let written = state.outgoing.withUnsafeBytes { send(state.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno != EAGAIN && errno != EINTR { return endExchange(exchange) }
            } else {
                state.outgoing.removeFirst(written)
            }
            loop.modify(state.fd, token: Self.token(.upstreamTCP, exchange), writable: !state.outgoing.isEmpty)
        }
        if ready.readable || ready.broken {
            let count = buffer.withUnsafeMutableBytes { read(state.fd, $0.baseAddress, $0.count) }
            if count <= 0 {
                if count == 0 || (errno != EAGAIN && errno != EINTR) { return endExchange(exchange) }
            } else {
                state.reader.append(buffer[0..<count])
                if state.reader.failed { return endExchange(exchange) }
                if let answer = state.reader.nextMessage() {
                    upstreamExchanges[exchange] = state
                    return finishExchange(exchange, answer: answer)
                }
            }
        }
        upstreamExchanges[exchange] = state
    }

    func finishExchange(_ exchange: UInt64, answer: [UInt8]) {
        guard let state = upstreamExchanges[exchange] else { return }
        let id = state.forwardID
        endExchange(exchange)
        guard DNSWire.id(of: answer) == id, let forward = finishForward(id) else { return }
        deliver(DNSWire.withID(answer, forward.originalID), to: forward.client, flush: true)
        var entry = forward.log
        entry.outcome = .forwarded(upstream: forward.upstreams[forward.attempt % forward.upstreams.count],
                                   rcode: answer.count > 3 ? answer[3] & 0x0F : 2)
        entry.micros = (Clock.monotonicNanoseconds() - forward.started) / 1000
        log.append(entry)
    }

    /// Closes an exchange; its forward, if still pending, goes on to its deadline (a retry over
    /// UDP, or SERVFAIL).
    func endExchange(_ exchange: UInt64) {
        guard let state = upstreamExchanges.removeValue(forKey: exchange) else { return }
        loop.remove(state.fd)
        close(state.fd)
        if var forward = pending[state.forwardID], forward.exchange == exchange {
            forward.exchange = nil
            pending[state.forwardID] = forward
        }
    }
}
