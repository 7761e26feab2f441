import BridgeModel

/// Containers a runtime made (podman, containerd, a kubelet), attached through the CNI plugin.
/// They are ordinary container records with `runtime` set, so the resolver, doctor, explain and
/// `container ls` treat them like bridgectl's own; what differs is only what the runtime owns:
/// the namespace (bind-mounted under the container's name, never made or deleted by bridgectl),
/// its processes (never killed) and its /etc files (never written: the runtime makes
/// resolv.conf and hosts; the embedded DNS still answers at 127.0.0.11). Pure.
extension ContainerPlanner {
    /// The container's name: the pod name the runtime sent (K8S_POD_NAME, podman's container
    /// name) when it is a valid container name that no container or namespace holds; otherwise
    /// one derived from the runtime's container ID: a long hex ID (podman's, a kubelet's) is
    /// shortened to its first 12 characters as Docker shortens IDs, any other ID (ctr's
    /// `default-c1`) is kept whole, with characters a name cannot hold replaced by '-'; if that
    /// is taken too, `-2`, `-3`, ... is appended.
    public static func runtimeContainerName(requested: String?, containerID: String,
                                            isTaken: (String) -> Bool) -> String {
        if let requested, (try? Names.validateObjectName(requested, kind: "container")) != nil, !isTaken(requested) {
            return requested
        }
        let base = derivedName(fromRuntimeID: containerID)
        if !isTaken(base) { return base }
        var suffix = 2
        while isTaken("\(base)-\(suffix)") { suffix += 1 }
        return "\(base)-\(suffix)"
    }

    static func derivedName(fromRuntimeID containerID: String) -> String {
        let isHex = containerID.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        if isHex && containerID.utf8.count >= 32 { return String(containerID.prefix(12)) }
        var name = String(containerID.unicodeScalars.map { scalar -> Character in
            let isNameCharacter = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                                                     || scalar == "_" || scalar == "." || scalar == "-")
            return isNameCharacter ? Character(scalar) : "-"
        })
        // A name starts with a letter or digit, and leaves room for a suffix within 128 bytes.
        while let first = name.unicodeScalars.first, !(first.properties.isAlphabetic || ("0"..."9").contains(first)) {
            name.removeFirst()
        }
        name = String(name.prefix(100))
        return name.isEmpty ? "cni" : name
    }

    /// Attaches a runtime's namespace to one bridgectl network: the create plan of an ordinary
    /// container on that network, with the runtime's namespace in place of a new one, its
    /// interface named `attachment.ifName`, and the MAC asked for (else Docker's, derived from
    /// the address). `ports` are already resolved to host ports.
    public static func createRuntime(name: String, attachment: RuntimeAttachment, target: AttachTarget,
                                     requestedIP: IPv4Address?, mac: MACAddress?, aliases: [String],
                                     ports: [PortBinding], id: ObjectID, created: String,
                                     endpointID: ObjectID) throws -> (ContainerRecord, Plan) {
        try Names.validateObjectName(name, kind: "container")
        try Names.validateInterfaceName(attachment.ifName)
        for alias in aliases { try Names.validateDomainName(alias, kind: "alias") }
        let network = target.network
        guard network.kind == .user else { throw PlanningError.builtinNetwork(network.name, action: "used by a CNI runtime") }
        if let mac, mac.bytes[0] & 1 == 1 { throw PlanningError.multicastMAC(mac) }
        var record = ContainerRecord(id: id, name: name, created: created, hostname: name, mode: .bridged,
                                     runtime: attachment)
        var endpoint = try makeEndpoint(container: record, network: network, used: target.usedAddresses,
                                        requestedIP: requestedIP, aliases: aliases, endpointID: endpointID)
        endpoint.interfaceName = attachment.ifName
        if let mac { endpoint.mac = mac }
        record.endpoints = [endpoint]
        var claims: [Step] = [.claimAddress(endpoint.address, network: network.id, container: id)]
        if !ports.isEmpty {
            guard !network.isInternal else { throw PortError.internalNetwork(network.name) }
            record.ports = ports
            record.publishedNetwork = network.id
            claims += ports.map { .claimPort($0, container: id) }
        }
        var steps = hostSteps(for: record, networks: [network], hostResolver: EtcFiles.ResolverConfig())
        steps += claims
        steps.append(.putContainer(record, previous: nil))
        return (record, Plan(summary: "attach runtime container \(name)", steps: steps, onInterruption: .rollBack))
    }

    /// Detaches a runtime's container: its published ports, its host veth (deleted explicitly,
    /// since the runtime's namespace, and the peer in it, outlive bridgectl's mount; in the
    /// background, as nothing reuses its name), the mount, and the bookkeeping. No process is killed and nothing is removed from the namespace.
    static func removeRuntime(_ container: ContainerRecord, publishedNetwork: NetworkRecord?) -> Plan {
        var steps: [Step] = []
        if let publishedNetwork { steps += unpublishSteps(container, network: publishedNetwork) }
        for endpoint in container.endpoints {
            steps.append(.deleteHostLinkInBackground(name: endpoint.hostInterfaceName))
        }
        steps.append(.detachNamespace(name: container.name))
        for endpoint in container.endpoints {
            steps.append(.releaseAddress(endpoint.address, network: endpoint.networkID, container: container.id))
        }
        steps += container.ports.map { .releasePort($0, container: container.id) }
        steps.append(.removeContainer(container))
        return Plan(summary: "detach runtime container \(container.name)", steps: steps, onInterruption: .rollForward,
                    redoIntent: .removeContainer(container.id))
    }
}

extension NetworkPlanner {
    /// The first way an existing network contradicts a CNI config of the same name, in words
    /// ("subnet is 10.1.0.0/24, the config says 10.2.0.0/24"); nil when it satisfies it.
    /// Settings the config leaves out (no subnet, gateway or ipRange; an option not given)
    /// accept the network's: the config asks only for what it states. `internal` is always stated.
    public static func cniConflict(existing: NetworkRecord, request: NetworkCreateRequest) throws -> String? {
        guard existing.kind == .user else { return "'\(existing.name)' is a pre-defined network, not one a CNI config can use" }
        func differs<T: Equatable & CustomStringConvertible>(_ what: String, _ have: T?, _ want: T?) -> String? {
            guard let want, have != want else { return nil }
            return "\(what) is \(have.map(\.description) ?? "unset"), the config says \(want)"
        }
        let given = Set(request.options.map(\.key))
        let wanted = try NetworkOptions(parsing: request.options)
        let have = existing.options
        return differs("subnet", existing.subnet, request.subnet)
            ?? differs("gateway", existing.gateway, request.gateway)
            ?? differs("ipRange", existing.ipRange, request.ipRange)
            ?? (given.contains(NetworkOptions.enableICCKey) ? differs("icc", have.enableICC, wanted.enableICC) : nil)
            ?? differs("internal", existing.isInternal, request.isInternal)
            ?? (given.contains(NetworkOptions.enableMasqueradeKey)
                ? differs("ipMasq", have.enableIPMasquerade, wanted.enableIPMasquerade) : nil)
            ?? (given.contains(NetworkOptions.mtuKey) ? differs("mtu", have.mtu, wanted.mtu) : nil)
    }
}

extension ContainerPlanner {
    /// Why no container could join `network` now (its pool has no free address, its bridge no
    /// free port), in words; nil when one can.
    public static func attachBlocker(network: NetworkRecord, used: Set<IPv4Address>) -> String? {
        guard let subnet = network.subnet, let gateway = network.gateway else { return "network '\(network.name)' has no subnet" }
        if used.count >= maxPortsPerBridge {
            return PlanningError.bridgePortLimit(network: network.name, bridge: network.bridgeName).message
        }
        let addressing = Addressing(subnet: subnet, gateway: gateway, ipRange: network.ipRange, auxAddresses: network.auxAddresses)
        do {
            _ = try IPAM.allocate(in: addressing, used: used, requested: nil, networkName: network.name)
            return nil
        } catch {
            return error.message
        }
    }
}
