/// An IPv4 subnet in CIDR form. The address is always the network address (host bits zero).
public struct IPv4Network: Hashable, Sendable {
    public let address: IPv4Address
    public let prefixLength: Int

    /// Masks away host bits; use `init(parsing:)` for user input, which refuses them.
    public init(containing address: IPv4Address, prefixLength: Int) {
        precondition((0...32).contains(prefixLength))
        self.prefixLength = prefixLength
        self.address = IPv4Address(address.value & IPv4Network.mask(prefixLength))
    }

    /// Parses "a.b.c.d/n" and refuses host bits, as Docker does for `--subnet`.
    public init(parsing text: String) throws(ModelError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]),
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), !parts[1].isEmpty, parts[1].count <= 2,
              let prefix = Int(parts[1]), (0...32).contains(prefix) else {
            throw ModelError.invalidCIDR(text)
        }
        let network = IPv4Network(containing: address, prefixLength: prefix)
        guard network.address == address else {
            throw ModelError.cidrHasHostBits(text, network: network)
        }
        self = network
    }

    public static func mask(_ prefixLength: Int) -> UInt32 {
        prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
    }

    public var netmask: IPv4Address { IPv4Address(Self.mask(prefixLength)) }
    public var broadcast: IPv4Address { IPv4Address(address.value | ~Self.mask(prefixLength)) }
    /// Number of addresses, including network and broadcast addresses.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    /// The range usable by hosts: all addresses for /31 and /32, otherwise without network and broadcast.
    public var hostRange: ClosedRange<UInt32> {
        if prefixLength >= 31 { return address.value...broadcast.value }
        return (address.value + 1)...(broadcast.value - 1)
    }

    public func contains(_ ip: IPv4Address) -> Bool {
        ip.value & Self.mask(prefixLength) == address.value
    }

    public func contains(_ other: IPv4Network) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }

    public func overlaps(_ other: IPv4Network) -> Bool {
        contains(other.address) || other.contains(address)
    }
}

extension IPv4Network: CustomStringConvertible {
    public var description: String { "\(address)/\(prefixLength)" }
}

extension IPv4Network: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try IPv4Network(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An address with its prefix, as assigned to an interface ("172.18.0.2/16").
public struct InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public let ip: IPv4Address
    public let prefixLength: Int
    public init(ip: IPv4Address, prefixLength: Int) { self.ip = ip; self.prefixLength = prefixLength }
    public var network: IPv4Network { IPv4Network(containing: ip, prefixLength: prefixLength) }
    public var description: String { "\(ip)/\(prefixLength)" }
}

extension InterfaceAddress: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: "/")
        guard parts.count == 2, let ip = IPv4Address(parts[0]), let prefix = Int(parts[1]), (0...32).contains(prefix) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad address \(text)"))
        }
        self.init(ip: ip, prefixLength: prefix)
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
