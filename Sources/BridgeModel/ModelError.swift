/// An error a user caused and can fix. `message` is one line naming the offending value; the CLI
/// prints it after "Error: ".
public protocol UserFacingError: Error, CustomStringConvertible {
    var message: String { get }
}

extension UserFacingError {
    public var description: String { message }
}

/// Invalid values: names, addresses, options.
public enum ModelError: UserFacingError, Equatable {
    case invalidCIDR(String)
    case cidrHasHostBits(String, network: IPv4Network)
    case invalidIPv4(String)
    case invalidName(String, kind: String)
    case invalidDomainName(String, kind: String, reason: String)
    case invalidInterfaceName(String)
    case interfaceNameTooLong(String)
    case unknownOption(String)
    case invalidOptionValue(key: String, value: String)
    case invalidKeyValue(String, flag: String)
    case invalidAddHost(String)
    case invalidPublish(String, reason: String)
    case invalidFirewall(String)

    /// User values are shown with control characters escaped, so the message stays one line
    /// and shows exactly what was given.
    public var message: String {
        let shown = Names.printable
        switch self {
        case .invalidCIDR(let text): return "invalid CIDR '\(shown(text))': expected an IPv4 subnet like 172.20.0.0/16"
        case .cidrHasHostBits(let text, let network): return "invalid subnet '\(shown(text))': host bits are set, did you mean \(network)?"
        case .invalidIPv4(let text): return "invalid IPv4 address '\(shown(text))'"
        case .invalidName(let name, let kind): return "invalid \(kind) name '\(shown(name))': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
        case .invalidDomainName(let name, let kind, let reason): return "invalid \(kind) '\(shown(name))': \(reason)"
        case .invalidInterfaceName(let name): return "invalid interface name '\(shown(name))'"
        case .interfaceNameTooLong(let name): return "interface name '\(shown(name))' is longer than 15 bytes"
        case .unknownOption(let key): return "unknown network option '\(shown(key))'"
        case .invalidOptionValue(let key, let value): return "invalid value '\(shown(value))' for option \(key)"
        case .invalidKeyValue(let text, let flag): return "invalid \(flag) '\(shown(text))': expected KEY=VALUE"
        case .invalidAddHost(let text): return "invalid --add-host '\(shown(text))': expected NAME:IP or NAME:host-gateway"
        case .invalidPublish(let text, let reason): return "invalid --publish '\(shown(text))': \(reason)"
        case .invalidFirewall(let text): return "invalid firewall backend '\(shown(text))': expected iptables or nftables"
        }
    }
}

/// Parses "KEY=VALUE" as given to `-o`, `--label`, `--aux-address` and `-e`.
public func parseKeyValue(_ text: String, flag: String) throws(ModelError) -> (key: String, value: String) {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw ModelError.invalidKeyValue(text, flag: flag)
    }
    return (String(text[..<equals]), String(text[text.index(after: equals)...]))
}

public func parseIPv4(_ text: String) throws(ModelError) -> IPv4Address {
    guard let ip = IPv4Address(text) else { throw ModelError.invalidIPv4(text) }
    return ip
}
