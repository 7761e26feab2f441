import BridgeModel
import Foundation
import Testing

@Suite struct IPv4AddressTests {
    @Test(arguments: [
        ("0.0.0.0", UInt32(0)),
        ("255.255.255.255", UInt32(0xFFFF_FFFF)),
        ("172.18.0.2", UInt32(0xAC12_0002)),
        ("10.0.0.1", UInt32(0x0A00_0001)),
        ("192.168.100.200", UInt32(0xC0A8_64C8)),
        ("1.2.3.0", UInt32(0x0102_0300)),
    ])
    func parsesDottedQuad(text: String, value: UInt32) throws {
        let ip = try #require(IPv4Address(text))
        #expect(ip.value == value)
        #expect(ip.description == text)
    }

    @Test(arguments: [
        "",                 // empty
        "01.2.3.4",         // leading zero
        "1.2.3.04",
        "00.0.0.0",
        "1.2.3.000",
        "256.1.1.1",        // out of range
        "1.2.3.256",
        "1000.1.1.1",
        "1.2.3",            // too few octets
        "1.2",
        "1",
        "1.2.3.4.5",        // too many octets
        " 1.2.3.4",         // spaces
        "1.2.3.4 ",
        "1. 2.3.4",
        "1.2.3.4\n",
        "1..2.3",           // empty octet
        "1.2.3.",
        ".1.2.3",
        "a.b.c.d",
        "-1.2.3.4",
        "+1.2.3.4",
        "1.2.3.4/24",
        "0x1.2.3.4",
        "١.2.3.4",          // non-ASCII digit
        "1.2.3.4:80",
    ])
    func rejectsMalformed(text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test(arguments: ["172.18.0.2", "0.0.0.0", "01.2.3.4", "1.2.3", "256.0.0.1", "1.2.3.4.", ""])
    func utf8ParseAgreesWithStringParse(text: String) {
        var copy = text
        let fromBytes = copy.withUTF8 { IPv4Address(utf8: $0) }
        #expect(fromBytes == IPv4Address(text))
    }

    @Test(arguments: ["0.0.0.0", "127.0.0.1", "172.17.0.1", "8.8.4.4", "255.255.255.0"])
    func descriptionRoundTrips(text: String) throws {
        let ip = try #require(IPv4Address(text))
        #expect(IPv4Address(ip.description) == ip)
        #expect(IPv4Address(ip.value).description == text)
    }

    @Test func octetsAndConstants() {
        #expect(IPv4Address(0xAC12_0002).octets == [172, 18, 0, 2])
        #expect(IPv4Address.any.description == "0.0.0.0")
        #expect(IPv4Address.loopback.description == "127.0.0.1")
    }

    @Test func comparesNumerically() throws {
        let a = try #require(IPv4Address("10.0.0.9"))
        let b = try #require(IPv4Address("10.0.0.10"))
        #expect(a < b)
        #expect([b, a].sorted() == [a, b])
    }

    @Test func parseIPv4ThrowsNamingTheValue() throws {
        #expect(try parseIPv4("192.168.1.1") == IPv4Address(0xC0A8_0101))
        #expect(throws: ModelError.invalidIPv4("192.168.1")) { try parseIPv4("192.168.1") }
        #expect(ModelError.invalidIPv4("x.y").message == "invalid IPv4 address 'x.y'")
    }

    @Test func codableAsString() throws {
        let ip = IPv4Address(0xAC12_0002)
        let data = try JSONEncoder().encode([ip])
        #expect(String(decoding: data, as: UTF8.self) == #"["172.18.0.2"]"#)
        #expect(try JSONDecoder().decode([IPv4Address].self, from: data) == [ip])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPv4Address].self, from: Data(#"["172.18.0.256"]"#.utf8))
        }
    }
}
