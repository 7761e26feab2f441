import Testing
import Glibc
import BridgeModel
import Planning
import State
import HostSystem
@testable import Engine

/// A kernel made of a set of strings: each step adds or removes what it would make, so a test can
/// compare the whole "world" before and after a failed plan.
final class FakeKernel: StepExecutor {
    var world: Set<String> = []
    var performed: [Step] = []
    var failOnStep: Int?

    func perform(_ step: Step, tolerant: Bool) throws {
        if let failOnStep, performed.count == failOnStep, !tolerant {
            performed.append(step)
            throw FakeFailure()
        }
        performed.append(step)
        switch step {
        case .createBridge(let name, _, _, _): try add("link \(name)", tolerant)
        case .createVethPair(let host, _, let namespace, _, _, _, _): try add("link \(host)", tolerant); world.insert("link eth@\(namespace)")
        case .deleteLink(let name, _), .deleteHostLinkInBackground(let name): world.remove("link \(name)")
        case .createNamespace(let name, _), .aliasHostNamespace(let name), .attachNamespace(let name, _): try add("netns \(name)", tolerant)
        case .deleteNamespace(let name), .detachNamespace(let name): world.remove("netns \(name)"); world = world.filter { !$0.hasSuffix("@\(name)") }
        case .createDirectory(let path): world.insert("dir \(path)")
        case .removeDirectory(let path): world.remove("dir \(path)")
        case .writeFile(let path, let contents, _): world = world.filter { !$0.hasPrefix("file \(path)=") }; world.insert("file \(path)=\(contents)")
        case .removeFile(let path, _): world = world.filter { !$0.hasPrefix("file \(path)=") }
        case .putNetwork(let record, _): world = world.filter { !$0.hasPrefix("network \(record.id.short)") }; world.insert("network \(record.id.short) \(record.name)")
        case .removeNetwork(let record): world = world.filter { !$0.hasPrefix("network \(record.id.short)") }
        case .putContainer(let record, _): world = world.filter { !$0.hasPrefix("container \(record.id.short)") }; world.insert("container \(record.id.short) \(record.name)")
        case .removeContainer(let record): world = world.filter { !$0.hasPrefix("container \(record.id.short)") }
        case .claimAddress(let ip, let network, let container): world.insert("claim \(network.short) \(ip) \(container.short)")
        case .releaseAddress(let ip, let network, let container): world.remove("claim \(network.short) \(ip) \(container.short)")
        case .applyRules(let batch):
            for op in batch.ops {
                switch op {
                case .append(let table, let chain, let spec), .insert(let table, let chain, _, let spec):
                    world.insert("rule \(table) \(chain) \(spec)")
                case .delete(let table, let chain, let spec): world.remove("rule \(table) \(chain) \(spec)")
                case .createChain(let table, let chain): world.insert("chain \(table) \(chain)")
                case .deleteChain(let table, let chain): world.remove("chain \(table) \(chain)")
                case .flushChain(let table, let chain): world = world.filter { !$0.hasPrefix("rule \(table) \(chain) ") }
                }
            }
        case .applyNftables(let batch):
            for op in batch.ops {
                switch op {
                case .addElement(let set, let element): world.insert("element \(set) \(element.key)")
                case .deleteElement(let set, let element): world.remove("element \(set) \(element.key)")
                case .addChain(let chain): world.insert("nft chain \(chain.name)")
                case .deleteChain(let chain): world.remove("nft chain \(chain)")
                default: break
                }
            }
        case .putSettings(let settings, _):
            world = world.filter { !$0.hasPrefix("settings ") }
            if let settings { world.insert("settings \(settings.firewall)") }
        case .claimPort(let binding, let container): world.insert("port \(binding) \(container.short)")
        case .releasePort(let binding, let container): world.remove("port \(binding) \(container.short)")
        case .disableIPv6, .addAddress, .setLinkUp, .addDefaultRoute, .killProcesses, .setSysctl, .setHairpin: break
        }
    }

    private func add(_ item: String, _ tolerant: Bool) throws {
        if world.contains(item) && !tolerant { throw FakeFailure() }
        world.insert(item)
    }
}

struct FakeFailure: Error {}

func temporaryStore() throws -> (StateStore, FileLock) {
    var template = Array("/tmp/bridgectl-engine-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    let store = StateStore(root: path)
    return (store, try store.lock(exclusive: true))
}

func containerCreatePlan() throws -> Plan {
    let network = NetworkRecord(id: .random(), name: "app", kind: .user, created: "t", bridgeName: "br-app",
                                subnet: try IPv4Network(parsing: "172.18.0.0/16"), gateway: IPv4Address("172.18.0.1"))
    let bridge = NetworkPlanner.bridgeSteps(for: network)
    let ports = [PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)]
    let (_, plan) = try ContainerPlanner.create(
        ContainerCreateRequest(name: "c1", ports: ports), id: .random(), created: "t", mode: .bridged,
        targets: [AttachTarget(network: network, usedAddresses: [])],
        hostResolver: EtcFiles.ResolverConfig(parsing: "nameserver 10.0.0.53\n"), makeID: { .random() })
    var combined = plan
    combined.steps = bridge + plan.steps
    return combined
}

@Suite struct ApplierTests {
    @Test func appliesEveryStepInOrderAndRemovesTheJournal() throws {
        let (store, lock) = try temporaryStore()
        defer { withExtendedLifetime(lock) {} }
        let kernel = FakeKernel()
        let plan = try containerCreatePlan()
        try Applier(store: store, executor: kernel, failAtStep: nil).apply(plan)
        #expect(kernel.performed == plan.steps)
        #expect(try store.journalEntries().isEmpty)
        #expect(kernel.world.contains("netns c1"))
    }

    /// The core promise: a failure at any step leaves the world exactly as it was.
    @Test func aFailureAtAnyStepRollsBackEverything() throws {
        let plan = try containerCreatePlan()
        for index in plan.steps.indices {
            let (store, lock) = try temporaryStore()
            defer { withExtendedLifetime(lock) {} }
            let kernel = FakeKernel()
            kernel.world = ["link lo"]
            let before = kernel.world
            kernel.failOnStep = index
            #expect(throws: ApplyError.self) { try Applier(store: store, executor: kernel, failAtStep: nil).apply(plan) }
            #expect(kernel.world == before, "failure at step \(index) left \(kernel.world.subtracting(before))")
            #expect(try store.journalEntries().isEmpty)
        }
    }

    @Test func injectedFailureNamesTheStepAndUndoes() throws {
        let (store, lock) = try temporaryStore()
        defer { withExtendedLifetime(lock) {} }
        let kernel = FakeKernel()
        let plan = try containerCreatePlan()
        let error = #expect(throws: ApplyError.self) { try Applier(store: store, executor: kernel, failAtStep: 3).apply(plan) }
        #expect(error?.message.contains("injected failure before step 3") == true)
        #expect(kernel.world.isEmpty)
    }

    /// A journal left by a killed process is undone (creation) or finished (removal) on the next run.
    @Test func recoveryUndoesAnInterruptedCreation() throws {
        let (store, lock) = try temporaryStore()
        defer { withExtendedLifetime(lock) {} }
        let plan = try containerCreatePlan()
        let kernel = FakeKernel()
        for step in plan.steps.prefix(5) { try kernel.perform(step, tolerant: false) }
        _ = try store.writePlanJournal("op-crashed", contents: try store.encode(plan))
        try Recovery.run(store: store, executor: kernel) { _ in Issue.record("nothing to redo") }
        #expect(kernel.world.isEmpty)
        #expect(try store.journalEntries().isEmpty)
    }

    @Test func recoveryFinishesAnInterruptedRemoval() throws {
        let (store, lock) = try temporaryStore()
        defer { withExtendedLifetime(lock) {} }
        let create = try containerCreatePlan()
        let kernel = FakeKernel()
        for step in create.steps { try kernel.perform(step, tolerant: false) }
        guard case .putContainer(let record, _) = create.steps.last else { Issue.record("no record"); return }
        let remove = ContainerPlanner.remove(record, killProcesses: true)
        #expect(remove.redoIntent == .removeContainer(record.id))
        try kernel.perform(remove.steps[0], tolerant: true)
        try kernel.perform(remove.steps[1], tolerant: true)
        _ = try store.writeRedoJournal(remove.redoIntent!)
        var redone: [RedoIntent] = []
        try Recovery.run(store: store, executor: kernel) { intent in
            redone.append(intent)
            try Applier(store: store, executor: kernel, failAtStep: nil).apply(ContainerPlanner.remove(record, killProcesses: true))
        }
        #expect(redone == [remove.redoIntent!])
        #expect(!kernel.world.contains { $0.hasPrefix("netns") || $0.hasPrefix("container") || $0.hasPrefix("claim") || $0.hasPrefix("file") })
    }

    @Test func unreadableJournalIsDropped() throws {
        let (store, lock) = try temporaryStore()
        defer { withExtendedLifetime(lock) {} }
        _ = try store.writePlanJournal("op-torn", contents: Array("{\"summ".utf8))
        try Recovery.run(store: store, executor: FakeKernel()) { _ in }
        #expect(try store.journalEntries().isEmpty)
    }
}

@Suite struct UnknownRedoJournalTests {
    /// Deleting a removal journal bridgectl cannot read could leave half a removal with nothing
    /// to say so: it stays, the command fails naming it, and every other entry is still handled.
    @Test func anUnknownRemovalIntentIsAnErrorAndItsJournalIsKept() throws {
        let (store, lock) = try temporaryStore()
        defer { withExtendedLifetime(lock) {} }
        let path = "\(store.journalDirectory)/redo-restart-abc"
        try Files.writeAtomically(path, contents: [UInt8](), mode: 0o600)
        let known = RedoIntent.removeNetwork(ObjectID.random())
        _ = try store.writeRedoJournal(known)
        #expect(try store.journalEntries().contains(.unknownRedo(file: "redo-restart-abc")))
        var redone: [RedoIntent] = []
        #expect {
            try Recovery.run(store: store, executor: FakeKernel()) { redone.append($0) }
        } throws: { error in
            "\(error)".contains(path)
        }
        #expect(redone == [known])
        #expect(Files.exists(path))
        #expect(try store.journalEntries() == [.unknownRedo(file: "redo-restart-abc")])
    }
}
