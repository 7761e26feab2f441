import Glibc
import CLinux
import BridgeModel
import DNS
import HostSystem
import State
import Planning
import ResolverControl

/// The embedded resolver: one host process serving 127.0.0.11:53 (UDP and TCP) inside every
/// container namespace that is on a user-defined network.
///
/// Its sockets are opened inside each container's namespace by a short-lived thread that
/// entered it (a socket stays in the namespace it was created in), then all are driven from one
/// epoll loop on the main thread, which never leaves the host namespace: that is where queries
/// to upstream resolvers go out, so a host resolver on 127.0.0.53 works too.
/// bridgectl tells it about changes over a control socket and waits for the answer, so a change
/// is visible to the very next query.
///
/// Every container is a possibly hostile tenant: what one may hold (TCP connections, in-flight
/// forwards, buffered bytes) is bounded per container and in total (`Limits`), idle connections
/// are closed, a connection whose answers are not read is not read from, and no peer behaviour
/// (a reset, a closed control client) can raise a signal in it.
public final class ResolverServer {
    public static let listenAddress: UInt32 = 0x7F00_000B  // 127.0.0.11

    /// What one container, and all of them together, may hold. RFC 7766 asks servers under load
    /// to close idle connections after a few seconds.
    enum Limits {
        static let connectionsPerContainer = 16
        static let connectionsTotal = 2048
        static let forwardsPerContainer = 128
        /// Upstream query IDs are 16 bits: this leaves most of them free, so IDs stay hard to guess.
        static let forwardsTotal = 16384
        /// A connection stops being read while this much of its answers waits to be sent.
        static let outgoingHighWater = 16 * 1024
        /// Bytes buffered across all connections; past it the connection that grew it is closed.
        static let bufferedTotal = 16 * 1024 * 1024
        static let idleNanoseconds: UInt64 = 5_000_000_000
        /// A connection whose answers are not read for this long is closed.
        static let stalledNanoseconds: UInt64 = 10_000_000_000
        /// Bytes read from one connection per read call: small, so memory grows in small steps.
        static let readChunk = 4096
    }

    struct Listener {
        let container: ObjectID
        let name: String
        let udp: Int32
        let tcp: Int32
        let upstreams: [UInt32]
        /// The namespace the sockets live in: a name made again after `ip netns del` (restore,
        /// doctor --fix) is a new namespace, and sockets in the old one serve nobody.
        let namespace: NetworkNamespace.Identity?

        var isCurrent: Bool { namespace != nil && NetworkNamespace.identity(named: name) == namespace }
    }

    final class Connection {
        /// Never reused (unlike the fd), so an answer can never reach a later connection that
        /// happens to get the same fd.
        let id: UInt64
        let fd: Int32
        let container: ObjectID
        var reader = TCPFrameReader()
        var outgoing: [UInt8] = []
        var outgoingStart = 0
        var lastActivity: UInt64
        var reading = true
        var closed = false
        /// Its queries waiting on an upstream: a connection waiting for answers is not idle.
        var forwardsInFlight = 0
        /// Bytes of this connection counted in `bufferedBytes`.
        var accounted = 0
        init(id: UInt64, fd: Int32, container: ObjectID, now: UInt64) {
            self.id = id; self.fd = fd; self.container = container; lastActivity = now
        }
        var outgoingCount: Int { outgoing.count - outgoingStart }
        var buffered: Int { outgoingCount + reader.bufferedCount }
    }

    enum Client {
        case udp(fd: Int32, address: sockaddr_in)
        case tcp(connection: UInt64)
    }

    struct PendingForward {
        let client: Client
        let container: ObjectID
        let originalID: UInt16
        let query: [UInt8]
        let upstreams: [UInt32]
        var attempt: Int
        var deadline: UInt64
        let started: UInt64
        let log: QueryLog.Entry
        /// The TCP retry under way for a truncated answer.
        var exchange: UInt64?
    }

    /// What was refused or closed to protect the others, per container: `dns status` shows it.
    struct Shed {
        var connectionsRefused = 0
        var idleClosed = 0
        var forwardsRefused = 0
        var closedForMemory = 0
        var stalledClosed = 0
    }

    // Tokens: kind in the top byte, slot (or connection id) below.
    enum Kind: UInt64 { case control = 1, upstream, udp, tcpListen, tcpConnection, upstreamTCP }
    static func token(_ kind: Kind, _ slot: UInt64) -> UInt64 { kind.rawValue << 56 | slot }

    let store: StateStore
    let controlPath: String
    let loop: EventLoop
    var table: NameTable
    var hostUpstreams: [UInt32]
    var listeners: [Int: Listener] = [:]
    var slotByContainer: [ObjectID: Int] = [:]
    var nextSlot = 0
    var connections: [UInt64: Connection] = [:]
    var nextConnectionID: UInt64 = 1
    var connectionShares = TenantShares<ObjectID>(perTenant: Limits.connectionsPerContainer, total: Limits.connectionsTotal)
    var bufferedBytes = 0
    var pending: [UInt16: PendingForward] = [:]
    var forwardShares = TenantShares<ObjectID>(perTenant: Limits.forwardsPerContainer, total: Limits.forwardsTotal)
    var deadlines = DeadlineQueue()
    var upstreamExchanges: [UInt64: UpstreamExchange] = [:]
    var shed: [ObjectID: Shed] = [:]
    var upstreamSocket: Int32 = -1
    var controlSocket: Int32 = -1
    /// Kept open to be closed when accept fails with EMFILE: the pending connection can then be
    /// accepted and dropped, instead of waking the loop forever.
    var spareDescriptor: Int32 = -1
    var rotation = 0
    var counters = ResolverStatus.Counters()
    var log = QueryLog(capacity: 1000)
    var running = true
    var buffer = [UInt8](repeating: 0, count: 65536)
    var idleCheckedAt: UInt64 = 0
    /// When /etc/resolv.conf was last looked at, and its change time then: the host's upstreams
    /// are re-read when it changes (checked at most once a second, on forwarding only).
    var upstreamsCheckedAt: UInt64 = 0
    var resolvConfChangeTime: Int = 0
    /// The file-descriptor limit in force (raised to the hard limit at start).
    var descriptorLimit: UInt64 = 0

    /// Per attempt; three attempts across the upstreams keep a SERVFAIL under the 5 s bound.
    static let attemptTimeout: UInt64 = 1_400_000_000
    static let maxAttempts = 3

    /// Removed after a clean stop: it only matters when the resolver died.
    let logPath: String?

    /// Earlier workers, for `dns status`.
    let history: ResolverSupervisor.History?

    public init(root: String, controlPath: String, logPath: String? = nil, history: ResolverSupervisor.History? = nil) throws {
        self.logPath = logPath
        self.history = history
        store = StateStore(root: root)
        self.controlPath = controlPath
        loop = try EventLoop()
        table = NameTable(networks: [], containers: [])
        hostUpstreams = Self.readHostUpstreams()
    }

    /// The worker `ResolverSupervisor` starts; it serves until no namespace is left.
    public static func serveAsWorker(root: String, history: ResolverSupervisor.History) throws {
        guard ResolverSupervisor.bindToSupervisor(history.supervisor) else { return }
        let server = try ResolverServer(root: root, controlPath: ResolverProcess.controlPath(root: root),
                                        logPath: ResolverProcess.logPath(root: root), history: history)
        try server.run()
    }

    /// Host resolvers from /etc/resolv.conf, IPv4 only (loopback ones included: queried from here).
    static func readHostUpstreams() -> [UInt32] {
        let text = (try? Files.read("/etc/resolv.conf")) ?? nil ?? ""
        return EtcFiles.ResolverConfig(parsing: text).nameservers.compactMap { IPv4Address($0)?.value }
    }

    public func run() throws {
        // A peer that resets a connection we are writing to must never end the process.
        signal(SIGPIPE, SIG_IGN)
        descriptorLimit = Self.raiseDescriptorLimit()
        spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        upstreamSocket = try Sockets.bound(Int32(SOCK_DGRAM.rawValue), address: 0, port: 0)
        loop.add(upstreamSocket, token: Self.token(.upstream, 0))
        controlSocket = try ControlChannel.listen(at: controlPath)
        loop.add(controlSocket, token: Self.token(.control, 0))
        try reloadEverything()
        while running {
            for ready in loop.wait(timeoutMilliseconds: nextTimeout()) { handle(ready) }
            let now = Clock.monotonicNanoseconds()
            expireForwards(now: now)
            closeIdleConnections(now: now)
        }
        shutdown()
    }

    /// Each served namespace holds two descriptors: the soft limit (often 1024) would stop the
    /// resolver near 500 containers while the hard limit allows far more.
    static func raiseDescriptorLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }

    func shutdown() {
        for listener in listeners.values { close(listener.udp); close(listener.tcp) }
        for connection in connections.values { close(connection.fd) }
        close(controlSocket)
        unlink(controlPath)
        if let logPath { unlink(logPath) }
    }

    // MARK: Dispatch

    func handle(_ ready: EventLoop.Ready) {
        let slot = ready.token & 0x00FF_FFFF_FFFF_FFFF
        switch Kind(rawValue: ready.token >> 56) {
        case .control: serveControl()
        case .upstream: receiveUpstreamAnswers()
        case .udp: if let listener = listeners[Int(slot)] { receiveQueries(on: listener) }
        case .tcpListen: if let listener = listeners[Int(slot)] { acceptConnections(on: listener) }
        case .tcpConnection: serveConnection(slot, ready)
        case .upstreamTCP: serveExchange(slot, ready)
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
            forward(bytes, query: query, from: listener.container, client: client,
                    upstreams: listener.upstreams.isEmpty ? hostUpstreams : listener.upstreams,
                    entry: entry, started: started)
            return
        }
        deliver(reply, to: client)
        entry.micros = (Clock.monotonicNanoseconds() - started) / 1000
        log.append(entry)
    }

    /// UDP answers go out at once; TCP ones are queued on their connection, which is flushed
    /// after the batch of queries being read (or at once, for answers that come from upstream).
    func deliver(_ reply: [UInt8], to client: Client, flush flushNow: Bool = false) {
        switch client {
        case .udp(let fd, let address):
            Sockets.send(fd, reply, to: address)
        case .tcp(let id):
            // The connection may be gone: the answer is then dropped, never sent to whoever
            // connected next.
            guard let connection = connections[id], !connection.closed else {
                counters.droppedForClosedConnections += 1
                return
            }
            connection.outgoing += DNSWire.frame(reply)
            if flushNow { flush(connection) }
        }
    }

    func noteShed(_ container: ObjectID, _ change: (inout Shed) -> Void) {
        change(&shed[container, default: Shed()])
    }
}
