/// The bridge driver's `-o` options, with Docker's keys and defaults.
public struct NetworkOptions: Codable, Equatable, Sendable {
    public static let bridgeNameKey = "com.docker.network.bridge.name"
    public static let enableICCKey = "com.docker.network.bridge.enable_icc"
    public static let enableMasqueradeKey = "com.docker.network.bridge.enable_ip_masquerade"
    public static let hostBindingKey = "com.docker.network.bridge.host_binding_ipv4"
    public static let mtuKey = "com.docker.network.driver.mtu"
    public static let knownKeys = [bridgeNameKey, enableICCKey, enableMasqueradeKey, hostBindingKey, mtuKey]

    public var bridgeName: String?
    public var enableICC = true
    public var enableIPMasquerade = true
    public var hostBindingIPv4 = IPv4Address.any
    public var mtu = 1500

    public init() {}

    /// Validates every key and value; an unknown key is an error, as the spec asks.
    public init(parsing options: [(key: String, value: String)]) throws(ModelError) {
        for (key, value) in options {
            switch key {
            case Self.bridgeNameKey:
                try Names.validateInterfaceName(value)
                bridgeName = value
            case Self.enableICCKey:
                enableICC = try Self.parseBool(value, key: key)
            case Self.enableMasqueradeKey:
                enableIPMasquerade = try Self.parseBool(value, key: key)
            case Self.hostBindingKey:
                guard let ip = IPv4Address(value) else { throw ModelError.invalidOptionValue(key: key, value: value) }
                hostBindingIPv4 = ip
            case Self.mtuKey:
                // 68 is IPv4's minimum MTU; 65535 the largest a bridge accepts.
                guard let parsed = Int(value), (68...65535).contains(parsed) else {
                    throw ModelError.invalidOptionValue(key: key, value: value)
                }
                mtu = parsed
            default:
                throw ModelError.unknownOption(key)
            }
        }
    }

    /// Go's strconv.ParseBool, which Docker uses for these options.
    static func parseBool(_ value: String, key: String) throws(ModelError) -> Bool {
        switch value {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: throw ModelError.invalidOptionValue(key: key, value: value)
        }
    }
}
