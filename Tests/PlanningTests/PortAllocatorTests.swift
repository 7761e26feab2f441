import BridgeModel
import Planning
import Testing

@Suite struct PortAllocatorTests {
    static let ephemeral: ClosedRange<UInt16> = 49153...49160

    func spec(_ text: String) -> PublishSpec { try! PublishSpec(parsing: text) }

    func binding(_ host: String, _ hostPort: UInt16, _ containerPort: UInt16, _ transport: TransportProtocol = .tcp) -> PortBinding {
        PortBinding(hostIP: ip(host), hostPort: hostPort, containerPort: containerPort, transport: transport)
    }

    func range(_ host: String, _ hostPorts: ClosedRange<UInt16>, _ containerPorts: ClosedRange<UInt16>,
               _ transport: TransportProtocol = .tcp) -> PortBinding {
        PortBinding(hostIP: ip(host), hostPorts: hostPorts, containerPorts: containerPorts, transport: transport)
    }

    /// `resolve` with a fixed random start and a set of host ports held by "container 'web'".
    func resolve(_ specs: [String], defaultHostIP: String = "0.0.0.0", start: UInt16? = nil,
                 taken: [PortBinding] = []) throws(PortError) -> [PortBinding] {
        try PortAllocator.resolve(specs.map(spec), defaultHostIP: ip(defaultHostIP), ephemeralRange: Self.ephemeral,
                                  randomStart: { range in start ?? range.lowerBound },
                                  conflict: { candidate in
                                      taken.lazy.compactMap { candidate.firstSharedHostPort(with: $0) }.first
                                          .map { PortConflict(hostPort: $0, holder: "container 'web'") }
                                  })
    }

    @Test func fixedPortsAndPairwiseRanges() throws {
        #expect(try resolve(["8080:80"]) == [binding("0.0.0.0", 8080, 80)])
        #expect(try resolve(["5353:53/udp"]) == [binding("0.0.0.0", 5353, 53, .udp)])
    }

    @Test func aFixedRangeIsOneBinding() throws {
        #expect(try resolve(["8000-8002:80-82"]) == [range("0.0.0.0", 8000...8002, 80...82)])
        #expect(try resolve(["20000-20009:20000-20009/udp"]) == [range("0.0.0.0", 20000...20009, 20000...20009, .udp)])
        #expect(try resolve(["1-65535:1-65535"]) == [range("0.0.0.0", 1...65535, 1...65535)])
        // A range of one port is a single port.
        #expect(try resolve(["8080-8080:80-80"]) == [binding("0.0.0.0", 8080, 80)])
    }

    @Test func rangesCollideWhereTheyOverlap() {
        // Another container's single port inside the range: that port is named.
        #expect(throws: PortError.portTaken(binding("0.0.0.0", 20005, 85), by: "container 'web'")) {
            try resolve(["20000-20009:80-89"], taken: [binding("0.0.0.0", 20005, 1)])
        }
        // Another container's range overlapping the start of this one: the first shared port.
        #expect(throws: PortError.portTaken(binding("0.0.0.0", 20000, 80), by: "container 'web'")) {
            try resolve(["20000-20009:80-89"], taken: [range("0.0.0.0", 19995...20003, 19995...20003)])
        }
        // A single port inside another container's range.
        #expect(throws: PortError.portTaken(binding("127.0.0.1", 1234, 80), by: "container 'web'")) {
            try resolve(["127.0.0.1:1234:80"], taken: [range("0.0.0.0", 1...65535, 1...65535)])
        }
        // Two overlapping -p of one command.
        #expect(throws: PortError.portTaken(binding("0.0.0.0", 21005, 1), by: "another -p of this command")) {
            try resolve(["21000-21009:80-89", "21005-21014:1-10"])
        }
    }

    @Test func rangesSideBySideDoNotCollide() throws {
        #expect(try resolve(["20000-20009:80-89"], taken: [range("0.0.0.0", 20010...20019, 80...89),
                                                         range("0.0.0.0", 20000...20009, 80...89, .udp),
                                                         binding("0.0.0.0", 19999, 1)])
                == [range("0.0.0.0", 20000...20009, 80...89)])
        #expect(try resolve(["127.0.0.1:1-65535:1-65535", "10.0.0.5:1-65535:1-65535"])
                == [range("127.0.0.1", 1...65535, 1...65535), range("10.0.0.5", 1...65535, 1...65535)])
    }

    @Test func aRandomPortSkipsTakenRanges() throws {
        #expect(try resolve(["80"], start: 49153, taken: [range("0.0.0.0", 49153...49158, 1...6)])
                == [binding("0.0.0.0", 49159, 80)])
    }

    @Test func bindingsPerContainerAreBounded() throws {
        // Each random host port is a binding of its own (as in Docker), a fixed range is one.
        #expect(throws: PortError.tooManyBindings(257)) {
            try PortAllocator.resolve([spec("1-257")], defaultHostIP: .any, ephemeralRange: 1024...65535,
                                      randomStart: { $0.lowerBound }, conflict: { _ in nil })
        }
        #expect(throws: PortError.tooManyBindings(258)) {
            try PortAllocator.resolve([spec("1-255"), spec("2000-2001"), spec("3000-3999:3000-3999")], defaultHostIP: .any,
                                      ephemeralRange: 1024...65535, randomStart: { $0.lowerBound }, conflict: { _ in nil })
        }
        let most = try PortAllocator.resolve([spec("1-255"), spec("3000-3999:3000-3999")], defaultHostIP: .any,
                                             ephemeralRange: 1024...65535, randomStart: { $0.lowerBound }, conflict: { _ in nil })
        #expect(most.count == PortAllocator.maxBindings)
        #expect(PortError.tooManyBindings(300).message.hasPrefix("too many port bindings (300): a container may have at most 256;"))
    }

    @Test func theLimitIsCheckedBeforeAnyPortIsProbed() {
        var probes = 0
        #expect(throws: PortError.tooManyBindings(65535)) {
            try PortAllocator.resolve([spec("1-65535")], defaultHostIP: .any, ephemeralRange: 1024...65535,
                                      randomStart: { $0.lowerBound }, conflict: { _ in probes += 1; return nil })
        }
        #expect(probes == 0)
    }

    @Test func defaultHostIPAppliesOnlyWhenNoneIsGiven() throws {
        #expect(try resolve(["8080:80", "127.0.0.1:8081:81"], defaultHostIP: "10.0.0.5") == [
            binding("10.0.0.5", 8080, 80), binding("127.0.0.1", 8081, 81),
        ])
        #expect(try resolve(["80"], defaultHostIP: "10.0.0.5") == [binding("10.0.0.5", 49153, 80)])
    }

    @Test func poolPicksTheFirstFreePortFromTheRandomStart() throws {
        // Start at 8005; 8005 and 8006 are taken, so 8007.
        let taken = [binding("0.0.0.0", 8005, 1), binding("0.0.0.0", 8006, 1)]
        #expect(try resolve(["8000-8010:80"], start: 8005, taken: taken) == [binding("0.0.0.0", 8007, 80)])
        // From the top of the pool the search wraps around to its bottom.
        #expect(try resolve(["8000-8010:80"], start: 8010, taken: [binding("0.0.0.0", 8010, 1)])
                == [binding("0.0.0.0", 8000, 80)])
        // Nothing taken: exactly the random start.
        #expect(try resolve(["8000-8010:80"], start: 8004) == [binding("0.0.0.0", 8004, 80)])
    }

    @Test func randomPortsAvoidTakenOnesAndEachOther() throws {
        // Every container port starts its search at 49159; 49159 is taken by another container,
        // the first gets 49160, the second wraps to 49153.
        let ports = try resolve(["80-81"], start: 49159, taken: [binding("0.0.0.0", 49159, 1)])
        #expect(ports == [binding("0.0.0.0", 49160, 80), binding("0.0.0.0", 49153, 81)])
        // A port taken on another specific address does not block a specific binding.
        #expect(try resolve(["127.0.0.1::80"], start: 49153, taken: [binding("10.0.0.5", 49153, 1)])
                == [binding("127.0.0.1", 49153, 80)])
        // ... but it does block an all-addresses one.
        #expect(try resolve(["80"], start: 49153, taken: [binding("10.0.0.5", 49153, 1)])
                == [binding("0.0.0.0", 49154, 80)])
    }

    @Test func randomStartIsAskedForTheRightRange() throws {
        var asked: [ClosedRange<UInt16>] = []
        _ = try PortAllocator.resolve([spec("80"), spec("9000-9009:90")], defaultHostIP: .any,
                                      ephemeralRange: Self.ephemeral,
                                      randomStart: { asked.append($0); return $0.lowerBound }, conflict: { _ in nil })
        #expect(asked == [Self.ephemeral, 9000...9009])
    }

    @Test func conflictNamesTheOwner() {
        let taken = [binding("0.0.0.0", 8080, 1)]
        #expect(throws: PortError.portTaken(binding("0.0.0.0", 8080, 80), by: "container 'web'")) {
            try resolve(["8080:80"], taken: taken)
        }
        // A loopback-only request collides with an all-addresses holder.
        #expect(throws: PortError.portTaken(binding("127.0.0.1", 8080, 80), by: "container 'web'")) {
            try resolve(["127.0.0.1:8080:80"], taken: taken)
        }
        // The second port of a range is the one named.
        #expect(throws: PortError.portTaken(binding("0.0.0.0", 8081, 81), by: "container 'web'")) {
            try resolve(["8080-8082:80-82"], taken: [binding("0.0.0.0", 8081, 1)])
        }
        #expect(PortError.portTaken(binding("0.0.0.0", 8080, 80), by: "container 'web'").message
                == "host port 0.0.0.0:8080/tcp is already in use by container 'web'")
        #expect(PortError.portTaken(binding("127.0.0.1", 5353, 53, .udp), by: "a host process").message
                == "host port 127.0.0.1:5353/udp is already in use by a host process")
    }

    @Test func udpDoesNotConflictWithTCP() throws {
        #expect(try resolve(["8080:80/udp"], taken: [binding("0.0.0.0", 8080, 1)]) == [binding("0.0.0.0", 8080, 80, .udp)])
        #expect(try resolve(["53:53/tcp", "53:53/udp"]) == [binding("0.0.0.0", 53, 53), binding("0.0.0.0", 53, 53, .udp)])
    }

    @Test func twoSpecsOfOneCommandCollide() throws {
        #expect(throws: PortError.portTaken(binding("0.0.0.0", 8080, 81), by: "another -p of this command")) {
            try resolve(["8080:80", "8080:81"])
        }
        #expect(throws: PortError.portTaken(binding("127.0.0.1", 8080, 81), by: "another -p of this command")) {
            try resolve(["8080:80", "127.0.0.1:8080:81"])
        }
        // A fixed port inside a later pool is skipped by the pool.
        #expect(try resolve(["8000:80", "8000-8001:81"], start: 8000)
                == [binding("0.0.0.0", 8000, 80), binding("0.0.0.0", 8001, 81)])
        // Different specific addresses may share a port.
        #expect(try resolve(["127.0.0.1:8080:80", "10.0.0.5:8080:81"])
                == [binding("127.0.0.1", 8080, 80), binding("10.0.0.5", 8080, 81)])
    }

    @Test func exhaustedPool() {
        #expect(throws: PortError.noFreePort(containerPort: 80, .tcp, range: 8000...8001)) {
            try resolve(["8000-8001:80"], start: 8000, taken: [binding("0.0.0.0", 8000, 1), binding("0.0.0.0", 8001, 1)])
        }
        #expect(PortError.noFreePort(containerPort: 80, .tcp, range: 8000...8001).message == "no free host port for 80/tcp in 8000-8001")
    }

    @Test func exhaustedEphemeralRange() {
        let taken = Self.ephemeral.map { binding("0.0.0.0", $0, 1) }
        #expect(throws: PortError.noFreePort(containerPort: 53, .udp, range: Self.ephemeral)) {
            try resolve(["53/udp"], start: 49157, taken: taken.map { PortBinding(hostIP: $0.hostIP, hostPort: $0.hostPort,
                                                                                 containerPort: 1, transport: .udp) })
        }
        // A range of random ports runs out on its own: 8 ports for 9 container ports; the error
        // names the container port that found none.
        #expect(throws: PortError.noFreePort(containerPort: 9, .tcp, range: Self.ephemeral)) { try resolve(["1-9"]) }
    }
}
