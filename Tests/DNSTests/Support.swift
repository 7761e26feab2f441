import BridgeModel
@testable import DNS
import Testing

/// An ID whose hex starts with `prefix`, padded with zeros.
func oid(_ prefix: String) -> ObjectID {
    ObjectID(prefix + String(repeating: "0", count: 64 - prefix.count))!
}

func ip(_ text: String) -> IPv4Address { IPv4Address(text)! }

/// SplitMix64: deterministic, so fuzz failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The labels of a name in wire form: "serveur" -> [7, s, e, r, v, e, u, r, 0].
func wireName(_ name: String) -> [UInt8] {
    var out: [UInt8] = []
    #expect(DNSName.encode(name, into: &out))
    return out
}

/// A response taken apart by a decoder independent of the builder's shortcuts (it follows
/// compression pointers with `DNSName.read`, which the malformed tests cover separately).
struct DecodedResponse: Equatable {
    struct Record: Equatable {
        var name: String
        var type: UInt16
        var rclass: UInt16
        var ttl: UInt32
        var data: [UInt8]
        /// PTR targets decoded to text.
        var target: String?
    }
    var id: UInt16
    var flags: UInt16
    var question: DNSQuestion?
    var answers: [Record]
    var additionals: [Record]

    var rcode: UInt8 { UInt8(flags & 0x000F) }
    var truncated: Bool { flags & DNSFlags.truncated != 0 }

    init(_ bytes: [UInt8]) throws {
        func word(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
        guard bytes.count >= 12 else { throw DNSParseError.truncated }
        id = word(0)
        flags = word(2)
        var position = 12
        if word(4) == 1 {
            let name = try DNSName.read(bytes, at: position, text: true)
            question = DNSQuestion(name: String(decoding: name.text, as: UTF8.self),
                                   type: word(name.end), qclass: word(name.end + 2))
            position = name.end + 4
        }
        func record() throws -> Record {
            let name = try DNSName.read(bytes, at: position, text: true)
            let fixed = name.end
            let length = Int(word(fixed + 8))
            let data = Array(bytes[(fixed + 10)..<(fixed + 10 + length)])
            var target: String?
            if word(fixed) == DNSType.ptr {
                target = String(decoding: try DNSName.read(bytes, at: fixed + 10, text: true).text, as: UTF8.self)
            }
            position = fixed + 10 + length
            return Record(name: String(decoding: name.text, as: UTF8.self), type: word(fixed), rclass: word(fixed + 2),
                          ttl: UInt32(word(fixed + 4)) << 16 | UInt32(word(fixed + 6)), data: data, target: target)
        }
        answers = try (0..<Int(word(6))).map { _ in try record() }
        _ = try (0..<Int(word(8))).map { _ in try record() }
        additionals = try (0..<Int(word(10))).map { _ in try record() }
        guard position == bytes.count else { throw DNSParseError.truncated }
    }
}
