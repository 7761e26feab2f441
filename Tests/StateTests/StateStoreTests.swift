import Testing
import Glibc
import BridgeModel
import HostSystem
@testable import State

/// A fresh temporary state root per test.
func temporaryRoot() -> String {
    var template = Array("/tmp/bridgectl-state-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    return path
}

func sampleNetwork(_ name: String = "web") -> NetworkRecord {
    NetworkRecord(id: .random(), name: name, kind: .user, created: "2026-11-23T00:00:00Z", bridgeName: "br-x",
                  subnet: try! IPv4Network(parsing: "172.18.0.0/16"), gateway: IPv4Address("172.18.0.1"))
}

func sampleContainer(_ name: String = "c1") -> ContainerRecord {
    ContainerRecord(id: .random(), name: name, created: "2026-11-23T00:00:01Z", hostname: name, mode: .bridged)
}

@Suite struct StateStoreTests {
    let root = temporaryRoot()

    @Test func networksRoundTripAndRemove() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let network = sampleNetwork()
        try store.putNetwork(network)
        #expect(try store.network(id: network.id) == network)
        #expect(try store.networks() == [network])
        try store.removeNetwork(network.id)
        #expect(try store.networks().isEmpty)
    }

    /// The CNI plugin's look-ups decode only the runtimes' containers; a record with no
    /// `runtime` (bridgectl's own, and every record written before runtimes) decodes as before.
    @Test func runtimeIndexFollowsRuntimeContainersOnly() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let own = sampleContainer("own")
        var pod = sampleContainer("pod")
        pod.runtime = RuntimeAttachment(containerID: "default-c1", ifName: "eth0", netnsPath: "/proc/42/ns/net")
        try store.putContainer(own)
        try store.putContainer(pod)
        #expect(try store.runtimeContainerIDs() == [pod.id])
        #expect(try store.container(id: pod.id)?.runtime == pod.runtime)
        #expect(try store.container(id: own.id)?.runtime == nil)
        #expect(try Files.read(store.containerRecordPath(own.id))?.contains("runtime") == false)
        try store.removeContainer(pod)
        #expect(try store.runtimeContainerIDs().isEmpty)
        #expect(try store.containers() == [own])
    }

    /// Each runtime index entry names its container and attachment, so a DEL finds its record
    /// without decoding the others; an entry an older bridgectl wrote empty reads as unknown
    /// (its record is decoded instead), never as another attachment.
    @Test func runtimeIndexEntriesNameTheAttachment() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        var pod = sampleContainer("pod")
        pod.runtime = RuntimeAttachment(containerID: "0123abcd", ifName: "net1", netnsPath: "/run/netns/x")
        var older = sampleContainer("older")
        older.runtime = RuntimeAttachment(containerID: "default-c2", ifName: "eth0", netnsPath: "/proc/43/ns/net")
        try store.putContainer(pod)
        try store.putContainer(older)
        try Files.writeAtomically("\(root)/runtime/\(older.id.hex)", text: "")
        let index = Dictionary(uniqueKeysWithValues: try store.runtimeIndex().map { ($0.id, $0.entry) })
        #expect(index.count == 2)
        #expect(index[pod.id] == RuntimeIndexEntry(name: "pod", attachment: pod.runtime!))
        #expect(index[pod.id]??.matches(containerID: "0123abcd", ifName: "net1") == true)
        #expect(index[pod.id]??.matches(containerID: "0123abcd", ifName: "eth0") == false)
        #expect(index[older.id] == .some(nil))
    }

    /// DEL finds its attachment through one key file; a root from before the key index gets it
    /// whole on its next runtime container, and a removal (of a salvaged record too, which no
    /// longer knows its attachment) takes the key with it.
    @Test func runtimeKeyIndexFollowsAttachments() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        var older = sampleContainer("older")
        older.runtime = RuntimeAttachment(containerID: "default-c1", ifName: "eth0", netnsPath: "/proc/42/ns/net")
        try store.putContainer(older)
        // As a bridgectl from before the key index left it: an empty entry, no key folder.
        try Files.writeAtomically("\(root)/runtime/\(older.id.hex)", text: "")
        try Files.remove("\(root)/runtime-keys/\(StateStore.runtimeKeyFile("default-c1", "eth0")!)")
        try Files.removeDirectory("\(root)/runtime-keys")
        #expect(try store.runtimeContainerID(attachedAs: "default-c1", ifName: "eth0") == .unindexed)

        var pod = sampleContainer("pod")
        pod.runtime = RuntimeAttachment(containerID: String(repeating: "ab", count: 32), ifName: "net1", netnsPath: "/run/netns/x")
        try store.putContainer(pod)
        #expect(try store.runtimeContainerID(attachedAs: "default-c1", ifName: "eth0") == .indexed(older.id))
        #expect(try store.runtimeContainerID(attachedAs: String(repeating: "ab", count: 32), ifName: "net1") == .indexed(pod.id))
        #expect(try store.runtimeContainerID(attachedAs: "default-c1", ifName: "eth1") == .indexed(nil))
        #expect(try store.runtimeContainerID(attachedAs: String(repeating: "x", count: 200), ifName: "eth0") == .unindexed)
        #expect(try store.runtimeContainerID(attachedAs: "default-c1", ifName: "a/b") == .unindexed)

        try store.removeContainer(pod)
        #expect(try store.runtimeContainerID(attachedAs: String(repeating: "ab", count: 32), ifName: "net1") == .indexed(nil))
        let salvaged = ContainerRecord(id: older.id, name: "", created: "", hostname: "", mode: .none)
        try store.removeContainer(salvaged)
        #expect(try store.runtimeContainerID(attachedAs: "default-c1", ifName: "eth0") == .indexed(nil))
        #expect(try Files.list("\(root)/runtime-keys").isEmpty)
    }

    @Test func containerNameIndexFollowsRecords() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let container = sampleContainer("serveur")
        try store.putContainer(container)
        #expect(try store.containerID(named: "serveur") == container.id)
        #expect(try store.containerIDs() == [container.id])
        try store.removeContainer(container)
        #expect(try store.containerID(named: "serveur") == nil)
        #expect(try store.container(id: container.id) == nil)
    }

    @Test func addressClaimsAreReleasedOnlyByTheirHolder() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let network = ObjectID.random(), holder = ObjectID.random(), other = ObjectID.random()
        let ip = IPv4Address("172.18.0.2")!
        try store.claimAddress(ip, network: network, container: holder)
        try store.releaseAddress(ip, network: network, container: other)
        #expect(try store.usedAddresses(network: network) == [ip])
        #expect(try store.addressClaims(network: network) == [ip: holder])
        try store.releaseAddress(ip, network: network, container: holder)
        #expect(try store.usedAddresses(network: network).isEmpty)
    }

    @Test func portClaimsAreFoundWhereverTheyOverlap() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let web = ObjectID.random(), api = ObjectID.random()
        let single = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)
        let range = PortBinding(hostIP: IPv4Address("127.0.0.1")!, hostPorts: 20000...20009, containerPorts: 80...89, transport: .tcp)
        try store.claimPort(single, container: web)
        try store.claimPort(range, container: api)
        func claims(_ ports: ClosedRange<UInt16>, _ transport: TransportProtocol = .tcp) throws -> [StateStore.PortClaim] {
            try store.portClaims(transport: transport, overlapping: ports)
        }
        let webClaim = StateStore.PortClaim(hostIP: .any, hostPorts: 8080...8080, container: web)
        let apiClaim = StateStore.PortClaim(hostIP: IPv4Address("127.0.0.1")!, hostPorts: 20000...20009, container: api)
        #expect(try claims(8080...8080) == [webClaim])
        #expect(try claims(20009...20009) == [apiClaim])
        #expect(try claims(1...65535).count == 2)
        #expect(try claims(8000...20000).count == 2)
        #expect(try claims(8081...19999).isEmpty)
        #expect(try claims(1...65535, .udp).isEmpty)
        // Only the holder releases; then nothing is left behind.
        try store.releasePort(range, container: web)
        #expect(try claims(20000...20000) == [apiClaim])
        try store.releasePort(range, container: api)
        try store.releasePort(single, container: web)
        #expect(try claims(1...65535).isEmpty)
        #expect(try Files.list("\(root)/ports").isEmpty)
        #expect(try Files.list("\(root)/port-ranges").isEmpty)
    }

    @Test func atomicWriteLeavesNoTemporaryFile() throws {
        let path = "\(root)/file"
        try Files.writeAtomically(path, text: "one")
        try Files.writeAtomically(path, text: "two")
        #expect(try Files.read(path) == "two")
        #expect(try Files.list(root) == ["file"])
    }

    @Test func corruptRecordIsReportedWithItsPath() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let id = ObjectID.random()
        try Files.writeAtomically("\(root)/networks/\(id.hex).json", text: "{not json")
        #expect(throws: StateError.self) { try store.network(id: id) }
    }

    @Test func builtinNetworkIDsRoundTrip() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        #expect(try store.builtinNetworkIDs() == nil)
        let ids = ["bridge": ObjectID.random(), "host": ObjectID.random(), "none": ObjectID.random()]
        try store.writeBuiltinNetworkIDs(ids)
        #expect(try store.builtinNetworkIDs() == ids)
    }

    @Test func journalsAreListedAndRemoved() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let plan = try store.writePlanJournal("op-1", contents: Array("{}".utf8))
        let id = ObjectID("abc" + String(repeating: "0", count: 61))!
        let redo = try store.writeRedoJournal(.removeContainer(id))
        #expect(try store.journalEntries() == [.plan(file: "op-1.json", contents: "{}"), .redo(file: "redo-container-\(id.hex)", intent: .removeContainer(id))])
        try store.removeJournal(file: plan)
        try store.removeJournal(file: redo)
        #expect(try store.journalEntries().isEmpty)
    }

    /// A second process cannot take the exclusive lock while this one holds it, and gets it as
    /// soon as it is released (flock semantics, which also free the lock on SIGKILL).
    @Test func exclusiveLockSerialisesProcesses() throws {
        let store = StateStore(root: root)
        var lock: FileLock? = try store.lock(exclusive: true)
        let probe = try NamespaceExec.spawnHere(
            arguments: ["flock", "--nonblock", "--exclusive", "\(root)/lock", "true"],
            options: .init(environment: ["PATH=/usr/bin:/bin"]))
        #expect(try NamespaceExec.wait(for: probe) != 0)
        lock = nil
        let second = try NamespaceExec.spawnHere(
            arguments: ["flock", "--nonblock", "--exclusive", "\(root)/lock", "true"],
            options: .init(environment: ["PATH=/usr/bin:/bin"]))
        #expect(try NamespaceExec.wait(for: second) == 0)
        _ = lock
    }
}
