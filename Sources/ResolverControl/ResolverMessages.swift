import BridgeModel

/// What bridgectl asks the resolver over its control socket: one JSON line each way.
/// Shared by the client (Engine) and the server (DNSServer), so neither links the other.
public enum ResolverRequest: Codable, Equatable, Sendable {
    /// Re-read one container (and its networks) after a change: serve it, or stop serving it.
    case sync(ObjectID)
    case remove(ObjectID)
    /// Re-read everything (after recovery finished interrupted plans).
    case reload
    case status
    case log(count: Int)
    case stop
}

public enum ResolverReply: Codable, Equatable, Sendable {
    /// After a change: how many namespaces are served (none: the resolver is stopping).
    case serving(Int)
    case status(ResolverStatus)
    case log([String])
    case failed(String)
}

/// `dns status`, as data: the CLI renders it.
public struct ResolverStatus: Codable, Equatable, Sendable {
    public struct Counters: Codable, Equatable, Sendable {
        public var queries = 0
        public var answered = 0
        public var nxdomain = 0
        public var forwarded = 0
        public var servfail = 0
        public var malformed = 0
        /// Answers that came back for a TCP connection already closed (never sent to another one).
        public var droppedForClosedConnections = 0
        /// Truncated UDP answers asked again over TCP, for TCP clients.
        public var retriedOverTCP = 0
        public init() {}
    }

    public struct Limits: Codable, Equatable, Sendable {
        public var connectionsPerContainer: Int
        public var connectionsTotal: Int
        public var forwardsPerContainer: Int
        public var forwardsTotal: Int
        public var descriptors: UInt64
        public init(connectionsPerContainer: Int, connectionsTotal: Int, forwardsPerContainer: Int, forwardsTotal: Int,
                    descriptors: UInt64) {
            self.connectionsPerContainer = connectionsPerContainer; self.connectionsTotal = connectionsTotal
            self.forwardsPerContainer = forwardsPerContainer; self.forwardsTotal = forwardsTotal; self.descriptors = descriptors
        }
    }

    /// What was refused or closed to protect the others, for one container.
    public struct Shed: Codable, Equatable, Sendable {
        public var container = ""
        public var connectionsRefused = 0
        public var idleClosed = 0
        public var stalledClosed = 0
        public var closedForMemory = 0
        public var forwardsRefused = 0
        public init() {}
    }

    public var pid: Int32
    public var supervisor: Int32?
    public var restarts: Int
    public var lastExit: String?
    public var namespaces: [String]
    public var upstreams: [String]
    public var counters: Counters
    public var inFlight: Int
    public var tcpConnections: Int
    public var bufferedBytes: Int
    public var limits: Limits
    public var shed: [Shed]

    public init(pid: Int32, supervisor: Int32?, restarts: Int, lastExit: String?, namespaces: [String], upstreams: [String],
                counters: Counters, inFlight: Int, tcpConnections: Int, bufferedBytes: Int, limits: Limits, shed: [Shed]) {
        self.pid = pid; self.supervisor = supervisor; self.restarts = restarts; self.lastExit = lastExit
        self.namespaces = namespaces; self.upstreams = upstreams; self.counters = counters; self.inFlight = inFlight
        self.tcpConnections = tcpConnections; self.bufferedBytes = bufferedBytes; self.limits = limits; self.shed = shed
    }
}
