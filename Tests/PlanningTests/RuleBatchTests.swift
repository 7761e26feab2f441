import BridgeModel
import Foundation
import Planning
import Testing

@Suite struct RuleBatchTests {
    /// Ops in a deliberately mixed order: filter before nat, declarations and deletions in the middle.
    static let mixed = RuleBatch([
        .append(table: "filter", chain: "FORWARD", spec: "-o br0 -j ACCEPT"),
        .createChain(table: "nat", chain: "NEW-NAT"),
        .append(table: "nat", chain: "NEW-NAT", spec: "-p tcp -j RETURN"),
        .deleteChain(table: "filter", chain: "OLD"),
        .createChain(table: "filter", chain: "NEW"),
        .insert(table: "filter", chain: "FORWARD", position: 1, spec: "-j NEW"),
        .flushChain(table: "filter", chain: "OLD"),
        .delete(table: "nat", chain: "POSTROUTING", spec: "-j NEW-NAT"),
        .append(table: "raw", chain: "PREROUTING", spec: "-j NOTRACK"),
    ])

    @Test func restoreInputGolden() {
        // Tables raw, mangle, nat, filter; in each, declarations first, then the changes in
        // order, then chain deletions; one COMMIT per table.
        #expect(Self.mixed.restoreInput == """
            *raw
            -A PREROUTING -j NOTRACK
            COMMIT
            *nat
            :NEW-NAT - [0:0]
            -A NEW-NAT -p tcp -j RETURN
            -D POSTROUTING -j NEW-NAT
            COMMIT
            *filter
            :NEW - [0:0]
            -A FORWARD -o br0 -j ACCEPT
            -I FORWARD 1 -j NEW
            -F OLD
            -X OLD
            COMMIT

            """)
    }

    @Test func restoreInputOfNetworkRulesIsNatThenFilter() {
        let batch = RuleBatch(FirewallPlanner.networkRules(Fixture.front))
        let lines = batch.restoreInput.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("*") } == ["*nat", "*filter"])
        #expect(lines.filter { $0 == "COMMIT" }.count == 2)
        #expect(lines.first == "*nat")
        #expect(lines.last == "COMMIT")
        #expect(lines.count == batch.ops.count + 4)
    }

    @Test func emptyBatch() {
        let batch = RuleBatch([])
        #expect(batch.isEmpty)
        #expect(batch.restoreInput == "")
        #expect(batch.commands == [])
        #expect(batch.inverse == batch)
        #expect(!Self.mixed.isEmpty)
    }

    @Test func commandsGolden() {
        // Commands keep the batch's own order: each one runs by hand as written.
        #expect(Self.mixed.commands == [
            "iptables -t filter -A FORWARD -o br0 -j ACCEPT",
            "iptables -t nat -N NEW-NAT",
            "iptables -t nat -A NEW-NAT -p tcp -j RETURN",
            "iptables -t filter -X OLD",
            "iptables -t filter -N NEW",
            "iptables -t filter -I FORWARD 1 -j NEW",
            "iptables -t filter -F OLD",
            "iptables -t nat -D POSTROUTING -j NEW-NAT",
            "iptables -t raw -A PREROUTING -j NOTRACK",
        ])
        #expect(RuleOp.append(table: "nat", chain: "BRIDGECTL-DNAT", spec: "-p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80").command
                == "iptables -t nat -A BRIDGECTL-DNAT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80")
        #expect(RuleOp.createChain(table: "filter", chain: "BRIDGECTL-USER").command == "iptables -t filter -N BRIDGECTL-USER")
    }

    @Test func opInverses() {
        #expect(RuleOp.createChain(table: "filter", chain: "X").inverse == .deleteChain(table: "filter", chain: "X"))
        #expect(RuleOp.deleteChain(table: "filter", chain: "X").inverse == .createChain(table: "filter", chain: "X"))
        #expect(RuleOp.append(table: "nat", chain: "X", spec: "-j A").inverse == .delete(table: "nat", chain: "X", spec: "-j A"))
        #expect(RuleOp.insert(table: "filter", chain: "FORWARD", position: 3, spec: "-j A").inverse
                == .delete(table: "filter", chain: "FORWARD", spec: "-j A"))
        #expect(RuleOp.delete(table: "nat", chain: "X", spec: "-j A").inverse == .append(table: "nat", chain: "X", spec: "-j A"))
        #expect(RuleOp.flushChain(table: "filter", chain: "X").inverse == nil)
    }

    @Test func opTable() {
        #expect(Self.mixed.ops.map(\.table) == ["filter", "nat", "nat", "filter", "filter", "filter", "filter", "nat", "raw"])
    }

    @Test func batchInverseReversesAndDropsFlushes() {
        #expect(Self.mixed.inverse == RuleBatch([
            .delete(table: "raw", chain: "PREROUTING", spec: "-j NOTRACK"),
            .append(table: "nat", chain: "POSTROUTING", spec: "-j NEW-NAT"),
            .delete(table: "filter", chain: "FORWARD", spec: "-j NEW"),
            .deleteChain(table: "filter", chain: "NEW"),
            .createChain(table: "filter", chain: "OLD"),
            .delete(table: "nat", chain: "NEW-NAT", spec: "-p tcp -j RETURN"),
            .deleteChain(table: "nat", chain: "NEW-NAT"),
            .delete(table: "filter", chain: "FORWARD", spec: "-o br0 -j ACCEPT"),
        ]))
        #expect(RuleBatch([.flushChain(table: "filter", chain: "X")]).inverse.isEmpty)
    }

    @Test func undoingASetupDeletesRulesBeforeTheirChains() {
        let setup = RuleBatch(FirewallPlanner.baseSetup(observed: FirewallObservation()) + FirewallPlanner.networkRules(Fixture.front))
        let undo = setup.inverse
        // Every chain setup declared is deleted, after (in restore order) every rule deletion.
        let declared = setup.ops.compactMap { if case .createChain(let t, let c) = $0 { "\(t)/\(c)" } else { nil } }
        let deleted = undo.ops.compactMap { if case .deleteChain(let t, let c) = $0 { "\(t)/\(c)" } else { nil } }
        #expect(Set(declared) == Set(deleted))
        #expect(declared.count == 9)
        #expect(undo.ops.count == setup.ops.count)
        for table in ["nat", "filter"] {
            let section = undo.restoreInput.components(separatedBy: "*\(table)\n")[1].components(separatedBy: "COMMIT")[0]
            let lines = section.split(separator: "\n")
            let firstX = lines.firstIndex { $0.hasPrefix("-X ") }!
            #expect(lines[..<firstX].allSatisfy { $0.hasPrefix("-D ") }, "\(table): \(lines)")
            #expect(lines[firstX...].allSatisfy { $0.hasPrefix("-X ") }, "\(table): \(lines)")
        }
    }

    @Test func codableRoundTrip() throws {
        let data = try JSONEncoder().encode(Self.mixed)
        #expect(try JSONDecoder().decode(RuleBatch.self, from: data) == Self.mixed)
    }

    @Test func commentText() {
        #expect(RuleText.comment("net=front icc off") == #"-m comment --comment "bridgectl net=front icc off""#)
    }
}
