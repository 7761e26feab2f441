import BridgeModel
import Foundation
import Testing

private func addr(_ text: String) -> IPv4Address { IPv4Address(text)! }

@Suite struct PublishSpecParsingTests {
    @Test(arguments: [
        ("80", PublishSpec(hostIP: nil, hostPorts: nil, containerPorts: 80...80, transport: .tcp)),
        ("8080:80", PublishSpec(hostIP: nil, hostPorts: 8080...8080, containerPorts: 80...80, transport: .tcp)),
        ("127.0.0.1:8080:80",
         PublishSpec(hostIP: IPv4Address("127.0.0.1")!, hostPorts: 8080...8080, containerPorts: 80...80, transport: .tcp)),
        ("127.0.0.1::80", PublishSpec(hostIP: IPv4Address("127.0.0.1")!, hostPorts: nil, containerPorts: 80...80, transport: .tcp)),
        ("8000-8002:80-82", PublishSpec(hostIP: nil, hostPorts: 8000...8002, containerPorts: 80...82, transport: .tcp)),
        // A host range for a single container port is a pool to choose one port from.
        ("8000-8010:80", PublishSpec(hostIP: nil, hostPorts: 8000...8010, containerPorts: 80...80, transport: .tcp)),
        ("80-82", PublishSpec(hostIP: nil, hostPorts: nil, containerPorts: 80...82, transport: .tcp)),
        ("53/udp", PublishSpec(hostIP: nil, hostPorts: nil, containerPorts: 53...53, transport: .udp)),
        ("8080:80/tcp", PublishSpec(hostIP: nil, hostPorts: 8080...8080, containerPorts: 80...80, transport: .tcp)),
        ("10.1.2.3:5353:53/udp",
         PublishSpec(hostIP: IPv4Address("10.1.2.3")!, hostPorts: 5353...5353, containerPorts: 53...53, transport: .udp)),
        ("1:65535", PublishSpec(hostIP: nil, hostPorts: 1...1, containerPorts: 65535...65535, transport: .tcp)),
    ])
    func dockerForms(text: String, expected: PublishSpec) throws {
        #expect(try PublishSpec(parsing: text) == expected)
    }

    @Test(arguments: [
        ("0", "'0' is not a port number (1-65535)"),
        ("65536", "'65536' is not a port number (1-65535)"),
        ("8080:80/sctp", "protocol must be tcp or udp"),
        ("a:b", "'b' is not a port number (1-65535)"),
        ("1.2.3:80:80", "'1.2.3' is not an IPv4 address"),
        ("8000-8001:80-82", "host and container port ranges differ in length"),
        ("90-80", "bad port range '90-80'"),
        ("1:2:3:4", "expected [HOSTIP:][HOSTPORT:]CPORT[/PROTO]"),
        ("8080:0", "'0' is not a port number (1-65535)"),
        ("80-", "'80-' is not a port number (1-65535)"),
        ("1-2-3", "bad port range '1-2-3'"),
        ("8080:80/", "protocol must be tcp or udp"),
        ("+80", "'+80' is not a port number (1-65535)"),
    ])
    func errors(text: String, reason: String) {
        #expect(throws: ModelError.invalidPublish(text, reason: reason)) { try PublishSpec(parsing: text) }
    }

    @Test(arguments: ["0", "65536", "8080:80/sctp", "a:b", "1.2.3:80:80", "8000-8001:80-82", "90-80", "1:2:3:4"])
    func errorMessagesNameTheBadText(text: String) {
        do {
            _ = try PublishSpec(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.message.hasPrefix("invalid --publish '\(text)': "))
        }
    }

    @Test func messagesNameTheOffendingPart() {
        #expect(ModelError.invalidPublish("a:b", reason: "'b' is not a port number (1-65535)").message
                == "invalid --publish 'a:b': 'b' is not a port number (1-65535)")
        #expect(ModelError.invalidPublish("1.2.3:80:80", reason: "'1.2.3' is not an IPv4 address").message
                == "invalid --publish '1.2.3:80:80': '1.2.3' is not an IPv4 address")
    }
}

@Suite struct PortBindingTests {
    static let any8080 = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)

    @Test func description() {
        #expect(Self.any8080.description == "80/tcp -> 0.0.0.0:8080")
        #expect(PortBinding(hostIP: addr("127.0.0.1"), hostPort: 5353, containerPort: 53, transport: .udp).description
                == "53/udp -> 127.0.0.1:5353")
        #expect("\(Self.any8080)" == "80/tcp -> 0.0.0.0:8080")
    }

    @Test func collides() {
        let loop8080 = PortBinding(hostIP: addr("127.0.0.1"), hostPort: 8080, containerPort: 81, transport: .tcp)
        let lan8080 = PortBinding(hostIP: addr("192.168.1.10"), hostPort: 8080, containerPort: 82, transport: .tcp)
        let udp8080 = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .udp)
        let any8081 = PortBinding(hostIP: .any, hostPort: 8081, containerPort: 80, transport: .tcp)
        // 0.0.0.0 covers every address, in either direction.
        #expect(Self.any8080.collides(with: loop8080))
        #expect(loop8080.collides(with: Self.any8080))
        #expect(Self.any8080.collides(with: Self.any8080))
        #expect(loop8080.collides(with: loop8080))
        // Two different specific addresses share the port without conflict.
        #expect(!loop8080.collides(with: lan8080))
        #expect(!lan8080.collides(with: loop8080))
        // Protocol and port must both match; the container port does not matter.
        #expect(!Self.any8080.collides(with: udp8080))
        #expect(!Self.any8080.collides(with: any8081))
        #expect(Self.any8080.collides(with: PortBinding(hostIP: .any, hostPort: 8080, containerPort: 9999, transport: .tcp)))
    }

    static let shifted = PortBinding(hostIP: .any, hostPorts: 21000...21009, containerPorts: 80...89, transport: .tcp)

    @Test func aRangeKnowsItsPorts() {
        #expect(Self.shifted.isRange)
        #expect(!Self.any8080.isRange)
        #expect(Self.shifted.portCount == 10)
        #expect(Self.shifted.hostPorts == 21000...21009)
        #expect(Self.shifted.containerPorts == 80...89)
        #expect(Self.shifted.hostPort(forContainerPort: 85) == 21005)
        #expect(Self.shifted.hostPort(forContainerPort: 90) == nil)
        #expect(Self.shifted.single(hostPort: 21009) == PortBinding(hostIP: .any, hostPort: 21009, containerPort: 89, transport: .tcp))
        #expect(Self.shifted.singlePorts.count == 10)
        #expect(Self.shifted.singlePorts.last?.description == "89/tcp -> 0.0.0.0:21009")
        #expect(Self.any8080.singlePorts == [Self.any8080])
        let all = PortBinding(hostIP: .any, hostPorts: 1...65535, containerPorts: 1...65535, transport: .udp)
        #expect(all.portCount == 65535)
        #expect(all.containerPorts == 1...65535)
    }

    @Test func rangesPrintCompactly() {
        #expect(Self.shifted.description == "80-89/tcp -> 0.0.0.0:21000-21009")
        #expect(Self.shifted.mapping == "0.0.0.0:21000-21009->80-89/tcp")
        #expect(Self.any8080.mapping == "0.0.0.0:8080->80/tcp")
    }

    @Test func rangesCollideWhenTheyOverlap() {
        let inside = PortBinding(hostIP: addr("127.0.0.1"), hostPort: 21009, containerPort: 1, transport: .tcp)
        let after = PortBinding(hostIP: .any, hostPort: 21010, containerPort: 1, transport: .tcp)
        let overlapping = PortBinding(hostIP: addr("10.0.0.1"), hostPorts: 20995...21002, containerPorts: 1...8, transport: .tcp)
        #expect(Self.shifted.firstSharedHostPort(with: inside) == 21009)
        #expect(inside.firstSharedHostPort(with: Self.shifted) == 21009)
        #expect(Self.shifted.firstSharedHostPort(with: overlapping) == 21000)
        #expect(overlapping.firstSharedHostPort(with: Self.shifted) == 21000)
        #expect(!Self.shifted.collides(with: after))
        #expect(!Self.shifted.collides(with: PortBinding(hostIP: .any, hostPorts: 21000...21009, containerPorts: 80...89, transport: .udp)))
        // Two specific addresses never collide, ranges or not.
        #expect(!overlapping.collides(with: inside))
    }

    @Test func joinedMergesBindingsThatContinueEachOther() {
        let singles = (0..<3).map { PortBinding(hostIP: .any, hostPort: 8000 + $0, containerPort: 80 + $0, transport: .tcp) }
        #expect(PortBinding.joined(singles).map(\.mapping) == ["0.0.0.0:8000-8002->80-82/tcp"])
        let mixed = [Self.shifted, PortBinding(hostIP: .any, hostPort: 21010, containerPort: 90, transport: .tcp),
                     PortBinding(hostIP: .any, hostPort: 21011, containerPort: 95, transport: .tcp),
                     PortBinding(hostIP: addr("127.0.0.1"), hostPort: 21012, containerPort: 96, transport: .tcp),
                     PortBinding(hostIP: addr("127.0.0.1"), hostPort: 21013, containerPort: 97, transport: .udp)]
        #expect(PortBinding.joined(mixed).map(\.mapping) == [
            "0.0.0.0:21000-21010->80-90/tcp", "0.0.0.0:21011->95/tcp", "127.0.0.1:21012->96/tcp", "127.0.0.1:21013->97/udp",
        ])
        let top = PortBinding(hostIP: .any, hostPort: 65535, containerPort: 65535, transport: .tcp)
        #expect(PortBinding.joined([top, Self.any8080]).count == 2)
    }
}

@Suite struct PortBindingCodableTests {
    func decode(_ json: String) throws -> PortBinding {
        try JSONDecoder().decode(PortBinding.self, from: Data(json.utf8))
    }

    func encode(_ binding: PortBinding) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(binding), as: UTF8.self)
    }

    /// What the version before ranges wrote, byte for byte.
    static let oldRecord = #"{"containerPort":80,"hostIP":"0.0.0.0","hostPort":8080,"transport":"tcp"}"#

    @Test func recordsWrittenBeforeRangesDecode() throws {
        #expect(try decode(Self.oldRecord) == PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp))
    }

    @Test func aSinglePortIsWrittenAsBefore() throws {
        #expect(try encode(PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)) == Self.oldRecord)
    }

    @Test func aRangeRoundTrips() throws {
        let range = PortBinding(hostIP: addr("127.0.0.1"), hostPorts: 21000...21009, containerPorts: 80...89, transport: .udp)
        let json = try encode(range)
        #expect(json == #"{"containerPort":80,"hostIP":"127.0.0.1","hostPort":21000,"lastHostPort":21009,"transport":"udp"}"#)
        #expect(try decode(json) == range)
    }

    @Test(arguments: [
        #"{"containerPort":80,"hostIP":"0.0.0.0","hostPort":8080,"lastHostPort":8079,"transport":"tcp"}"#,
        #"{"containerPort":65530,"hostIP":"0.0.0.0","hostPort":100,"lastHostPort":110,"transport":"tcp"}"#,
    ])
    func impossibleRangesAreRefused(json: String) {
        #expect(throws: DecodingError.self) { try decode(json) }
    }
}
