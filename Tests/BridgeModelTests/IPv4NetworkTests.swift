import BridgeModel
import Foundation
import Testing

private func ip(_ text: String) -> IPv4Address { IPv4Address(text)! }

@Suite struct IPv4NetworkTests {
    @Test(arguments: [
        ("172.18.0.0/16", "172.18.0.0", 16),
        ("0.0.0.0/0", "0.0.0.0", 0),
        ("10.1.2.3/32", "10.1.2.3", 32),
        ("192.168.16.0/20", "192.168.16.0", 20),
        ("10.0.0.0/31", "10.0.0.0", 31),
        ("10.0.0.0/8", "10.0.0.0", 8),
    ])
    func parsesCIDR(text: String, address: String, prefix: Int) throws {
        let network = try IPv4Network(parsing: text)
        #expect(network.address == ip(address))
        #expect(network.prefixLength == prefix)
        #expect(network.description == text)
    }

    @Test(arguments: [
        "", "172.18.0.0", "172.18.0.0/", "/16", "172.18.0.0/33", "172.18.0.0/100", "172.18.0.0/-1",
        "172.18.0.0/+8", "172.18.0.0/16/1", "172.18.0/16", "172.18.0.0/ 16", " 172.18.0.0/16",
        "172.18.0.0/16 ", "abc/8", "256.0.0.0/8", "01.0.0.0/8", "172.18.0.0/1a", "172.18.0.0\\16",
    ])
    func rejectsBadCIDR(text: String) {
        #expect(throws: ModelError.invalidCIDR(text)) { try IPv4Network(parsing: text) }
    }

    @Test(arguments: [
        ("172.18.0.1/16", "172.18.0.0/16"),
        ("10.0.0.1/31", "10.0.0.0/31"),
        ("192.168.1.77/24", "192.168.1.0/24"),
        ("1.2.3.4/0", "0.0.0.0/0"),
    ])
    func refusesHostBits(text: String, suggestion: String) throws {
        let network = try IPv4Network(parsing: suggestion)
        #expect(throws: ModelError.cidrHasHostBits(text, network: network)) { try IPv4Network(parsing: text) }
        #expect(ModelError.cidrHasHostBits(text, network: network).message
                == "invalid subnet '\(text)': host bits are set, did you mean \(suggestion)?")
    }

    @Test func containingMasksHostBits() {
        let network = IPv4Network(containing: ip("172.18.3.4"), prefixLength: 16)
        #expect(network.description == "172.18.0.0/16")
        #expect(IPv4Network(containing: ip("10.9.8.7"), prefixLength: 32).description == "10.9.8.7/32")
        #expect(IPv4Network(containing: ip("10.9.8.7"), prefixLength: 0).description == "0.0.0.0/0")
    }

    @Test func slash16() throws {
        let n = try IPv4Network(parsing: "172.18.0.0/16")
        #expect(n.netmask == ip("255.255.0.0"))
        #expect(n.broadcast == ip("172.18.255.255"))
        #expect(n.size == 65536)
        #expect(n.hostRange == ip("172.18.0.1").value...ip("172.18.255.254").value)
        #expect(n.contains(ip("172.18.0.0")))
        #expect(n.contains(ip("172.18.255.255")))
        #expect(!n.contains(ip("172.19.0.0")))
        #expect(!n.contains(ip("172.17.255.255")))
    }

    @Test func slash24() throws {
        let n = try IPv4Network(parsing: "192.168.1.0/24")
        #expect(n.netmask == ip("255.255.255.0"))
        #expect(n.broadcast == ip("192.168.1.255"))
        #expect(n.size == 256)
        #expect(n.hostRange == ip("192.168.1.1").value...ip("192.168.1.254").value)
        #expect(n.contains(ip("192.168.1.128")))
        #expect(!n.contains(ip("192.168.2.1")))
    }

    @Test func slash31UsesBothAddresses() throws {
        let n = try IPv4Network(parsing: "10.0.0.0/31")
        #expect(n.broadcast == ip("10.0.0.1"))
        #expect(n.size == 2)
        #expect(n.hostRange == ip("10.0.0.0").value...ip("10.0.0.1").value)
        #expect(n.contains(ip("10.0.0.1")))
        #expect(!n.contains(ip("10.0.0.2")))
    }

    @Test func slash32IsOneHost() throws {
        let n = try IPv4Network(parsing: "10.0.0.5/32")
        #expect(n.broadcast == ip("10.0.0.5"))
        #expect(n.netmask == ip("255.255.255.255"))
        #expect(n.size == 1)
        #expect(n.hostRange == ip("10.0.0.5").value...ip("10.0.0.5").value)
        #expect(n.contains(ip("10.0.0.5")))
        #expect(!n.contains(ip("10.0.0.4")))
        #expect(!n.contains(ip("10.0.0.6")))
    }

    @Test func slash0ContainsEverything() throws {
        let n = try IPv4Network(parsing: "0.0.0.0/0")
        #expect(n.size == UInt64(1) << 32)
        #expect(n.broadcast == ip("255.255.255.255"))
        #expect(n.contains(ip("203.0.113.9")))
    }

    @Test(arguments: [
        ("172.18.0.0/16", "172.18.5.0/24", true),
        ("172.18.0.0/16", "172.19.0.0/16", false),
        ("172.16.0.0/12", "172.31.0.0/16", true),
        ("172.16.0.0/12", "172.32.0.0/16", false),
        ("10.0.0.0/31", "10.0.0.1/32", true),
        ("10.0.0.0/31", "10.0.0.2/32", false),
        ("10.0.0.5/32", "10.0.0.5/32", true),
        ("0.0.0.0/0", "192.168.0.0/20", true),
        ("192.168.0.0/20", "192.168.16.0/20", false),
        ("192.168.15.255/32", "192.168.0.0/20", true),
    ])
    func overlapsIsSymmetric(a: String, b: String, expected: Bool) throws {
        let x = try IPv4Network(parsing: a), y = try IPv4Network(parsing: b)
        #expect(x.overlaps(y) == expected)
        #expect(y.overlaps(x) == expected)
    }

    @Test func containsNetwork() throws {
        let big = try IPv4Network(parsing: "172.18.0.0/16")
        let small = try IPv4Network(parsing: "172.18.5.0/24")
        let other = try IPv4Network(parsing: "172.19.5.0/24")
        #expect(big.contains(small))
        #expect(!small.contains(big))
        #expect(big.contains(big))
        #expect(!big.contains(other))
    }

    @Test func interfaceAddress() throws {
        let address = InterfaceAddress(ip: ip("172.18.0.2"), prefixLength: 16)
        #expect(address.description == "172.18.0.2/16")
        #expect(address.network == (try IPv4Network(parsing: "172.18.0.0/16")))
        let data = try JSONEncoder().encode([address])
        #expect(String(decoding: data, as: UTF8.self) == #"["172.18.0.2\/16"]"#)
        #expect(try JSONDecoder().decode([InterfaceAddress].self, from: data) == [address])
    }

    @Test func codable() throws {
        let network = try IPv4Network(parsing: "192.168.16.0/20")
        let data = try JSONEncoder().encode([network])
        #expect(try JSONDecoder().decode([IPv4Network].self, from: data) == [network])
        // A stored subnet with host bits is corrupt, not silently masked.
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPv4Network].self, from: Data(#"["192.168.16.1/20"]"#.utf8))
        }
    }
}
