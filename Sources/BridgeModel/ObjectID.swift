/// A 64-character lowercase hex identifier, as Docker uses for networks and containers.
public struct ObjectID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let hex: String

    public init?(_ hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy(ObjectID.isLowerHex) else { return nil }
        self.hex = hex
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> ObjectID {
        var text = ""
        for _ in 0..<4 {
            let word = String(generator.next() as UInt64, radix: 16)
            text += String(repeating: "0", count: 16 - word.count) + word
        }
        return ObjectID(text)!
    }

    public static func random() -> ObjectID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// The 12-character form shown in tables and used in device names.
    public var short: String { String(hex.prefix(12)) }
    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }

    /// True when `text` could be a prefix of an ID (so a lookup by prefix makes sense).
    public static func isPossiblePrefix(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy(isLowerHex)
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ObjectID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad ID \(text)"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
