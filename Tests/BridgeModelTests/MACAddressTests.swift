import BridgeModel
import Foundation
import Testing

@Suite struct MACAddressTests {
    @Test(arguments: [
        ("172.18.0.2", "02:42:ac:12:00:02"),
        ("172.17.0.1", "02:42:ac:11:00:01"),
        ("10.0.0.255", "02:42:0a:00:00:ff"),
        ("192.168.16.10", "02:42:c0:a8:10:0a"),
    ])
    func derivedFromIPv4(ip: String, mac: String) throws {
        let address = try #require(IPv4Address(ip))
        let derived = MACAddress(derivedFrom: address)
        #expect(derived.description == mac)
        #expect(derived.bytes == [0x02, 0x42] + address.octets)
    }

    @Test func codable() throws {
        let mac = MACAddress(bytes: [0x02, 0x42, 0xac, 0x12, 0x00, 0x02])
        let data = try JSONEncoder().encode([mac])
        #expect(String(decoding: data, as: UTF8.self) == #"["02:42:ac:12:00:02"]"#)
        #expect(try JSONDecoder().decode([MACAddress].self, from: data) == [mac])
        for bad in [#"["02:42:ac:12:00"]"#, #"["02:42:ac:12:00:zz"]"#, #"["02:42:ac:12:00:02:03"]"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([MACAddress].self, from: Data(bad.utf8)) }
        }
    }
}

/// Returns the given words in order, so `ObjectID.random(using:)` is deterministic.
private struct ScriptedGenerator: RandomNumberGenerator {
    var words: [UInt64]
    mutating func next() -> UInt64 { words.removeFirst() }
}

@Suite struct ObjectIDTests {
    static let sample = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

    @Test func acceptsSixtyFourLowercaseHex() throws {
        let id = try #require(ObjectID(Self.sample))
        #expect(id.hex == Self.sample)
        #expect(id.description == Self.sample)
        #expect(id.short == "0123456789ab")
        #expect(id.short.count == 12)
    }

    @Test(arguments: [
        "",
        String(repeating: "a", count: 63),
        String(repeating: "a", count: 65),
        String(repeating: "A", count: 64),
        String(repeating: "a", count: 63) + "g",
        String(repeating: "a", count: 63) + " ",
        "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
    ])
    func rejectsOthers(text: String) {
        #expect(ObjectID(text) == nil)
    }

    @Test func randomHasTheRightShape() {
        let ids = (0..<20).map { _ in ObjectID.random() }
        for id in ids {
            #expect(id.hex.utf8.count == 64)
            #expect(id.hex.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(id.short.count == 12)
            #expect(id.hex.hasPrefix(id.short))
        }
        #expect(Set(ids).count == ids.count)
    }

    @Test func randomZeroPadsEachWord() {
        var generator = ScriptedGenerator(words: [1, 0xabc, 0, UInt64.max])
        let id = ObjectID.random(using: &generator)
        #expect(id.hex == "0000000000000001" + "0000000000000abc" + "0000000000000000" + "ffffffffffffffff")
        #expect(id.short == "000000000000")
    }

    @Test func possiblePrefix() {
        #expect(ObjectID.isPossiblePrefix("0"))
        #expect(ObjectID.isPossiblePrefix("abc123"))
        #expect(ObjectID.isPossiblePrefix(Self.sample))
        #expect(!ObjectID.isPossiblePrefix(""))
        #expect(!ObjectID.isPossiblePrefix("ABC"))
        #expect(!ObjectID.isPossiblePrefix("web"))
        #expect(!ObjectID.isPossiblePrefix(Self.sample + "0"))
    }

    @Test func orderingAndCodable() throws {
        let a = try #require(ObjectID(String(repeating: "0", count: 64)))
        let b = try #require(ObjectID(Self.sample))
        #expect(a < b)
        let data = try JSONEncoder().encode([b])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(Self.sample)\"]")
        #expect(try JSONDecoder().decode([ObjectID].self, from: data) == [b])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ObjectID].self, from: Data(#"["abc"]"#.utf8)) }
    }
}
