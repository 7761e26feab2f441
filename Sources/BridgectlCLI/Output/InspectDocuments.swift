import BridgeModel
import Templates

/// The JSON documents `inspect` prints, shaped like Docker's so habits and scripts carry over.
enum InspectDocuments {
    static func network(_ network: NetworkRecord, containers: [ContainerRecord]) -> JSONValue {
        var ipamConfig: [JSONValue] = []
        if let subnet = network.subnet, let gateway = network.gateway {
            var config: [(String, JSONValue)] = [("Subnet", .string(subnet.description)), ("Gateway", .string(gateway.description))]
            if let range = network.ipRange { config.append(("IPRange", .string(range.description))) }
            if !network.auxAddresses.isEmpty {
                config.append(("AuxiliaryAddresses", .stringMap(network.auxAddresses.mapValues(\.description))))
            }
            ipamConfig.append(.object(config))
        }
        var ipamOptions: [String: String] = [:]
        if !network.ipamNotes.isEmpty { ipamOptions["bridgectl.skipped-subnets"] = network.ipamNotes.joined(separator: "; ") }
        var attached: [(String, JSONValue)] = []
        for container in containers {
            guard let endpoint = container.endpoint(on: network.id) else { continue }
            attached.append((container.id.hex, .object([
                "Name": .string(container.name),
                "EndpointID": .string(endpoint.endpointID.hex),
                "MacAddress": .string(endpoint.mac.description),
                "IPv4Address": .string(endpoint.interfaceAddress.description),
                "IPv6Address": .string(""),
            ])))
        }
        var options = network.rawOptions
        if network.kind == .defaultBridge {
            options[NetworkOptions.bridgeNameKey] = network.bridgeName
            options[NetworkOptions.enableICCKey] = String(network.options.enableICC)
            options[NetworkOptions.enableMasqueradeKey] = String(network.options.enableIPMasquerade)
            options[NetworkOptions.hostBindingKey] = network.options.hostBindingIPv4.description
            options[NetworkOptions.mtuKey] = String(network.options.mtu)
        }
        return .object([
            "Name": .string(network.name),
            "Id": .string(network.id.hex),
            "Created": .string(network.created),
            "Scope": .string(network.scope),
            "Driver": .string(network.driver),
            "EnableIPv4": .bool(network.isBridged),
            "EnableIPv6": .bool(false),
            "IPAM": .object([
                "Driver": .string("default"),
                "Options": .stringMap(ipamOptions),
                "Config": .array(ipamConfig),
            ]),
            "Internal": .bool(network.isInternal),
            "Attachable": .bool(false),
            "Ingress": .bool(false),
            "ConfigFrom": .object(["Network": .string("")]),
            "ConfigOnly": .bool(false),
            "Containers": .object(attached),
            "Options": .stringMap(options),
            "Labels": .stringMap(network.labels),
        ])
    }

    /// Docker's shape: {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}, one key per
    /// container port even for a range, as Docker has it and as templates like
    /// `{{index .NetworkSettings.Ports "80/tcp"}}` expect. Its size is bounded by 65535 ports
    /// per protocol and host address.
    static func ports(_ bindings: [PortBinding]) -> JSONValue {
        var keys: [String] = []
        var grouped: [String: [JSONValue]] = [:]
        for binding in bindings.flatMap(\.singlePorts) {
            let key = "\(binding.containerPort)/\(binding.transport.rawValue)"
            if grouped[key] == nil { keys.append(key) }
            grouped[key, default: []].append(.object(["HostIp": .string(binding.hostIP.description),
                                                      "HostPort": .string(String(binding.hostPort))]))
        }
        return .object(keys.map { ($0, .array(grouped[$0]!)) })
    }

    static func container(_ container: ContainerRecord, networks: [ObjectID: NetworkRecord], pids: [Int32]) -> JSONValue {
        var attached: [(String, JSONValue)] = []
        for endpoint in container.endpoints {
            let network = networks[endpoint.networkID]
            let ipamConfig: JSONValue = endpoint.staticAddress
                ? .object(["IPv4Address": .string(endpoint.address.description)]) : .null
            attached.append((network?.name ?? endpoint.networkID.short, .object([
                "IPAMConfig": ipamConfig,
                "Links": .null,
                "Aliases": .strings(endpoint.aliases),
                "MacAddress": .string(endpoint.mac.description),
                "NetworkID": .string(endpoint.networkID.hex),
                "EndpointID": .string(endpoint.endpointID.hex),
                "Gateway": .string(endpoint.gateway.description),
                "IPAddress": .string(endpoint.address.description),
                "IPPrefixLen": .int(endpoint.prefixLength),
                "IPv6Gateway": .string(""),
                "GlobalIPv6Address": .string(""),
                "GlobalIPv6PrefixLen": .int(0),
                "InterfaceName": .string(endpoint.interfaceName),
                "HostInterfaceName": .string(endpoint.hostInterfaceName),
                "DNSNames": .strings(network?.kind == .user ? [container.name] + endpoint.aliases : []),
            ])))
        }
        for special in networks.values where container.mode != .bridged && special.kind.rawValue == container.mode.rawValue {
            attached.append((special.name, .object([
                "NetworkID": .string(special.id.hex),
                "IPAddress": .string(""),
                "IPPrefixLen": .int(0),
                "Gateway": .string(""),
                "MacAddress": .string(""),
            ])))
        }
        let firstNetwork = container.endpoints.first.flatMap { networks[$0.networkID]?.name }
        let mode = container.mode == .bridged ? (firstNetwork ?? "none") : container.mode.rawValue
        let extraHosts = container.extraHosts.map { extra -> String in
            switch extra.target {
            case .address(let ip): return "\(extra.name):\(ip)"
            case .hostGateway: return "\(extra.name):host-gateway"
            }
        }
        // A runtime's container: its namespace is where the runtime keeps it (Docker's SandboxKey
        // is the runtime's path too), and its resolv.conf and hosts are the runtime's, not here.
        let etcDirectory = container.runtime == nil ? "/etc/netns/\(container.name)" : nil
        var document: [(String, JSONValue)] = [
            ("Id", .string(container.id.hex)),
            ("Created", .string(container.created)),
            ("Name", .string("/" + container.name)),
            ("State", .object([
                "Status": .string(pids.isEmpty ? "created" : "running"),
                "Running": .bool(!pids.isEmpty),
                "Pid": .int(Int(pids.first ?? 0)),
            ])),
            ("Config", .object(["Hostname": .string(container.hostname)])),
            ("HostConfig", .object([
                "NetworkMode": .string(mode),
                "Dns": .strings(container.dns.map(\.description)),
                "DnsSearch": .strings(container.dnsSearch),
                "ExtraHosts": .strings(extraHosts),
            ])),
            ("ResolvConfPath", .string(container.mode == .host ? "/etc/resolv.conf" : etcDirectory.map { "\($0)/resolv.conf" } ?? "")),
            ("HostsPath", .string(container.mode == .host ? "/etc/hosts" : etcDirectory.map { "\($0)/hosts" } ?? "")),
            ("NetworkSettings", .object([
                "SandboxKey": .string(container.runtime?.netnsPath ?? "/run/netns/\(container.name)"),
                "Ports": ports(container.ports),
                "Networks": .object(attached),
            ])),
        ]
        if let runtime = container.runtime {
            document.append(("Runtime", .object([
                "ContainerID": .string(runtime.containerID),
                "IfName": .string(runtime.ifName),
                "NetnsPath": .string(runtime.netnsPath),
                "Mount": .string("/run/netns/\(container.name)"),
            ])))
        }
        return .object(document)
    }
}
