import Glibc
import CLinux
import BridgeModel
import DNS
import HostSystem

/// DNS over TCP, with back-pressure: a connection is read only while its queued answers are
/// few, so a client that pipelines queries without reading the answers stalls itself (its
/// kernel buffers fill) instead of growing the resolver.
extension ResolverServer {
    func acceptConnections(on listener: Listener) {
        // Bounded per wake-up: a connect flood in one namespace must not starve the others.
        for _ in 0..<64 {
            let fd = accept4(listener.tcp, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            guard fd >= 0 else {
                if errno == EMFILE || errno == ENFILE { dropOnePendingConnection(on: listener) }
                return
            }
            guard connectionShares.take(listener.container) else {
                close(fd)
                noteShed(listener.container) { $0.connectionsRefused += 1 }
                continue
            }
            let id = nextConnectionID
            nextConnectionID += 1
            connections[id] = Connection(id: id, fd: fd, container: listener.container, now: Clock.monotonicNanoseconds())
            loop.add(fd, token: Self.token(.tcpConnection, id))
        }
    }

    /// Out of descriptors: accept with the spare one and close at once, so the pending
    /// connection is refused rather than left to wake the loop forever.
    func dropOnePendingConnection(on listener: Listener) {
        guard spareDescriptor >= 0 else { return }
        close(spareDescriptor)
        let fd = accept4(listener.tcp, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
        if fd >= 0 { close(fd) }
        spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        noteShed(listener.container) { $0.connectionsRefused += 1 }
    }

    func serveConnection(_ id: UInt64, _ ready: EventLoop.Ready) {
        guard let connection = connections[id] else { return }
        if ready.writable { flush(connection) }
        if connection.closed { return }
        if connection.reading, ready.readable || ready.broken {
            readQueries(connection)
        } else if ready.broken {
            closeConnection(connection)
        }
    }

    func readQueries(_ connection: Connection) {
        for _ in 0..<16 {
            guard connection.reading, !connection.closed else { break }
            let count = buffer.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, Limits.readChunk) }
            if count == 0 { closeConnection(connection); return }
            if count < 0 {
                if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { closeConnection(connection) }
                break
            }
            connection.reader.append(buffer[0..<count])
            if connection.reader.failed { closeConnection(connection); return }
            answerBuffered(connection)
        }
        guard !connection.closed else { return }
        flush(connection)
        guard !connection.closed else { return }
        account(connection)
        if bufferedBytes > Limits.bufferedTotal {
            noteShed(connection.container) { $0.closedForMemory += 1 }
            closeConnection(connection)
        }
    }

    /// Answers the complete queries already read, while the answers waiting to be sent stay
    /// under the high-water mark; past it, reading pauses until they are sent.
    func answerBuffered(_ connection: Connection) {
        while connection.outgoingCount < Limits.outgoingHighWater, !connection.closed,
              let message = connection.reader.nextMessage() {
            connection.lastActivity = Clock.monotonicNanoseconds()
            guard let slot = slotByContainer[connection.container], let listener = listeners[slot] else {
                closeConnection(connection)
                return
            }
            answer(message, from: listener, client: .tcp(connection: connection.id), maxSize: 65535)
        }
        setReading(connection, connection.outgoingCount < Limits.outgoingHighWater)
    }

    func flush(_ connection: Connection) {
        while true {
            while connection.outgoingCount > 0 {
                let written = connection.outgoing.withUnsafeBytes { raw in
                    send(connection.fd, raw.baseAddress! + connection.outgoingStart, connection.outgoingCount, Int32(MSG_NOSIGNAL))
                }
                if written < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { break }
                    // EPIPE, ECONNRESET: the client is gone.
                    closeConnection(connection)
                    return
                }
                connection.outgoingStart += written
                connection.lastActivity = Clock.monotonicNanoseconds()
            }
            if connection.outgoingStart == connection.outgoing.count {
                connection.outgoing.removeAll(keepingCapacity: connection.outgoing.capacity <= 4 * Limits.outgoingHighWater)
                connection.outgoingStart = 0
            } else if connection.outgoingStart > Limits.outgoingHighWater {
                connection.outgoing.removeFirst(connection.outgoingStart)
                connection.outgoingStart = 0
            }
            // Drained while paused: answer what was read meanwhile, then send that too.
            guard !connection.reading, connection.outgoingCount == 0 else { break }
            answerBuffered(connection)
            if connection.closed { return }
            if connection.outgoingCount == 0 { break }
        }
        updateInterest(connection)
        account(connection)
    }

    func setReading(_ connection: Connection, _ reading: Bool) {
        guard connection.reading != reading, !connection.closed else { return }
        connection.reading = reading
        updateInterest(connection)
    }

    func updateInterest(_ connection: Connection) {
        guard !connection.closed else { return }
        loop.modify(connection.fd, token: Self.token(.tcpConnection, connection.id), readable: connection.reading,
                    writable: connection.outgoingCount > 0)
    }

    func account(_ connection: Connection) {
        let now = connection.closed ? 0 : connection.buffered
        bufferedBytes += now - connection.accounted
        connection.accounted = now
    }

    func closeConnection(_ connection: Connection) {
        guard !connection.closed else { return }
        connection.closed = true
        loop.remove(connection.fd)
        close(connection.fd)
        account(connection)
        connections[connection.id] = nil
        connectionShares.release(connection.container)
    }

    /// Closes connections with nothing asked for a while, and those whose answers are not read.
    func closeIdleConnections(now: UInt64) {
        guard now - idleCheckedAt >= 1_000_000_000 else { return }
        idleCheckedAt = now
        for connection in connections.values {
            let quiet = now > connection.lastActivity ? now - connection.lastActivity : 0
            if connection.outgoingCount > 0 {
                if quiet >= Limits.stalledNanoseconds {
                    noteShed(connection.container) { $0.stalledClosed += 1 }
                    closeConnection(connection)
                }
            } else if quiet >= Limits.idleNanoseconds && !hasForwardsInFlight(connection) {
                noteShed(connection.container) { $0.idleClosed += 1 }
                closeConnection(connection)
            }
        }
    }

    func hasForwardsInFlight(_ connection: Connection) -> Bool { connection.forwardsInFlight > 0 }
}
