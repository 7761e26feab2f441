import Glibc
import CLinux
import BridgeModel
import DNS
import HostSystem
import Planning
import ResolverControl

extension ResolverServer {
    func reloadEverything() throws {
        let networks = try store.networks()
        let containers = try store.containers()
        table = NameTable(networks: networks, containers: containers)
        hostUpstreams = Self.readHostUpstreams()
        let wanted = Set(containers.filter { ContainerPlanner.usesEmbeddedDNS($0, networks: networks) }.map(\.id))
        for container in slotByContainer.keys where !wanted.contains(container) { closeListeners(container) }
        for (container, slot) in slotByContainer where !(listeners[slot]?.isCurrent ?? false) { closeListeners(container) }
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
        if ContainerPlanner.usesEmbeddedDNS(container, networks: Array(networks.values)) {
            if let slot = slotByContainer[id], let listener = listeners[slot],
               listener.upstreams != container.dns.map(\.value) || !listener.isCurrent {
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
        let namespace = NetworkNamespace.identity(ofDescriptor: nsFD)
        close(nsFD)
        let slot = nextSlot
        nextSlot += 1
        listeners[slot] = Listener(container: container.id, name: container.name, udp: fds.0, tcp: fds.1,
                                   upstreams: container.dns.map(\.value), namespace: namespace)
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
            ControlChannel.reply(fd, request.map(respond(to:)) ?? .failed("unreadable request"))
        }
    }

    func respond(to request: ResolverRequest) -> ResolverReply {
        do {
            switch request {
            case .sync(let id):
                try sync(id)
                return servingCount()
            case .remove(let id):
                remove(id)
                return servingCount()
            case .reload:
                try reloadEverything()
                return servingCount()
            case .status:
                return .status(status())
            case .log(let count):
                return .log(logLines(count))
            case .stop:
                running = false
                return .serving(0)
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// The reply to a change: how many namespaces are served. With none left the resolver
    /// stops by itself after replying, so no client has to send a stop that could race with
    /// another command's start.
    func servingCount() -> ResolverReply {
        if listeners.isEmpty { running = false }
        return .serving(listeners.count)
    }

    func status() -> ResolverStatus {
        let names = Dictionary(uniqueKeysWithValues: listeners.values.map { ($0.container, $0.name) })
        let shedReports = shed.compactMap { id, shed -> ResolverStatus.Shed? in
            guard let name = names[id] else { return nil }
            var report = ResolverStatus.Shed()
            report.container = name
            report.connectionsRefused = shed.connectionsRefused
            report.idleClosed = shed.idleClosed
            report.stalledClosed = shed.stalledClosed
            report.closedForMemory = shed.closedForMemory
            report.forwardsRefused = shed.forwardsRefused
            return report
        }.sorted { $0.container < $1.container }
        return ResolverStatus(
            pid: getpid(), supervisor: history?.supervisor, restarts: history?.restarts ?? 0, lastExit: history?.lastExit,
            namespaces: listeners.values.filter(\.isCurrent).map(\.name).sorted(), upstreams: hostUpstreams.map(Sockets.dotted),
            counters: counters, inFlight: pending.count, tcpConnections: connections.count, bufferedBytes: bufferedBytes,
            limits: .init(connectionsPerContainer: Limits.connectionsPerContainer, connectionsTotal: Limits.connectionsTotal,
                          forwardsPerContainer: Limits.forwardsPerContainer, forwardsTotal: Limits.forwardsTotal,
                          descriptors: descriptorLimit),
            shed: shedReports)
    }

    func logLines(_ count: Int) -> [String] {
        log.recent(count).map { entry in
            let type = entry.type == DNSType.a ? "A" : entry.type == DNSType.aaaa ? "AAAA" : entry.type == DNSType.ptr ? "PTR" : "TYPE\(entry.type)"
            return "\(entry.container)\t\(entry.name) \(type)\t\(entry.outcome.text)\t\(entry.micros)us"
        }
    }
}
