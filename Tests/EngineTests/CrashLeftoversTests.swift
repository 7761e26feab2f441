import Testing
import Glibc
import BridgeModel
import Planning
import State
import HostSystem
@testable import Engine

func temporaryDirectory() -> String {
    var template = Array("/tmp/bridgectl-leftovers-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

/// Carries out only the store's steps, against a real store, and records the rest.
final class BookkeepingKernel: StepExecutor {
    let store: StateStore
    var otherSteps: [Step] = []
    init(store: StateStore) { self.store = store }

    func perform(_ step: Step, tolerant: Bool) throws {
        switch step {
        case .releaseAddress(let ip, let network, let container): try store.releaseAddress(ip, network: network, container: container)
        case .releasePort(let binding, let container): try store.releasePort(binding, container: container)
        case .removeContainer(let record): try store.removeContainer(record)
        default: otherSteps.append(step)
        }
    }
}

@Suite struct CrashLeftoversTests {
    let etc = temporaryDirectory()
    let namespaces = temporaryDirectory()

    private func plant(_ paths: [String]) throws {
        for path in paths { try Files.writeAtomically("\(etc)/\(path)", text: "x") }
    }

    /// A creation killed while writing hosts, then undone: the folder holds only bridgectl's
    /// files and goes; a user's file, a container's live folder and a foreign namespace's stay.
    @Test func etcFoldersLeftByKilledWritersAreCleanedAndNothingElse() throws {
        for directory in ["ghost", "live", "foreign", "user", "plain"] { try Files.createDirectory("\(etc)/\(directory)") }
        try plant(["ghost/hosts.tmp.12", "ghost/resolv.conf",
                   "live/hosts", "live/hostname.tmp.13",
                   "foreign/hosts.tmp.14", "foreign/notes",
                   "user/notes", "user/resolv.conf.tmp.15", "user/notes.tmp.16",
                   "plain/hosts"])
        try Files.writeAtomically("\(namespaces)/foreign", text: "")

        let removed = try CrashLeftovers.removeEtcFiles(etcRoot: etc, namespaceRoot: namespaces) { $0 == "live" }

        #expect(!Files.exists("\(etc)/ghost"))
        #expect(try Files.list("\(etc)/live") == ["hosts"])
        #expect(try Set(Files.list("\(etc)/foreign")) == ["hosts.tmp.14", "notes"])
        #expect(try Set(Files.list("\(etc)/user")) == ["notes", "notes.tmp.16"])
        #expect(try Files.list("\(etc)/plain") == ["hosts"])
        #expect(Set(removed) == ["\(etc)/ghost/hosts.tmp.12", "\(etc)/ghost/resolv.conf", "\(etc)/ghost",
                                 "\(etc)/live/hostname.tmp.13", "\(etc)/user/resolv.conf.tmp.15"])
    }

    @Test func rulesAreFoundByTheirOwnersCommentOnly() {
        let observed = FirewallObservation(iptablesSave: """
            *nat
            :BRIDGECTL-DNAT - [0:0]
            -A BRIDGECTL-DNAT -p tcp -m tcp --dport 8080 -m comment --comment "bridgectl container=web publish 0.0.0.0:8080->80/tcp" -j DNAT --to-destination 172.18.0.2:80
            -A BRIDGECTL-DNAT -p tcp -m tcp --dport 8081 -m comment --comment "bridgectl container=web2 publish 0.0.0.0:8081->80/tcp" -j DNAT --to-destination 172.18.0.3:80
            COMMIT
            *filter
            :BRIDGECTL-PORTS - [0:0]
            -A BRIDGECTL-PORTS -d 172.18.0.2/32 -o br-x -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT -m comment --comment "bridgectl container=web publish 0.0.0.0:8080->80/tcp" -j ACCEPT
            -A BRIDGECTL-PORTS -m comment --comment "web publish" -j ACCEPT
            COMMIT
            """)
        let owned = FirewallPlanner.rulesOwned(byContainer: "web", in: observed)
        #expect(owned == [
            .delete(table: "filter", chain: "BRIDGECTL-PORTS",
                    spec: "-d 172.18.0.2/32 -o br-x -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT -m comment --comment \"bridgectl container=web publish 0.0.0.0:8080->80/tcp\" -j ACCEPT"),
            .delete(table: "nat", chain: "BRIDGECTL-DNAT",
                    spec: "-p tcp -m tcp --dport 8080 -m comment --comment \"bridgectl container=web publish 0.0.0.0:8080->80/tcp\" -j DNAT --to-destination 172.18.0.2:80"),
        ])
    }

    /// A container whose record is torn is removed from its claims and name: namespace, files,
    /// rules, claims, name index and record all go, and nothing is left in the store.
    @Test func unreadableContainerIsRemovedFromWhatCanBeFound() throws {
        let (store, lock) = try temporaryStore()
        defer { withExtendedLifetime(lock) {} }
        let network = ObjectID.random()
        let record = ContainerRecord(id: .random(), name: "torn", created: "t", hostname: "torn", mode: .bridged)
        try store.putContainer(record)
        try store.claimAddress(IPv4Address("172.18.0.2")!, network: network, container: record.id)
        let binding = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)
        try store.claimPort(binding, container: record.id)
        try Files.writeAtomically(store.containerRecordPath(record.id), text: "{\"created\":\"t\",\"dns\":[")
        let corrupt = try #require(try store.containerListing().corrupt.first)
        let rule = RuleOp.delete(table: "nat", chain: "BRIDGECTL-DNAT", spec: "x")

        let salvaged = ContainerPlanner.salvagedRecord(
            id: corrupt.id, name: corrupt.name, namespaceIsHost: false,
            addresses: try store.addressClaims(heldBy: corrupt.id), ports: try store.portClaims(heldBy: corrupt.id))
        let plan = ContainerPlanner.removeUnreadable(salvaged, ownedFirewall: .applyRules(RuleBatch([rule])), killProcesses: true)
        #expect(plan.onInterruption == .rollForward)
        #expect(plan.redoIntent == .removeContainer(record.id))
        let kernel = BookkeepingKernel(store: store)
        try Applier(store: store, executor: kernel, failAtStep: nil).apply(plan)

        #expect(kernel.otherSteps == [
            .applyRules(RuleBatch([rule])), .killProcesses(namespace: "torn"), .deleteNamespace(name: "torn"),
            .removeFile(path: EtcFiles.hostsPath(for: "torn"), previous: nil),
            .removeFile(path: EtcFiles.resolvConfPath(for: "torn"), previous: nil),
            .removeFile(path: EtcFiles.hostnamePath(for: "torn"), previous: nil),
            .removeDirectory(path: EtcFiles.directory(for: "torn")),
        ])
        #expect(try store.containerIDs().isEmpty)
        #expect(try store.containerID(named: "torn") == nil)
        #expect(try store.usedAddresses(network: network).isEmpty)
        #expect(try store.portClaims(heldBy: record.id).isEmpty)
    }

    /// One line that says which container, which file, why, and the way out.
    @Test func corruptContainerErrorNamesItsFileAndTheWayOut() {
        let id = ObjectID.random()
        let named = EngineError.corruptContainer(CorruptRecord(id: id, path: "/r/containers/\(id.hex).json",
                                                               reason: "not valid JSON, truncated?", name: "torn"))
        #expect(named.message == "container 'torn': record /r/containers/\(id.hex).json is corrupt (not valid JSON, truncated?); "
                + "'bridgectl container rm -f torn' removes it")
        let unnamed = EngineError.corruptContainer(CorruptRecord(id: id, path: "/p", reason: "r"))
        #expect(unnamed.message.hasSuffix("'bridgectl container rm -f \(id.short)' removes it"))
    }

    /// A `--network host` container's namespace is the host's: its processes are never killed.
    @Test func unreadableHostContainerKillsNothing() {
        let salvaged = ContainerPlanner.salvagedRecord(id: .random(), name: "h", namespaceIsHost: true, addresses: [], ports: [])
        let plan = ContainerPlanner.removeUnreadable(salvaged, ownedFirewall: nil, killProcesses: true)
        #expect(!plan.steps.contains { if case .killProcesses = $0 { return true }; return false })
        #expect(plan.steps.contains(.deleteNamespace(name: "h")))
    }

    /// Without a name nothing is removed by name: only the claims and the record.
    @Test func unreadableContainerWithoutANameTouchesNoNamespace() {
        let id = ObjectID.random(), network = ObjectID.random()
        let salvaged = ContainerPlanner.salvagedRecord(id: id, name: nil, namespaceIsHost: false,
                                                       addresses: [(network, IPv4Address("172.18.0.9")!)], ports: [])
        let plan = ContainerPlanner.removeUnreadable(salvaged, ownedFirewall: nil, killProcesses: true)
        #expect(plan.steps == [.releaseAddress(IPv4Address("172.18.0.9")!, network: network, container: id),
                               .removeContainer(salvaged)])
    }

    /// The record's own bridge name survives most truncations; an aux address named like the
    /// key does not fool it.
    @Test func bridgeNameIsReadFromATornNetworkRecord() throws {
        let (store, lock) = try temporaryStore()
        defer { withExtendedLifetime(lock) {} }
        let record = NetworkRecord(id: .random(), name: "web", kind: .user, created: "t", bridgeName: "br-custom0",
                                   subnet: try IPv4Network(parsing: "172.18.0.0/16"), gateway: IPv4Address("172.18.0.1"),
                                   auxAddresses: ["bridgeName": IPv4Address("172.18.0.9")!])
        let text = String(decoding: try store.encode(record), as: UTF8.self)
        #expect(NetworkPlanner.salvagedBridgeName(fromRecordText: String(text.prefix(80))) == "br-custom0")
        #expect(NetworkPlanner.salvagedBridgeName(fromRecordText: String(text.prefix(20))) == nil)
        #expect(NetworkPlanner.salvagedBridgeName(fromRecordText: #"{"auxAddresses":{},"bridgeName":"a b"}"#) == nil)
    }

    @Test func rulesAreFoundByTheBridgeTheyMatch() {
        let observed = FirewallObservation(iptablesSave: """
            *filter
            -A BRIDGECTL-FORWARD -i br-a -o br-a -m comment --comment "bridgectl net=web icc on" -j ACCEPT
            -A BRIDGECTL-ISOLATION-1 -i br-a ! -o br-a -m comment --comment "bridgectl net=web leaving" -j BRIDGECTL-ISOLATION-2
            -A BRIDGECTL-FORWARD -i br-ab -o br-ab -j ACCEPT
            -A BRIDGECTL-FORWARD -m comment --comment "bridgectl br-a" -j ACCEPT
            COMMIT
            *nat
            -A BRIDGECTL-POSTROUTING -s 172.18.0.0/16 ! -o br-a -m comment --comment "bridgectl net=web masquerade" -j MASQUERADE
            COMMIT
            """)
        let owned = FirewallPlanner.rulesOwned(byBridge: "br-a", in: observed)
        #expect(owned.count == 3)
        #expect(owned.allSatisfy { if case .delete(_, _, let spec) = $0 { return spec.contains("net=web") }; return false })
    }

    /// The last network also takes bridgectl's chains; with others left, only its own rules go.
    @Test func unreadableNetworkRemovalTakesTheBaseChainsOnlyWhenLast() {
        let id = ObjectID.random()
        let rule = RuleOp.delete(table: "filter", chain: "BRIDGECTL-FORWARD", spec: "-i br-a -o br-a -j ACCEPT")
        let observed = FirewallObservation(iptablesSave: "*filter\n:BRIDGECTL-FORWARD - [0:0]\nCOMMIT\n")
        let others = FirewallContext(observed: observed, ipForward: "1", bridgeNetfilter: "1", otherActiveNetworks: true)
        let plan = NetworkPlanner.removeUnreadable(id: id, bridgeName: "br-a", ownedRules: [rule], firewall: others)
        #expect(plan.steps.count == 3)
        #expect(plan.steps[0] == .applyRules(RuleBatch([rule])))
        #expect(plan.steps[1] == .deleteLink(name: "br-a", namespace: nil))
        guard case .removeNetwork(let salvaged) = plan.steps[2] else { Issue.record("no record removal"); return }
        #expect(salvaged.id == id)
        #expect(plan.redoIntent == .removeNetwork(id))
        let last = FirewallContext(observed: observed, ipForward: "1", bridgeNetfilter: "1", otherActiveNetworks: false)
        let lastPlan = NetworkPlanner.removeUnreadable(id: id, bridgeName: nil, ownedRules: [], firewall: last)
        guard case .applyRules(let batch) = lastPlan.steps.first else { Issue.record("no teardown"); return }
        #expect(batch.ops.contains(.deleteChain(table: "filter", chain: "BRIDGECTL-FORWARD")))
        #expect(!lastPlan.steps.contains { if case .deleteLink = $0 { return true }; return false })
    }
}
