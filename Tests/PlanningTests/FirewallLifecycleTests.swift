import BridgeModel
import Planning
import Testing

/// A small model of `iptables-restore --noflush` over `iptables-save` text, strict where the real
/// one is: rules only into existing chains, `-D` only of an existing rule, `-X` only of an empty,
/// unreferenced chain, `-N` only of a new chain, and a declaration of an existing chain flushes it.
struct FakeIptables {
    static let builtins = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
    /// table -> chain -> rule specs in order.
    var tables: [String: [String: [String]]] = [:]
    var errors: [String] = []

    init(iptablesSave text: String) {
        var table = ""
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("*") { table = String(line.dropFirst()); tables[table, default: [:]] = tables[table] ?? [:] }
            else if line.hasPrefix(":") { tables[table, default: [:]][String(line.dropFirst().split(separator: " ")[0])] = [] }
            else if line.hasPrefix("-A ") {
                let parts = line.dropFirst(3).split(separator: " ", maxSplits: 1).map(String.init)
                tables[table, default: [:]][parts[0], default: []].append(parts[1])
            }
        }
    }

    /// As `iptables-save` prints it: built-in chains first, then the others by name.
    var save: String {
        var text = ""
        for table in ["raw", "mangle", "nat", "filter"] {
            guard let chains = tables[table] else { continue }
            text += "*\(table)\n"
            let names = Self.builtins.filter { chains[$0] != nil } + chains.keys.filter { !Self.builtins.contains($0) }.sorted()
            for name in names { text += Self.builtins.contains(name) ? ":\(name) ACCEPT [0:0]\n" : ":\(name) - [0:0]\n" }
            for name in names { for spec in chains[name]! { text += "-A \(name) \(spec)\n" } }
            text += "COMMIT\n"
        }
        return text
    }

    func rules(_ table: String, _ chain: String) -> [String]? { tables[table]?[chain] }

    private mutating func fail(_ message: String) { errors.append(message) }

    private mutating func checkTarget(_ table: String, _ spec: String, _ line: String) {
        if let range = spec.range(of: "-j BRIDGECTL-") {
            let target = spec[range.lowerBound...].dropFirst(3).split(separator: " ").first.map(String.init) ?? ""
            if tables[table]?[target] == nil { fail("\(line): no chain \(target)") }
        }
    }

    /// One change as iptables-restore reads it inside a table section.
    mutating func apply(_ line: String, table: String) {
        let words = line.split(separator: " ", maxSplits: 2).map(String.init)
        if line.hasPrefix(":") {
            tables[table, default: [:]][words[0].dropFirst().description] = []  // new, or flushed
            return
        }
        let chain = words[1]
        guard tables[table]?[chain] != nil || words[0] == "-N" else { return fail("\(line): no chain \(chain) in \(table)") }
        switch words[0] {
        case "-N":
            if tables[table]?[chain] != nil { fail("\(line): chain exists") }
            tables[table, default: [:]][chain] = []
        case "-A":
            checkTarget(table, words[2], line)
            tables[table]![chain]!.append(words[2])
        case "-I":
            let rest = words[2].split(separator: " ", maxSplits: 1).map(String.init)
            let position = Int(rest[0])!
            guard (1...tables[table]![chain]!.count + 1).contains(position) else { return fail("\(line): bad position") }
            checkTarget(table, rest[1], line)
            tables[table]![chain]!.insert(rest[1], at: position - 1)
        case "-D":
            guard let index = tables[table]![chain]!.firstIndex(of: words[2]) else { return fail("\(line): no such rule") }
            tables[table]![chain]!.remove(at: index)
        case "-F":
            tables[table]![chain] = []
        case "-X":
            if !tables[table]![chain]!.isEmpty { return fail("\(line): chain not empty") }
            let referenced = tables[table]!.values.joined().contains { $0.hasSuffix("-j \(chain)") || $0.contains("-j \(chain) ") }
            if referenced { return fail("\(line): chain still referenced") }
            tables[table]![chain] = nil
        default:
            fail("\(line): unknown")
        }
    }

    mutating func restore(_ batch: RuleBatch) {
        var table = ""
        for line in batch.restoreInput.split(separator: "\n").map(String.init) {
            if line.hasPrefix("*") { table = String(line.dropFirst()) }
            else if line != "COMMIT" { apply(line, table: table) }
        }
    }

    /// The dry-run form, command by command.
    mutating func run(_ commands: [String]) {
        for command in commands {
            let words = command.split(separator: " ", maxSplits: 3).map(String.init)
            guard words.count == 4, words[0] == "iptables", words[1] == "-t" else { fail("\(command): not iptables"); continue }
            apply(words[3], table: words[2])
        }
    }

    var observation: FirewallObservation { FirewallObservation(iptablesSave: save) }
}

@Suite struct FirewallLifecycleTests {
    static let web = [PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp),
                      PortBinding(hostIP: ip("127.0.0.1"), hostPort: 8081, containerPort: 81, transport: .tcp)]

    func context(_ fake: FakeIptables, others: Bool = false) -> FirewallContext {
        FirewallContext(observed: fake.observation, ipForward: "1", bridgeNetfilter: "1", otherActiveNetworks: others)
    }

    func batches(_ steps: [Step]) -> [RuleBatch] {
        steps.compactMap { if case .applyRules(let batch) = $0 { batch } else { nil } }
    }

    func activate(_ network: NetworkRecord, on fake: inout FakeIptables) throws {
        for batch in batches(try NetworkPlanner.activationSteps(for: network, firewall: context(fake))) { fake.restore(batch) }
    }

    func deactivate(_ network: NetworkRecord, others: Bool, on fake: inout FakeIptables) {
        for batch in batches(NetworkPlanner.deactivationSteps(for: network, firewall: context(fake, others: others))) {
            fake.restore(batch)
        }
    }

    /// The model refuses what iptables-restore refuses (checked against iptables 1.8.9 in a
    /// throwaway namespace), so the tests below can fail.
    @Test func modelIsStrict() {
        var fake = FakeIptables(iptablesSave: Captures.dockerOnly)
        fake.apply("-X DOCKER-USER", table: "filter")           // not empty
        fake.apply("-D FORWARD -j NOPE", table: "filter")        // no such rule
        fake.apply("-A BRIDGECTL-X -j ACCEPT", table: "filter")  // no such chain
        fake.apply("-I FORWARD 9 -j ACCEPT", table: "filter")    // past the end
        fake.apply("-A FORWARD -j BRIDGECTL-MISSING", table: "filter")
        #expect(fake.errors.count == 5)
        fake.apply(":DOCKER-USER - [0:0]", table: "filter")      // a declaration flushes
        #expect(fake.rules("filter", "DOCKER-USER") == [])
        fake.apply("-X DOCKER-USER", table: "filter")            // still referenced from FORWARD
        #expect(fake.errors.count == 6)
    }

    @Test func setupNextToDockerPutsTheUserChainFirst() throws {
        var fake = FakeIptables(iptablesSave: Captures.dockerOnly)
        try activate(Fixture.front, on: &fake)
        #expect(fake.errors == [])
        #expect(fake.rules("filter", "FORWARD") == [
            #"-m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER"#,
            #"-m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD"#,
            "-j DOCKER-USER",
            "-i docker0 ! -o docker0 -j ACCEPT",
        ])
        // Docker's rules untouched.
        #expect(fake.rules("nat", "POSTROUTING")?.first == "-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE")
        #expect(fake.rules("filter", "DOCKER-USER") == ["-j RETURN"])
        // BRIDGECTL-FORWARD: the shared jumps first, then the network's own rules.
        #expect(fake.rules("filter", "BRIDGECTL-FORWARD")?.map { $0.components(separatedBy: "\"")[1] } == [
            "bridgectl replies", "bridgectl published ports", "bridgectl isolation between networks",
            "bridgectl net=front icc on", "bridgectl net=front outbound", "bridgectl net=front DNATed in",
            "bridgectl net=front nothing else in",
        ])
    }

    @Test func networksAndPortsComeAndGoWithoutATrace() throws {
        var fake = FakeIptables(iptablesSave: Captures.dockerOnly)
        let before = fake.save
        try activate(Fixture.front, on: &fake)
        try activate(Fixture.side, on: &fake)
        let publish = RuleBatch(FirewallPlanner.publishRules(container: "web", address: ip("172.18.0.2"),
                                                             bridge: Fixture.front.bridgeName, bindings: Self.web))
        fake.restore(publish)
        #expect(fake.rules("nat", "BRIDGECTL-DNAT-OUTPUT")?.count == 2)
        #expect(fake.errors == [])
        fake.restore(publish.inverse)
        deactivate(Fixture.front, others: true, on: &fake)
        #expect(fake.errors == [])
        // side's rules are still all there.
        let sideRules = FirewallPlanner.networkRules(Fixture.side).count
        #expect(fake.save.split(separator: "\n").filter { $0.contains("net=side ") }.count == sideRules)
        deactivate(Fixture.side, others: false, on: &fake)
        #expect(fake.errors == [])
        #expect(fake.save == before)
    }

    @Test func userRulesSurviveNetworksComingAndGoing() throws {
        var fake = FakeIptables(iptablesSave: Captures.dockerOnly)
        try activate(Fixture.front, on: &fake)
        fake.apply("-A BRIDGECTL-USER -s 10.9.0.0/16 -j DROP", table: "filter")
        deactivate(Fixture.front, others: false, on: &fake)
        #expect(fake.errors == [])
        // The user's chain and its jump stay; nothing else of bridgectl's does.
        #expect(fake.rules("filter", "BRIDGECTL-USER") == ["-s 10.9.0.0/16 -j DROP"])
        #expect(fake.rules("filter", "FORWARD")?.first == #"-m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER"#)
        #expect(fake.tables.values.flatMap(\.keys).filter { $0.hasPrefix("BRIDGECTL-") } == ["BRIDGECTL-USER"])
        // Back again: the user's rule is not flushed, and the order is user chain, then bridgectl's.
        try activate(Fixture.side, on: &fake)
        #expect(fake.errors == [])
        #expect(fake.rules("filter", "BRIDGECTL-USER") == ["-s 10.9.0.0/16 -j DROP"])
        #expect(Array(fake.rules("filter", "FORWARD")!.prefix(3)) == [
            #"-m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER"#,
            #"-m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD"#,
            "-j DOCKER-USER",
        ])
    }

    @Test func userRuleKeptWhenDockerRulesAreAboveTheUserJump() throws {
        // The user moved bridgectl's jump below Docker's: bridgectl's forward jump goes right after it.
        var fake = FakeIptables(iptablesSave: Captures.dockerOnly)
        fake.apply(":BRIDGECTL-USER - [0:0]", table: "filter")
        fake.apply("-A BRIDGECTL-USER -j RETURN", table: "filter")
        fake.apply(#"-I FORWARD 2 -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER"#, table: "filter")
        try activate(Fixture.front, on: &fake)
        #expect(fake.errors == [])
        #expect(fake.rules("filter", "FORWARD") == [
            "-j DOCKER-USER",
            #"-m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER"#,
            #"-m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD"#,
            "-i docker0 ! -o docker0 -j ACCEPT",
        ])
        #expect(fake.rules("filter", "BRIDGECTL-USER") == ["-j RETURN"])
    }

    @Test func dryRunCommandsRunInOrderAndGiveTheSameResult() throws {
        var restored = FakeIptables(iptablesSave: Captures.dockerOnly)
        var typed = restored
        let steps = try NetworkPlanner.activationSteps(for: Fixture.front, firewall: context(restored))
        for batch in batches(steps) {
            restored.restore(batch)
            typed.run(batch.commands)
        }
        #expect(restored.errors == [])
        #expect(typed.errors == [])
        #expect(typed.save == restored.save)
        let down = NetworkPlanner.deactivationSteps(for: Fixture.front, firewall: context(typed))
        for batch in batches(down) { typed.run(batch.commands) }
        #expect(typed.errors == [])
        #expect(typed.save == FakeIptables(iptablesSave: Captures.dockerOnly).save)
    }

    @Test func rollingBackASetupLeavesNothing() throws {
        var fake = FakeIptables(iptablesSave: Captures.dockerOnly)
        let before = fake.save
        let steps = try NetworkPlanner.activationSteps(for: Fixture.front, firewall: context(fake))
        for batch in batches(steps) { fake.restore(batch) }
        for step in steps.reversed() {
            if case .applyRules(let batch)? = step.inverse { fake.restore(batch) }
        }
        #expect(fake.errors == [])
        #expect(fake.save == before)
    }
}
