import Glibc
import BridgeModel
import Planning
import HostSystem

/// `bridgectl trace`: one real packet (or, with --watch, the next matching one) followed through
/// the host's netfilter hooks by the kernel's own tracing. A temporary table marks the packet
/// (`meta nftrace set 1`), `xtables-monitor --trace` (`nft monitor trace` on the nftables
/// backend) prints every rule it matched, and TraceReport turns that into words and a verdict. The table is removed however the trace ends:
/// on return, on an error, on SIGINT/SIGTERM/SIGHUP (polled next to the monitor), and a table a
/// killed trace left is removed by the next one.
public struct TraceResult: Sendable {
    /// "tcp from inet (203.0.113.1) to host (203.0.113.2:8080)".
    public var probe: String
    public var report: TraceReport
    /// What the source saw; nil under --watch.
    public var answer: ProbeSocket.Answer?
    public var watched: Bool
}

/// A trace stopped by a signal, after removing what it added.
public struct TraceInterrupted: Error, CustomStringConvertible {
    public let signal: Int32
    public var description: String { "trace interrupted by signal \(signal); its temporary table was removed" }
}

/// One end of a trace, resolved: where a probe is sent from (a namespace; nil: the host's) and
/// its addresses.
struct TraceEnd {
    var label: String
    var namespace: String?
    var addresses: [IPv4Address]
    /// The networks it is on (for choosing the other end's address).
    var networks: [ObjectID] = []
    var gateways: [IPv4Address] = []
}

extension Session {
    public func trace(_ request: TraceRequest, watch: Bool, timeout: Double) throws -> TraceResult {
        let signals = try InterruptSignals.descriptor()
        // The nftables backend's rules (sets, maps, fib) are beyond what xtables-monitor can
        // print in iptables syntax (it exits at the first), so nft traces its table itself.
        let nftOps = try recordedHost().expected.nftOps
        let byNft = !nftOps.isEmpty
        for tool in byNft ? ["nft"] : ["nft", "xtables-monitor"] where !Self.toolExists(tool) {
            throw TraceInputError("trace needs \(tool) (Debian package \(tool == "nft" ? "nftables" : "iptables")), which is not installed")
        }
        let parse: @Sendable (String) -> [TraceLog.Visit] = { text in byNft ? TraceLog.parseNft(text) : TraceLog.parse(text) }
        let source = try resolveTraceSource(request.source, watch: watch)
        let (destination, destinationLabel) = try resolveTraceDestination(request.destination, from: source)
        releaseLock()

        removeStaleTraceTables()
        let probe = watch ? nil : try ProbeSocket.open(Self.probeKind(request.transport), namespace: source.namespace)
        let match = TraceTable.Match(
            sources: watch || request.transport == .icmp ? source.addresses : [], destination: destination,
            transport: request.transport, sourcePort: probe?.localPort, destinationPort: request.port)
        let describedProbe = Self.describeProbe(request, source: source, destination: destination,
                                                destinationLabel: destinationLabel, sourcePort: probe?.localPort)

        let monitorCommand = byNft ? ["nft", "monitor", "trace"] : ["xtables-monitor", "-4", "--trace"]
        let monitor = try BackgroundProcess(["timeout", "-k", "1", String(Int(timeout.rounded(.up)) + 5)] + monitorCommand)
        defer { monitor.stop() }
        try waitUntilListening(monitor)
        let table = TraceTable.name(pid: getpid())
        defer { _ = try? Subprocess.run(["nft", "delete", "table", "ip", table]) }
        let created = try Subprocess.run(["nft", "-f", "-"], input: TraceTable.script(name: table, match: match))
        guard created.status == 0 else {
            throw FirewallError(command: "nft (trace table \(table))", stderr: created.errors)
        }

        var answer: ProbeSocket.Answer?
        if let probe { answer = probe.send(to: destination ?? IPv4Address(0x7f00_0001), port: request.port) }
        // A probe the source's kernel refused at once (no route) left no packet to wait for, but
        // one a rule in OUTPUT dropped (EPERM) was traced: collect briefly either way.
        let outcome = try collect(from: monitor, probe: answer == nil ? probe : nil, signals: signals,
                                  timeout: answer == nil ? timeout : min(timeout, 0.2), watch: watch, parse: parse)
        if let signal = outcome.signal { throw TraceInterrupted(signal: signal) }
        answer = answer ?? outcome.answer ?? (watch ? nil : .silence)

        let conntrack = ConntrackEntry.parse((try? Files.read("/proc/net/nf_conntrack")) ?? "")
        let host = try observeHost([.firewall, .hostAddresses])
        var interfaceAddresses: [String: [IPv4Address]] = [:]
        for address in host.host.addresses { interfaceAddresses[address.link, default: []].append(address.address.ip) }
        let report = TraceReport.build(visits: parse(outcome.text), firewall: host.firewall, conntrack: conntrack,
                                       icmpID: probe?.icmpID, interfaceAddresses: interfaceAddresses, nftOps: nftOps)
        return TraceResult(probe: describedProbe, report: report, answer: answer, watched: watch)
    }

    /// Reads the monitor until the traced packet was dropped, the probe was answered (and the
    /// last events had a moment to arrive), the first watched packet went its way, a signal
    /// came, or the time ran out.
    private func collect(from monitor: BackgroundProcess, probe: ProbeSocket?, signals: Int32,
                         timeout: Double, watch: Bool,
                         parse: @Sendable (String) -> [TraceLog.Visit]) throws -> (text: String, answer: ProbeSocket.Answer?, signal: Int32?) {
        let settle: UInt64 = 200_000_000
        var deadline = Clock.monotonicNanoseconds() + UInt64(timeout * 1e9)
        var bytes: [UInt8] = []
        var answer: ProbeSocket.Answer?
        while true {
            let now = Clock.monotonicNanoseconds()
            if now >= deadline { break }
            var fds = [pollfd(fd: monitor.output, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
            if let probe, answer == nil { fds.append(pollfd(fd: probe.fd, events: probe.pollEvents, revents: 0)) }
            let wait = Int32(min((deadline - now) / 1_000_000 + 1, 1000))
            if poll(&fds, nfds_t(fds.count), wait) < 0 && errno != EINTR { throw SystemError("poll the trace monitor") }
            if let signal = InterruptSignals.received() { return ("", nil, signal) }
            if fds[0].revents != 0 {
                let read = monitor.readAvailable()
                if read.isEmpty && fds[0].revents & Int16(POLLHUP) != 0 { break }
                bytes += read
                let visits = parse(String(decoding: bytes, as: UTF8.self))
                if visits.contains(where: { $0.events.contains { $0.verdict == "DROP" } }) {
                    deadline = min(deadline, Clock.monotonicNanoseconds() + settle / 4)
                } else if watch && !visits.isEmpty {
                    deadline = min(deadline, Clock.monotonicNanoseconds() + settle)
                }
            }
            if let probe, answer == nil, fds.count > 2, fds[2].revents != 0, let got = probe.answer() {
                answer = got
                deadline = min(deadline, Clock.monotonicNanoseconds() + settle)
            }
        }
        bytes += monitor.readAvailable()
        return (String(decoding: bytes, as: UTF8.self), answer, nil)
    }

    /// The monitor only reports packets traced after it joined the trace group: wait for that
    /// (its socket in /proc/net/netlink), at most two seconds.
    private func waitUntilListening(_ monitor: BackgroundProcess) throws {
        let nfnlGroupTrace = 9
        let start = Clock.monotonicNanoseconds()
        while Clock.monotonicNanoseconds() - start < 2_000_000_000 {
            if monitor.children().contains(where: { NetlinkSubscriptions.isSubscribed(pid: $0, netfilterGroup: nfnlGroupTrace) }) { return }
            usleep(5_000)
        }
        let said = String(decoding: monitor.readAvailable(), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
        throw TraceInputError("xtables-monitor --trace did not start listening\(said.map { ": \($0)" } ?? "")")
    }

    /// Trace tables whose bridgectl is gone (killed before it could remove them).
    private func removeStaleTraceTables() {
        guard let listing = try? Subprocess.run(["nft", "list", "tables", "ip"]), listing.status == 0 else { return }
        for (name, pid) in TraceTable.tables(inListing: listing.output) where pid != getpid() {
            if kill(pid, 0) != 0 && errno == ESRCH {
                _ = try? Subprocess.run(["nft", "delete", "table", "ip", name])
            }
        }
    }

    // MARK: Ends

    func resolveTraceSource(_ end: TraceRequest.End, watch: Bool) throws -> TraceEnd {
        switch end {
        case .host:
            return TraceEnd(label: "host", namespace: nil, addresses: [])
        case .gateway(let name):
            return try gatewayEnd(name, role: "SRC")
        case .container(let reference):
            return try containerEnd(reference, role: "SRC")
        case .address(let address):
            if let owner = try addressOwner(address) { return owner }
            if watch { return TraceEnd(label: "\(address)", namespace: nil, addresses: [address]) }
            throw TraceInputError("SRC '\(address)': no container, namespace or host interface here has this address to send from (--watch traces a packet from anywhere)")
        }
    }

    func resolveTraceDestination(_ end: TraceRequest.End, from source: TraceEnd) throws -> (IPv4Address?, String) {
        switch end {
        case .host:
            // How the source reaches this host: a container through its gateway, the host itself on
            // loopback, another namespace through the host's address on its subnet.
            if let gateway = source.gateways.first { return (gateway, "host") }
            if source.namespace == nil { return (IPv4Address(0x7f00_0001), "host") }
            let view = try observeHost([.hostAddresses]).host
            if let sourceAddress = source.addresses.first,
               let facing = view.addresses.first(where: { $0.address.network.contains(sourceAddress) }) {
                return (facing.address.ip, "host")
            }
            throw TraceInputError("DST 'host': \(source.label) has no address on a subnet of this host's; name the host's address instead")
        case .gateway(let name):
            let end = try gatewayEnd(name, role: "DST")
            return (end.addresses.first, end.label)
        case .container(let reference):
            let end = try containerEnd(reference, role: "DST")
            let shared = zip(end.networks, end.addresses).first { source.networks.contains($0.0) }?.1
            guard let address = shared ?? end.addresses.first else {
                throw TraceInputError("DST '\(Names.printable(reference))': container \(end.label) has no address of its own (network none or host)")
            }
            return (address, end.label)
        case .address(let address):
            return (address, "\(address)")
        }
    }

    private func gatewayEnd(_ reference: String, role: String) throws -> TraceEnd {
        let network: NetworkRecord
        do { network = try self.network(reference) } catch let error as EngineError {
            throw TraceInputError("\(role) 'gateway:\(Names.printable(reference))': \(error)")
        }
        guard network.isBridged, let gateway = network.gateway else {
            throw TraceInputError("\(role) 'gateway:\(Names.printable(reference))': network \(network.name) has no gateway (driver \(network.driver))")
        }
        return TraceEnd(label: "gateway:\(network.name)", namespace: nil, addresses: [gateway])
    }

    private func containerEnd(_ reference: String, role: String) throws -> TraceEnd {
        let record: ContainerRecord
        do { record = try container(reference) } catch let error as EngineError {
            throw TraceInputError("\(role) '\(Names.printable(reference))': \(error) (expected a container, gateway:NETWORK, host or an IPv4 address)")
        }
        if record.mode == .host { return TraceEnd(label: record.name, namespace: nil, addresses: []) }
        return TraceEnd(label: record.name, namespace: record.name, addresses: record.endpoints.map(\.address),
                        networks: record.endpoints.map(\.networkID), gateways: record.endpoints.map(\.gateway))
    }

    /// Who holds `address`: a container (by its record), the host (an interface address), or
    /// another named namespace (/run/netns, entered to read its addresses).
    private func addressOwner(_ address: IPv4Address) throws -> TraceEnd? {
        for record in try containers() where record.endpoints.contains(where: { $0.address == address }) {
            var end = try containerEnd(record.name, role: "SRC")
            end.addresses = [address] + end.addresses.filter { $0 != address }
            return end
        }
        let snapshot = try observeHost([.hostAddresses, .namespaces])
        if snapshot.host.addresses.contains(where: { $0.address.ip == address }) {
            return TraceEnd(label: "host", namespace: nil, addresses: [address])
        }
        let others = snapshot.namespaceNames.sorted()
        let inside = try observeHost([.containerNamespaces], containerNamespaces: others)
        for name in others where inside.containerNamespaces[name]?.addresses.contains(where: { $0.address.ip == address }) == true {
            return TraceEnd(label: name, namespace: name, addresses: [address])
        }
        return nil
    }

    // MARK: Words

    static func describeProbe(_ request: TraceRequest, source: TraceEnd, destination: IPv4Address?,
                              destinationLabel: String, sourcePort: UInt16?) -> String {
        let what = request.transport == .icmp ? "icmp echo" : request.transport.rawValue
        var from = source.label
        if let address = source.addresses.first, source.label != "\(address)" {
            from += " (\(address)\(sourcePort.map { ":\($0)" } ?? ""))"
        } else if let sourcePort {
            from += " (port \(sourcePort))"
        }
        var target = destination.map { "\($0)" } ?? "any address"
        if let port = request.port { target += ":\(port)" }
        let to = destinationLabel == destination.map({ "\($0)" }) ? target : "\(destinationLabel) (\(target))"
        return "\(what) from \(from) to \(to)"
    }

    static func probeKind(_ transport: TraceRequest.Transport) -> ProbeSocket.Kind {
        switch transport {
        case .tcp: return .tcp
        case .udp: return .udp
        case .icmp: return .icmp
        }
    }

    static func toolExists(_ name: String) -> Bool {
        ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].contains { access("\($0)/\(name)", X_OK) == 0 }
    }
}
