import Glibc
import CLinux
import BridgeModel
import DNS
import HostSystem

/// Attempt deadlines in the order they fall. Every attempt lasts the same time, so they are
/// queued in increasing order and expiry looks only at the front: no scan of all in-flight
/// forwards per wake-up, however many a flood has queued.
struct DeadlineQueue {
    struct Entry {
        let id: UInt16
        let attempt: Int
        let at: UInt64
    }

    private var entries: [Entry] = []
    private var head = 0

    var first: Entry? { head < entries.count ? entries[head] : nil }

    mutating func append(_ entry: Entry) { entries.append(entry) }

    mutating func removeFirst() {
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}

extension ResolverServer {
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

    func forward(_ bytes: [UInt8], query: DNSQuery, from container: ObjectID, client: Client, upstreams: [UInt32],
                 entry: QueryLog.Entry, started: UInt64) {
        var entry = entry
        let admitted = !upstreams.isEmpty && forwardShares.take(container)
        guard admitted else {
            if !upstreams.isEmpty { noteShed(container) { $0.forwardsRefused += 1 } }
            counters.servfail += 1
            if let reply = DNSWire.errorResponse(to: bytes, rcode: DNSRCode.servFail) { deliver(reply, to: client) }
            entry.outcome = .servfail(upstreams.isEmpty ? "no upstream" : "this container's share of forwards is in use")
            log.append(entry)
            return
        }
        var id = UInt16.random(in: 0...UInt16.max)
        while pending[id] != nil { id &+= 1 }
        let outgoing = DNSWire.withID(bytes, id)
        counters.forwarded += 1
        let deadline = started + Self.attemptTimeout
        pending[id] = PendingForward(client: client, container: container, originalID: query.id, query: outgoing,
                                     upstreams: upstreams, attempt: 0, deadline: deadline, started: started, log: entry)
        deadlines.append(.init(id: id, attempt: 0, at: deadline))
        if case .tcp(let connection) = client { connections[connection]?.forwardsInFlight += 1 }
        Sockets.send(upstreamSocket, outgoing, to: Sockets.ipv4(upstreams[0], port: 53))
    }

    func finishForward(_ id: UInt16) -> PendingForward? {
        guard let forward = pending.removeValue(forKey: id) else { return nil }
        if let exchange = forward.exchange { endExchange(exchange) }
        forwardShares.release(forward.container)
        if case .tcp(let connection) = forward.client { connections[connection]?.forwardsInFlight -= 1 }
        return forward
    }

    func receiveUpstreamAnswers() {
        for _ in 0..<64 {
            guard let (bytes, from) = Sockets.receive(upstreamSocket, into: &buffer) else { return }
            guard let id = DNSWire.id(of: bytes) else { continue }
            let upstream = Sockets.address(of: from)
            guard let waiting = pending[id], waiting.upstreams.contains(upstream) else { continue }
            if DNSWire.isTruncated(bytes), retryOverTCP(id, upstream: upstream) { continue }
            guard let forward = finishForward(id) else { continue }
            deliver(DNSWire.withID(bytes, forward.originalID), to: forward.client, flush: true)
            var entry = forward.log
            let rcode = bytes.count > 3 ? bytes[3] & 0x0F : 2
            entry.outcome = .forwarded(upstream: Sockets.address(of: from), rcode: rcode)
            entry.micros = (Clock.monotonicNanoseconds() - forward.started) / 1000
            log.append(entry)
        }
    }

    func expireForwards(now: UInt64) {
        while let due = deadlines.first, due.at <= now {
            deadlines.removeFirst()
            // Answered or already retried since: the queue entry is stale.
            guard var forward = pending[due.id], forward.attempt == due.attempt else { continue }
            forward.attempt += 1
            if forward.attempt >= Self.maxAttempts {
                _ = finishForward(due.id)
                counters.servfail += 1
                if let reply = DNSWire.errorResponse(to: DNSWire.withID(forward.query, forward.originalID), rcode: DNSRCode.servFail) {
                    deliver(reply, to: forward.client, flush: true)
                }
                var entry = forward.log
                entry.outcome = .servfail("no upstream answered")
                entry.micros = (now - forward.started) / 1000
                log.append(entry)
                continue
            }
            if let exchange = forward.exchange {
                endExchange(exchange)
                forward.exchange = nil
            }
            forward.deadline = now + Self.attemptTimeout
            pending[due.id] = forward
            deadlines.append(.init(id: due.id, attempt: forward.attempt, at: forward.deadline))
            let upstream = forward.upstreams[forward.attempt % forward.upstreams.count]
            Sockets.send(upstreamSocket, forward.query, to: Sockets.ipv4(upstream, port: 53))
        }
    }

    func nextTimeout() -> Int32 {
        // Idle connections are looked at about once a second.
        guard let earliest = deadlines.first?.at else { return 1000 }
        let now = Clock.monotonicNanoseconds()
        return earliest <= now ? 0 : Int32(min(1000, (earliest - now) / 1_000_000 + 1))
    }
}
