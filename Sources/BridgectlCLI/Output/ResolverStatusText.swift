import ResolverControl

/// `dns status` as people read it.
enum ResolverStatusText {
    static func lines(_ status: ResolverStatus) -> [String] {
        let counters = status.counters
        let limits = status.limits
        var lines = [
            "pid \(status.pid)" + (status.supervisor.map { " (supervisor \($0))" } ?? ""),
            "restarts \(status.restarts)" + (status.lastExit.map { ", last exit: \($0)" } ?? ""),
            "listening 127.0.0.11:53 (udp, tcp) in \(status.namespaces.count) namespace(s)",
            "upstreams \(status.upstreams.isEmpty ? "none" : status.upstreams.joined(separator: " "))",
            "queries \(counters.queries) answered \(counters.answered) nxdomain \(counters.nxdomain) "
                + "forwarded \(counters.forwarded) servfail \(counters.servfail) malformed \(counters.malformed)",
            "in flight \(status.inFlight) (at most \(limits.forwardsPerContainer) per container, \(limits.forwardsTotal) in all), "
                + "tcp connections \(status.tcpConnections) (at most \(limits.connectionsPerContainer) per container, "
                + "\(limits.connectionsTotal) in all), buffered \(status.bufferedBytes) bytes",
            "file descriptors: limit \(limits.descriptors), answers dropped for closed connections "
                + "\(counters.droppedForClosedConnections), truncated answers asked again over TCP \(counters.retriedOverTCP)",
        ]
        lines += status.shed.map { shed in
            "shed \(shed.container): \(shed.connectionsRefused) connections refused, \(shed.idleClosed) idle closed, "
                + "\(shed.stalledClosed) unread closed, \(shed.closedForMemory) closed for memory, "
                + "\(shed.forwardsRefused) forwards refused"
        }
        lines += status.namespaces.map { "namespace \($0)" }
        return lines
    }
}
