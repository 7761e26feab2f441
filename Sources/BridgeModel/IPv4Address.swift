/// An IPv4 address held as a host-order integer, so arithmetic (next address, masks) is plain math.
public struct IPv4Address: Hashable, Comparable, Sendable {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// Strict dotted quad: four decimal octets, no leading zeros beyond "0", nothing else.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        guard let parsed = text.withUTF8({ IPv4Address(utf8: $0) }) else { return nil }
        self = parsed
    }

    /// The same parse straight from bytes, allocation-free: the store lists a network's claimed
    /// addresses as file names on every create, so this runs once per container on the host.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        var result: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var leadingZero = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                result = result << 8 | octet
                octet = 0; digits = 0; dots += 1
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if digits == 0 { leadingZero = byte == UInt8(ascii: "0") } else if leadingZero { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        value = result << 8 | octet
    }

    public var octets: [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }

    public static let any = IPv4Address(0)
    public static let loopback = IPv4Address(0x7f00_0001)
}

extension IPv4Address: CustomStringConvertible, LosslessStringConvertible {
    public var description: String { octets.map(String.init).joined(separator: ".") }
}

extension IPv4Address: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = IPv4Address(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad IPv4 address \(text)"))
        }
        self = parsed
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
