import Glibc
import CLinux
import BridgeModel
import DNS
import HostSystem

extension ResolverServer {
    /// A container needs the resolver when it is attached to at least one user-defined network.
    static func needsResolver(_ container: ContainerRecord, networks: [ObjectID: NetworkRecord]) -> Bool {
        container.mode == .bridged && container.endpoints.contains { networks[$0.networkID]?.kind == .user }
    }

    func reloadEverything() throws {
        let networks = try store.networks()
        let containers = try store.containers()
        table = NameTable(networks: networks, containers: containers)
        hostUpstreams = Self.readHostUpstreams()
        let byID = Dictionary(uniqueKeysWithValues: networks.map { ($0.id, $0) })
        let wanted = Set(containers.filter { Self.needsResolver($0, networks: byID) }.map(\.id))
        for container in slotByContainer.keys where !wanted.contains(container) { closeListeners(container) }
        for container in containers where wanted.contains(container.id) && slotByContainer[container.id] == nil {
            do { try openListeners(for: container) } catch {
                writeStandardError("dns: cannot serve \(container.name): \(error)\n")
            }
        }
    }

    /// Re-reads one container (and its networks) after bridgectl changed it.
    func sync(_ id: ObjectID) throws {
        guard let container = try store.container(id: id) else {
            remove(id)
            return
        }
        var networks: [ObjectID: NetworkRecord] = [:]
        for endpoint in container.endpoints {
            if let network = try store.network(id: endpoint.networkID) {
                networks[network.id] = network
                table.upsert(network: network)
            }
        }
        table.upsert(container: container)
        if Self.needsResolver(container, networks: networks) {
            if let slot = slotByContainer[id], listeners[slot]?.upstreams != container.dns.map(\.value) {
                closeListeners(id)
            }
            if slotByContainer[id] == nil {
                do { try openListeners(for: container) } catch {
                    // Not served, so not named either: the create that asked is being undone.
                    table.remove(containerID: id)
                    throw error
                }
            }
        } else {
            closeListeners(id)
        }
    }

    func remove(_ id: ObjectID) {
        table.remove(containerID: id)
        closeListeners(id)
    }

    /// Sockets made on a thread inside the container's namespace stay there; the loop then
    /// uses them from the main thread, which never leaves the host namespace.
    func openListeners(for container: ContainerRecord) throws {
        let (nsFD, fds) = try NetworkNamespace.enter(named: container.name) { () throws -> (Int32, Int32) in
            let udp = try Sockets.bound(Int32(SOCK_DGRAM.rawValue), address: Self.listenAddress, port: 53)
            do {
                return (udp, try Sockets.bound(Int32(SOCK_STREAM.rawValue), address: Self.listenAddress, port: 53))
            } catch {
                close(udp)
                throw error
            }
        }
        close(nsFD)
        let slot = nextSlot
        nextSlot += 1
        listeners[slot] = Listener(container: container.id, name: container.name, udp: fds.0, tcp: fds.1,
                                   upstreams: container.dns.map(\.value))
        slotByContainer[container.id] = slot
        loop.add(fds.0, token: Self.token(.udp, UInt64(slot)))
        loop.add(fds.1, token: Self.token(.tcpListen, UInt64(slot)))
    }

    func closeListeners(_ id: ObjectID) {
        guard let slot = slotByContainer.removeValue(forKey: id), let listener = listeners.removeValue(forKey: slot) else { return }
        for fd in [listener.udp, listener.tcp] {
            loop.remove(fd)
            close(fd)
        }
        for connection in connections.values where connection.container == id { closeConnection(connection) }
        shed[id] = nil
    }

    // MARK: Control

    func serveControl() {
        while let (fd, request) = ControlChannel.acceptRequest(controlSocket) {
            ControlChannel.reply(fd, respond(to: request))
        }
    }

    func respond(to request: String) -> String {
        let words = request.split(separator: " ").map(String.init)
        do {
            switch (words.first, words.count) {
            case ("sync", 2):
                guard let id = ObjectID(words[1]) else { return "error: bad id" }
                try sync(id)
                return servingCount()
            case ("remove", 2):
                guard let id = ObjectID(words[1]) else { return "error: bad id" }
                remove(id)
                return servingCount()
            case ("reload", 1):
                try reloadEverything()
                return servingCount()
            case ("status", 1):
                return statusText()
            case ("log", 2):
                return logText(Int(words[1]) ?? 50)
            case ("stop", 1):
                running = false
                return "ok 0"
            default:
                return "error: unknown request '\(request)'"
            }
        } catch {
            return "error: \(error)"
        }
    }

    /// The reply to a change: how many namespaces are served. With none left the resolver
    /// stops by itself after replying, so no client has to send a stop that could race with
    /// another command's start.
    func servingCount() -> String {
        if listeners.isEmpty { running = false }
        return "ok \(listeners.count)"
    }

    func statusText() -> String {
        var lines = [
            "pid \(getpid())" + (history.map { " (supervisor \($0.supervisor))" } ?? ""),
            "restarts \(history?.restarts ?? 0)" + (history?.lastExit.map { ", last exit: \($0)" } ?? ""),
            "listening 127.0.0.11:53 (udp, tcp) in \(listeners.count) namespace(s)",
            "upstreams \(hostUpstreams.isEmpty ? "none" : hostUpstreams.map(Sockets.dotted).joined(separator: " "))",
            "queries \(counters.queries) answered \(counters.answered) nxdomain \(counters.nxdomain) forwarded \(counters.forwarded) servfail \(counters.servfail) malformed \(counters.malformed)",
            "in flight \(pending.count) (at most \(Limits.forwardsPerContainer) per container, \(Limits.forwardsTotal) in all), "
                + "tcp connections \(connections.count) (at most \(Limits.connectionsPerContainer) per container, \(Limits.connectionsTotal) in all), "
                + "buffered \(bufferedBytes) bytes",
            "file descriptors: limit \(descriptorLimit), answers dropped for closed connections \(counters.droppedForClosedConnections), "
                + "truncated answers asked again over TCP \(counters.retriedOverTCP)",
        ]
        let names = Dictionary(uniqueKeysWithValues: listeners.values.map { ($0.container, $0.name) })
        lines += shed.compactMap { id, shed -> String? in
            guard let name = names[id] else { return nil }
            return "shed \(name): \(shed.connectionsRefused) connections refused, \(shed.idleClosed) idle closed, "
                + "\(shed.stalledClosed) unread closed, \(shed.closedForMemory) closed for memory, \(shed.forwardsRefused) forwards refused"
        }.sorted()
        lines += listeners.values.map(\.name).sorted().map { "namespace \($0)" }
        return lines.joined(separator: "\n")
    }

    func logText(_ count: Int) -> String {
        log.recent(count).map { entry in
            let type = entry.type == DNSType.a ? "A" : entry.type == DNSType.aaaa ? "AAAA" : entry.type == DNSType.ptr ? "PTR" : "TYPE\(entry.type)"
            return "\(entry.container)\t\(entry.name) \(type)\t\(entry.outcome.text)\t\(entry.micros)us"
        }.joined(separator: "\n")
    }
}

func writeStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
