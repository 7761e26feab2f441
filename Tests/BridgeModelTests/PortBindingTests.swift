import BridgeModel
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
}
