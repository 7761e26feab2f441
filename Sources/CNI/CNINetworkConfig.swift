import BridgeModel
import Planning

/// The plugin configuration a runtime streams on stdin. Only what every command needs is read up
/// front (version, name, type, where the state is, prevResult, GC's list); the network's settings
/// and the runtime's capability arguments are read by ADD and STATUS, so a DEL succeeds whatever
/// the rest says.
public struct CNINetworkConfig: Sendable {
    public var version: CNIVersion
    /// The bridgectl network.
    public var name: String
    public var type: String
    /// The previous plugin's result (ADD in a chain) or the ADD's final result (CHECK, DEL),
    /// kept as it came.
    public var prevResult: CNIJSON?
    /// What the config declares the runtime may pass in `runtimeConfig` (`portMappings`,
    /// `aliases`, `ips`, `mac`); for the runtime to read, bridgectl reads whatever comes.
    public var capabilities: [String: Bool]
    /// GC: the attachments still valid; nil when the runtime sent no list.
    public var validAttachments: [CNIAttachmentKey]?
    /// `"stateRoot"`: the state root (the CLI's `--root`). It is in the config because the
    /// config is the one thing every call for the network carries: podman's cleanup DEL after a
    /// container exits runs the plugin with a bare environment, without `BRIDGECTL_ROOT`.
    public var stateRoot: String?
    /// `"firewall"`: the backend (the CLI's `--firewall`), in the config for the same reason.
    public var firewall: FirewallBackend?
    /// The whole document, for the settings read later.
    public var document: CNIJSON

    /// Config keys of other plugins that bridgectl cannot honour: silently ignoring them would
    /// give the user a different network than the one they wrote.
    static let unsupportedKeys = ["ipam", "ipv6", "bridge", "isGateway", "isDefaultGateway", "hairpinMode", "vlan"]

    public init(parsing bytes: [UInt8]) throws(CNIError) {
        let document: CNIJSON
        do {
            document = try CNIJSON(parsing: bytes)
        } catch {
            throw CNIError(.decodingFailure, "error parsing the network config", details: error.description)
        }
        guard document.objectMembers != nil else {
            throw CNIError(.decodingFailure, "error parsing the network config", details: "expected a JSON object, got \(document.kindName)")
        }
        self.document = document
        // A config without a version is an old one (libcni reads it as 0.1.0): incompatible.
        guard let versionText = try Self.string(document, "cniVersion") else {
            throw CNIError(.incompatibleVersion, "incompatible CNI versions",
                           details: "config has no cniVersion, plugin supports \(CNIVersion.supportedList)")
        }
        version = try CNIVersion(requested: versionText)
        guard let name = try Self.string(document, "name"), !name.isEmpty else {
            throw CNIError(.invalidNetworkConfig, "missing network name")
        }
        do {
            try Names.validateObjectName(name, kind: "network")
        } catch {
            throw CNIError(.invalidNetworkConfig, "invalid network name '\(Names.printable(name))'",
                           details: "expected [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 128 characters")
        }
        self.name = name
        guard let type = try Self.string(document, "type"), !type.isEmpty else {
            throw CNIError(.invalidNetworkConfig, "missing plugin type", details: "the config has no \"type\"")
        }
        self.type = type
        stateRoot = try Self.stateRoot(document)
        firewall = try Self.firewall(document)
        capabilities = [:]
        switch document["capabilities"] {
        case nil, .null?: break
        case .object(let members)?:
            for (key, value) in members {
                guard case .bool(let flag) = value else { throw Self.wrongType("capabilities.\(key)", expected: "true or false", got: value) }
                capabilities[key] = flag
            }
        case let other?: throw Self.wrongType("capabilities", expected: "an object", got: other)
        }
        switch document["prevResult"] {
        case nil, .null?: prevResult = nil
        case .object?: prevResult = document["prevResult"]
        case let other?: throw Self.wrongType("prevResult", expected: "an object", got: other)
        }
        // libcni sends both names: the spec's text said `cni.dev/attachments`, its code reads
        // `cni.dev/valid-attachments`.
        let validList = try Self.attachments(document, "cni.dev/valid-attachments")
        let specList = try Self.attachments(document, "cni.dev/attachments")
        validAttachments = validList ?? specList
    }

    public init(parsing text: String) throws(CNIError) { try self.init(parsing: Array(text.utf8)) }

    /// The supported version a document asks for, if it is readable that far: an error about
    /// the rest of it is answered in that version.
    public static func declaredVersion(in bytes: [UInt8]) -> CNIVersion? {
        guard let document = try? CNIJSON(parsing: bytes), case .string(let text)? = document["cniVersion"] else { return nil }
        return CNIVersion(rawValue: text)
    }

    // MARK: Where the state is (every command but VERSION)

    /// The longest path the kernel takes: PATH_MAX (4096) less the terminating NUL.
    static let maximumPathBytes = 4095

    static func stateRoot(_ document: CNIJSON) throws(CNIError) -> String? {
        guard let path = try string(document, "stateRoot") else { return nil }
        // A relative root would depend on the runtime's working directory, which differs between
        // the ADD and the cleanup DEL: the two would not see the same state.
        guard path.hasPrefix("/"), path.utf8.count <= maximumPathBytes,
              !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw CNIError(.invalidNetworkConfig, "invalid stateRoot '\(shown(path))'",
                           details: "expected an absolute path (at most \(maximumPathBytes) bytes, no control characters)")
        }
        return path
    }

    static func firewall(_ document: CNIJSON) throws(CNIError) -> FirewallBackend? {
        guard let text = try string(document, "firewall") else { return nil }
        do {
            return try FirewallBackend(parsing: text)
        } catch {
            throw CNIError(.invalidNetworkConfig, "invalid firewall '\(shown(text))'", details: "expected iptables or nftables")
        }
    }

    // MARK: Network settings (ADD, STATUS)

    /// The bridgectl network the config describes, in `network create`'s terms: the fields left
    /// out are left to bridgectl's defaults (a free subnet, ICC on, masquerade on, MTU 1500),
    /// and only the options the config sets are passed, so they read as the user's in inspect.
    public func networkRequest() throws(CNIError) -> NetworkCreateRequest {
        for key in Self.unsupportedKeys {
            if let value = document[key] {
                throw CNIError(.unsupportedField, "unsupported field \"\(key)\": \(Self.shown(value))",
                               details: "bridgectl allocates addresses itself; use subnet, gateway and ipRange")
            }
        }
        let subnet = try cidr("subnet")
        let gateway = try address("gateway")
        let ipRange = try cidr("ipRange")
        var options: [(key: String, value: String)] = []
        if let icc = try Self.bool(document, "icc") {
            options.append((NetworkOptions.enableICCKey, String(icc)))
        }
        if let masquerade = try Self.bool(document, "ipMasq") {
            options.append((NetworkOptions.enableMasqueradeKey, String(masquerade)))
        }
        if let mtu = try Self.integer(document, "mtu") {
            guard (68...65535).contains(mtu) else {
                throw CNIError(.invalidNetworkConfig, "invalid mtu \(mtu)", details: "expected 68 to 65535")
            }
            options.append((NetworkOptions.mtuKey, String(mtu)))
        }
        let isInternal = try Self.bool(document, "internal") ?? false
        if gateway != nil && subnet == nil { throw CNIError(.invalidNetworkConfig, "gateway needs a subnet") }
        if ipRange != nil && subnet == nil { throw CNIError(.invalidNetworkConfig, "ipRange needs a subnet") }
        if let subnet, let gateway, !subnet.contains(gateway) {
            throw CNIError(.invalidNetworkConfig, "gateway \(gateway) is not in subnet \(subnet)")
        }
        if let subnet, let ipRange, !subnet.contains(ipRange) {
            throw CNIError(.invalidNetworkConfig, "ipRange \(ipRange) is not in subnet \(subnet)")
        }
        return NetworkCreateRequest(name: name, subnet: subnet, gateway: gateway, ipRange: ipRange,
                                    isInternal: isInternal, options: options)
    }

    private func cidr(_ key: String) throws(CNIError) -> IPv4Network? {
        guard let text = try Self.string(document, key) else { return nil }
        do {
            return try IPv4Network(parsing: text)
        } catch {
            throw CNIError(.invalidNetworkConfig, "invalid \(key)", details: error.message)
        }
    }

    private func address(_ key: String) throws(CNIError) -> IPv4Address? {
        guard let text = try Self.string(document, key) else { return nil }
        guard let ip = IPv4Address(text) else {
            throw CNIError(.invalidNetworkConfig, "invalid \(key) '\(Names.printable(text))'", details: "expected an IPv4 address")
        }
        return ip
    }

    // MARK: Capability arguments (ADD)

    /// `runtimeConfig` as podman and the CNI conventions send it. Unknown capabilities are
    /// ignored (the runtime only sends the ones the config declares, and a newer runtime may
    /// know more).
    public func runtimeConfig() throws(CNIError) -> CNIRuntimeConfig {
        var result = CNIRuntimeConfig()
        guard let runtime = document["runtimeConfig"] else { return result }
        guard case .object = runtime else { throw Self.wrongType("runtimeConfig", expected: "an object", got: runtime) }
        if let mappings = runtime["portMappings"] {
            guard case .array(let items) = mappings else { throw Self.wrongType("runtimeConfig.portMappings", expected: "an array", got: mappings) }
            result.portMappings = try items.enumerated().map { index, item throws(CNIError) in
                try Self.portMapping(item, at: "runtimeConfig.portMappings[\(index)]")
            }
        }
        if let aliases = runtime["aliases"] {
            guard case .object(let networks) = aliases else { throw Self.wrongType("runtimeConfig.aliases", expected: "an object", got: aliases) }
            for (network, names) in networks where network == name {
                guard case .array(let items) = names else {
                    throw Self.wrongType("runtimeConfig.aliases.\(network)", expected: "an array of strings", got: names)
                }
                for item in items {
                    guard case .string(let alias) = item else {
                        throw Self.wrongType("runtimeConfig.aliases.\(network)", expected: "an array of strings", got: item)
                    }
                    if !result.aliases.contains(alias) { result.aliases.append(alias) }
                }
            }
        }
        if let ips = runtime["ips"] {
            guard case .array(let items) = ips else { throw Self.wrongType("runtimeConfig.ips", expected: "an array of strings", got: ips) }
            for item in items {
                guard case .string(let text) = item else { throw Self.wrongType("runtimeConfig.ips", expected: "an array of strings", got: item) }
                // The convention's form is an address with its prefix; a bare address is taken too.
                let addressText = text.split(separator: "/", maxSplits: 1).first.map(String.init) ?? text
                if addressText.contains(":") {
                    throw CNIError(.unsupportedField, "unsupported field \"runtimeConfig.ips\": \"\(Names.printable(text))\"",
                                   details: "bridgectl networks are IPv4 only")
                }
                guard let ip = IPv4Address(addressText) else {
                    throw CNIError(.invalidNetworkConfig, "invalid runtimeConfig.ips entry '\(Names.printable(text))'",
                                   details: "expected an IPv4 address like 10.88.0.5/16")
                }
                if let earlier = result.ip, earlier != ip {
                    throw CNIError(.unsupportedField, "unsupported field \"runtimeConfig.ips\": \(Self.shown(ips))",
                                   details: "a bridgectl attachment has one IPv4 address")
                }
                result.ip = ip
            }
        }
        if let mac = runtime["mac"] {
            guard case .string(let text) = mac else { throw Self.wrongType("runtimeConfig.mac", expected: "a string", got: mac) }
            guard let parsed = CNIArgs.parseMAC(text) else {
                throw CNIError(.invalidNetworkConfig, "invalid runtimeConfig.mac '\(Names.printable(text))'",
                               details: "expected a unicast MAC address like 02:42:0a:58:00:05")
            }
            result.mac = parsed
        }
        return result
    }

    static func portMapping(_ item: CNIJSON, at path: String) throws(CNIError) -> PortBinding {
        guard case .object = item else { throw wrongType(path, expected: "an object", got: item) }
        func port(_ key: String) throws(CNIError) -> UInt16 {
            guard let value = try integer(item, key, path: path) else {
                throw CNIError(.invalidNetworkConfig, "\(path) has no \(key)")
            }
            guard (1...65535).contains(value) else {
                throw CNIError(.invalidNetworkConfig, "invalid \(path).\(key) \(value)", details: "expected a port from 1 to 65535")
            }
            return UInt16(value)
        }
        let hostPort = try port("hostPort")
        let containerPort = try port("containerPort")
        let protocolText = try string(item, "protocol", path: path) ?? "tcp"
        guard let transport = TransportProtocol(rawValue: protocolText.lowercased()) else {
            throw CNIError(.unsupportedField, "unsupported field \"\(path).protocol\": \"\(Names.printable(protocolText))\"",
                           details: "bridgectl publishes tcp and udp")
        }
        var hostIP = IPv4Address.any
        if let text = try string(item, "hostIP", path: path), !text.isEmpty {
            guard let ip = IPv4Address(text) else {
                if text.contains(":") {
                    throw CNIError(.unsupportedField, "unsupported field \"\(path).hostIP\": \"\(Names.printable(text))\"",
                                   details: "bridgectl publishes on IPv4 addresses only")
                }
                throw CNIError(.invalidNetworkConfig, "invalid \(path).hostIP '\(Names.printable(text))'", details: "expected an IPv4 address")
            }
            hostIP = ip
        }
        return PortBinding(hostIP: hostIP, hostPort: hostPort, containerPort: containerPort, transport: transport)
    }

    // MARK: Typed reads

    static func wrongType(_ path: String, expected: String, got value: CNIJSON) -> CNIError {
        CNIError(.decodingFailure, "error decoding the network config", details: "\(path) must be \(expected), not \(value.kindName)")
    }

    static func member(_ object: CNIJSON, _ key: String, path: String?) -> (CNIJSON?, String) {
        (object[key], path.map { "\($0).\(key)" } ?? key)
    }

    /// A missing key and JSON null both read as absent, as Go's decoder has it.
    static func string(_ object: CNIJSON, _ key: String, path: String? = nil) throws(CNIError) -> String? {
        let (value, shownPath) = member(object, key, path: path)
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw wrongType(shownPath, expected: "a string", got: other)
        }
    }

    static func bool(_ object: CNIJSON, _ key: String, path: String? = nil) throws(CNIError) -> Bool? {
        let (value, shownPath) = member(object, key, path: path)
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case let other?: throw wrongType(shownPath, expected: "true or false", got: other)
        }
    }

    static func integer(_ object: CNIJSON, _ key: String, path: String? = nil) throws(CNIError) -> Int? {
        let (value, shownPath) = member(object, key, path: path)
        switch value {
        case nil, .null?: return nil
        case .number(let text)?:
            guard let number = Int(text) else { throw wrongType(shownPath, expected: "a whole number", got: .number(text)) }
            return number
        case let other?: throw wrongType(shownPath, expected: "a whole number", got: other)
        }
    }

    static func attachments(_ document: CNIJSON, _ key: String) throws(CNIError) -> [CNIAttachmentKey]? {
        switch document[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.enumerated().map { index, item throws(CNIError) in
                let path = "\(key)[\(index)]"
                guard case .object = item else { throw wrongType(path, expected: "an object", got: item) }
                guard let containerID = try string(item, "containerID", path: path),
                      let ifName = try string(item, "ifname", path: path) else {
                    throw CNIError(.invalidNetworkConfig, "\(path) needs containerID and ifname")
                }
                return CNIAttachmentKey(containerID: containerID, ifName: ifName)
            }
        case let other?: throw wrongType(key, expected: "an array", got: other)
        }
    }

    /// A value inside one error line: compact JSON, cut short.
    static func shown(_ value: CNIJSON) -> String { shown(value.compact) }

    /// A text inside one error line: control characters escaped, cut short.
    static func shown(_ text: String) -> String {
        let printable = Names.printable(text)
        return printable.count > 80 ? String(printable.prefix(77)) + "..." : printable
    }
}

/// What identifies an attachment for GC: the spec's `(CNI_CONTAINERID, CNI_IFNAME)`.
public struct CNIAttachmentKey: Hashable, Sendable {
    public var containerID: String
    public var ifName: String
    public init(containerID: String, ifName: String) { self.containerID = containerID; self.ifName = ifName }
}

/// The capability arguments bridgectl acts on.
public struct CNIRuntimeConfig: Equatable, Sendable {
    public var portMappings: [PortBinding] = []
    /// `aliases.<this network>`, in order, without repeats.
    public var aliases: [String] = []
    public var ip: IPv4Address?
    public var mac: MACAddress?
    public init() {}
}
