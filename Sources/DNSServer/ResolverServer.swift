import Glibc
import CLinux
import BridgeModel
import DNS
import HostSystem
import State

/// The embedded resolver: one host process serving 127.0.0.11:53 (UDP and TCP) inside every
/// container namespace that is on a user-defined network.
///
/// Its sockets are opened inside each container's namespace by a short-lived thread that
/// entered it (a socket stays in the namespace it was created in), then all are driven from one
/// epoll loop on the main thread, which never leaves the host namespace: that is where queries
/// to upstream resolvers go out, so a host resolver on 127.0.0.53 works too.
/// bridgectl tells it about changes over a control socket and waits for the answer, so a change
/// is visible to the very next query.
public final class ResolverServer {
    public static let listenAddress: UInt32 = 0x7F00_000B  // 127.0.0.11

    struct Listener {
        let container: ObjectID
        let name: String
        let udp: Int32
        let tcp: Int32
        let upstreams: [UInt32]
    }

    final class Connection {
        let fd: Int32
        let container: ObjectID
        var reader = TCPFrameReader()
        var outgoing: [UInt8] = []
        init(fd: Int32, container: ObjectID) { self.fd = fd; self.container = container }
    }

    enum Client {
        case udp(fd: Int32, address: sockaddr_in)
        case tcp(connection: Int32)
    }

    struct PendingForward {
        let client: Client
        let originalID: UInt16
        let query: [UInt8]
        let upstreams: [UInt32]
        var attempt: Int
        var deadline: UInt64
        let started: UInt64
        let log: QueryLog.Entry
    }

    // Tokens: kind in the top byte, slot below.
    enum Kind: UInt64 { case control = 1, upstream, udp, tcpListen, tcpConnection }
    static func token(_ kind: Kind, _ slot: Int) -> UInt64 { kind.rawValue << 56 | UInt64(slot) }

    let store: StateStore
    let controlPath: String
    let loop: EventLoop
    var table: NameTable
    var hostUpstreams: [UInt32]
    var listeners: [Int: Listener] = [:]
    var slotByContainer: [ObjectID: Int] = [:]
    var nextSlot = 0
    var connections: [Int32: Connection] = [:]
    var pending: [UInt16: PendingForward] = [:]
    var upstreamSocket: Int32 = -1
    var controlSocket: Int32 = -1
    var rotation = 0
    var counters = ResolverCounters()
    var log = QueryLog(capacity: 1000)
    var running = true
    var buffer = [UInt8](repeating: 0, count: 65536)
    /// When /etc/resolv.conf was last looked at, and its change time then: the host's upstreams
    /// are re-read when it changes (checked at most once a second, on forwarding only).
    var upstreamsCheckedAt: UInt64 = 0
    var resolvConfChangeTime: Int = 0

    /// Per attempt; three attempts across the upstreams keep a SERVFAIL under the 5 s bound.
    static let attemptTimeout: UInt64 = 1_400_000_000
    static let maxAttempts = 3

    /// Removed after a clean stop: it only matters when the resolver died.
    let logPath: String?

    public init(root: String, controlPath: String, logPath: String? = nil) throws {
        self.logPath = logPath
        store = StateStore(root: root)
        self.controlPath = controlPath
        loop = try EventLoop()
        table = NameTable(networks: [], containers: [])
        hostUpstreams = Self.readHostUpstreams()
    }

    /// Host resolvers from /etc/resolv.conf, IPv4 only (loopback ones included: queried from here).
    static func readHostUpstreams() -> [UInt32] {
        guard let text = try? Files.read("/etc/resolv.conf") else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver", let ip = IPv4Address(fields[1]) else { return nil }
            return ip.value
        }
    }

    public func run() throws {
        upstreamSocket = try Sockets.bound(Int32(SOCK_DGRAM.rawValue), address: 0, port: 0)
        loop.add(upstreamSocket, token: Self.token(.upstream, 0))
        controlSocket = try ControlChannel.listen(at: controlPath)
        loop.add(controlSocket, token: Self.token(.control, 0))
        try reloadEverything()
        while running {
            let timeout = nextTimeout()
            for (token, writable) in loop.wait(timeoutMilliseconds: timeout) {
                handle(token: token, writable: writable)
            }
            expireForwards()
        }
        shutdown()
    }

    func shutdown() {
        for listener in listeners.values { close(listener.udp); close(listener.tcp) }
        for connection in connections.values { close(connection.fd) }
        close(controlSocket)
        unlink(controlPath)
        if let logPath { unlink(logPath) }
    }

    // MARK: Dispatch

    func handle(token: UInt64, writable: Bool) {
        let slot = Int(token & 0x00FF_FFFF_FFFF_FFFF)
        switch Kind(rawValue: token >> 56) {
        case .control: serveControl()
        case .upstream: receiveUpstreamAnswers()
        case .udp: if let listener = listeners[slot] { receiveQueries(on: listener) }
        case .tcpListen: if let listener = listeners[slot] { acceptConnections(on: listener) }
        case .tcpConnection: serveConnection(Int32(slot), writable: writable)
        case nil: break
        }
    }

    func receiveQueries(on listener: Listener) {
        // Bounded per wake-up so one busy namespace cannot starve the others.
        for _ in 0..<64 {
            guard let (bytes, from) = Sockets.receive(listener.udp, into: &buffer) else { return }
            answer(bytes, from: listener, client: .udp(fd: listener.udp, address: from), maxSize: nil)
        }
    }

    /// Answers from the name table, or forwards. `maxSize` nil means UDP: 512 bytes, or the
    /// client's EDNS payload size.
    func answer(_ bytes: [UInt8], from listener: Listener, client: Client, maxSize: Int?) {
        let started = Clock.monotonicNanoseconds()
        counters.queries += 1
        let query: DNSQuery
        do {
            query = try DNSWire.parseQuery(bytes)
        } catch {
            counters.malformed += 1
            if let reply = DNSWire.errorResponse(to: bytes, rcode: error.rcode) { deliver(reply, to: client) }
            return
        }
        var entry = QueryLog.Entry(container: listener.name, name: query.question.name,
                                   type: query.question.type)
        rotation &+= 1
        let limit = maxSize ?? max(512, Int(query.ednsPayloadSize ?? 512))
        let reply: [UInt8]
        switch table.lookup(query.question, from: listener.container, rotation: rotation) {
        case .answer(let records):
            counters.answered += 1
            reply = DNSWire.response(to: query, rcode: DNSRCode.noError, answers: records, maxSize: limit)
            entry.outcome = .answer(records)
        case .nxdomain:
            counters.nxdomain += 1
            reply = DNSWire.response(to: query, rcode: DNSRCode.nxDomain, answers: [], maxSize: limit)
            entry.outcome = .nxdomain
        case .noData:
            counters.answered += 1
            reply = DNSWire.response(to: query, rcode: DNSRCode.noError, answers: [], maxSize: limit)
            entry.outcome = .noData
        case .forward:
            if listener.upstreams.isEmpty { refreshHostUpstreams(now: started) }
            forward(bytes, query: query, client: client, upstreams: listener.upstreams.isEmpty ? hostUpstreams : listener.upstreams,
                    entry: entry, started: started)
            return
        }
        deliver(reply, to: client)
        entry.micros = (Clock.monotonicNanoseconds() - started) / 1000
        log.append(entry)
    }

    func deliver(_ reply: [UInt8], to client: Client) {
        switch client {
        case .udp(let fd, let address):
            Sockets.send(fd, reply, to: address)
        case .tcp(let fd):
            guard let connection = connections[fd] else { return }
            connection.outgoing += DNSWire.frame(reply)
            flush(connection)
        }
    }

    // MARK: Forwarding

    func refreshHostUpstreams(now: UInt64) {
        guard now - upstreamsCheckedAt > 1_000_000_000 else { return }
        upstreamsCheckedAt = now
        var info = stat()
        guard stat("/etc/resolv.conf", &info) == 0 else { return }
        let changed = info.st_ctim.tv_sec * 1_000_000_000 + info.st_ctim.tv_nsec
        if changed != resolvConfChangeTime {
            resolvConfChangeTime = changed
            hostUpstreams = Self.readHostUpstreams()
        }
    }

    func forward(_ bytes: [UInt8], query: DNSQuery, client: Client, upstreams: [UInt32], entry: QueryLog.Entry, started: UInt64) {
        var entry = entry
        guard !upstreams.isEmpty, pending.count < 4096 else {
            counters.servfail += 1
            if let reply = DNSWire.errorResponse(to: bytes, rcode: DNSRCode.servFail) { deliver(reply, to: client) }
            entry.outcome = .servfail(upstreams.isEmpty ? "no upstream" : "too many in flight")
            log.append(entry)
            return
        }
        var id = UInt16.random(in: 0...UInt16.max)
        while pending[id] != nil { id &+= 1 }
        let outgoing = DNSWire.withID(bytes, id)
        counters.forwarded += 1
        pending[id] = PendingForward(client: client, originalID: query.id, query: outgoing, upstreams: upstreams,
                                     attempt: 0, deadline: started + Self.attemptTimeout, started: started, log: entry)
        Sockets.send(upstreamSocket, outgoing, to: Sockets.ipv4(upstreams[0], port: 53))
    }

    func receiveUpstreamAnswers() {
        for _ in 0..<64 {
            guard let (bytes, from) = Sockets.receive(upstreamSocket, into: &buffer) else { return }
            guard let id = DNSWire.id(of: bytes) else { continue }
            guard let forward = pending[id],
                  forward.upstreams.contains(Sockets.address(of: from)) else { continue }
            pending[id] = nil
            deliver(DNSWire.withID(bytes, forward.originalID), to: forward.client)
            var entry = forward.log
            let rcode = bytes.count > 3 ? bytes[3] & 0x0F : 2
            entry.outcome = .forwarded(upstream: Sockets.address(of: from), rcode: rcode)
            entry.micros = (Clock.monotonicNanoseconds() - forward.started) / 1000
            log.append(entry)
        }
    }

    func expireForwards() {
        guard !pending.isEmpty else { return }
        let now = Clock.monotonicNanoseconds()
        for (id, forward) in pending where forward.deadline <= now {
            var next = forward
            next.attempt += 1
            if next.attempt >= Self.maxAttempts {
                pending[id] = nil
                counters.servfail += 1
                if let reply = DNSWire.errorResponse(to: DNSWire.withID(forward.query, forward.originalID), rcode: DNSRCode.servFail) {
                    deliver(reply, to: forward.client)
                }
                var entry = forward.log
                entry.outcome = .servfail("no upstream answered")
                entry.micros = (now - forward.started) / 1000
                log.append(entry)
                continue
            }
            next.deadline = now + Self.attemptTimeout
            pending[id] = next
            let upstream = forward.upstreams[next.attempt % forward.upstreams.count]
            Sockets.send(upstreamSocket, forward.query, to: Sockets.ipv4(upstream, port: 53))
        }
    }

    func nextTimeout() -> Int32 {
        guard let earliest = pending.values.map(\.deadline).min() else { return 1000 }
        let now = Clock.monotonicNanoseconds()
        return earliest <= now ? 0 : Int32(min(1000, (earliest - now) / 1_000_000 + 1))
    }

    // MARK: TCP

    func acceptConnections(on listener: Listener) {
        while true {
            let fd = accept4(listener.tcp, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            guard fd >= 0 else { return }
            guard connections.count < 512 else { close(fd); continue }
            connections[fd] = Connection(fd: fd, container: listener.container)
            loop.add(fd, token: Self.token(.tcpConnection, Int(fd)))
        }
    }

    func serveConnection(_ fd: Int32, writable: Bool) {
        guard let connection = connections[fd] else { return }
        if writable { flush(connection) }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { closeConnection(fd); return }
            if count < 0 {
                if errno != EAGAIN && errno != EWOULDBLOCK { closeConnection(fd) }
                break
            }
            connection.reader.append(buffer[0..<count])
            if connection.reader.failed { closeConnection(fd); return }
            while let message = connection.reader.nextMessage() {
                guard let slot = slotByContainer[connection.container], let listener = listeners[slot] else {
                    closeConnection(fd)
                    return
                }
                answer(message, from: listener, client: .tcp(connection: fd), maxSize: 65535)
            }
        }
    }

    func flush(_ connection: Connection) {
        while !connection.outgoing.isEmpty {
            let written = connection.outgoing.withUnsafeBytes { write(connection.fd, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            connection.outgoing.removeFirst(written)
        }
        loop.modify(connection.fd, token: Self.token(.tcpConnection, Int(connection.fd)), writable: !connection.outgoing.isEmpty)
    }

    func closeConnection(_ fd: Int32) {
        loop.remove(fd)
        close(fd)
        connections[fd] = nil
    }
}
