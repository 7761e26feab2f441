import Testing
import Glibc
import BridgeModel
import HostSystem
@testable import State

/// What a bridgectl killed mid-write leaves in the store, and how the next command deals with it.
@Suite struct CrashLeftoverTests {
    let root = temporaryRoot()

    @Test func temporaryFileNamesFollowTheAtomicWritersPattern() {
        #expect(Files.temporaryFileBase(Files.temporaryPath(for: "hosts")) == "hosts")
        #expect(Files.temporaryFileBase("resolv.conf.tmp.12345") == "resolv.conf")
        #expect(Files.temporaryFileBase("op-1a2b.json.tmp.7") == "op-1a2b.json")
        for name in ["hosts", "hosts.tmp", "hosts.tmp.", "hosts.tmp.12a", ".tmp.12", "tmp.12", "notes.txt", "hosts.tmp.-1"] {
            #expect(Files.temporaryFileBase(name) == nil, "\(name)")
        }
    }

    @Test func aTornJournalWriteCountsAsAnInterruptedChangeButIsNoJournalEntry() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        #expect(try !store.hasInterruptedChanges())
        try Files.writeAtomically("\(store.journalDirectory)/op-1.json.tmp.4242", text: "{\"summ")
        #expect(try store.hasInterruptedChanges())
        #expect(try store.journalEntries().isEmpty)
        try Files.writeAtomically("\(store.journalDirectory)/redo-container-abc.tmp.4242", text: "")
        #expect(try store.journalEntries().isEmpty)
    }

    /// Every folder the store writes in is swept; files that do not follow the pattern, and a
    /// directory named like one, stay.
    @Test func sweepRemovesOnlyTemporaryFilesOfTheStore() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let network = sampleNetwork()
        let container = sampleContainer("web")
        try store.putNetwork(network)
        try store.putContainer(container)
        try store.claimAddress(IPv4Address("172.18.0.2")!, network: network.id, container: container.id)
        try store.claimPort(PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp), container: container.id)
        let planted = [
            "\(root)/journal/op-1.json.tmp.101", "\(root)/containers/\(container.id.hex).json.tmp.102",
            "\(root)/networks/\(network.id.hex).json.tmp.103", "\(root)/names/web.tmp.104",
            "\(root)/addresses/\(network.id.hex)/172.18.0.3.tmp.105", "\(root)/ports/tcp-8080/0.0.0.0.tmp.106",
            "\(root)/builtin-networks.tmp.107",
        ]
        for path in planted { try Files.writeAtomically(path, text: "{\"trunc") }
        try Files.writeAtomically("\(root)/notes.txt", text: "mine")
        try Files.createDirectory("\(root)/networks/kept.tmp.1")
        #expect(try store.hasInterruptedChanges())

        #expect(try Set(store.removeTemporaryFiles()) == Set(planted))
        for path in planted { #expect(!Files.exists(path), "\(path)") }
        #expect(Files.exists("\(root)/notes.txt"))
        #expect(Files.isDirectory("\(root)/networks/kept.tmp.1"))
        #expect(try !store.hasInterruptedChanges())
        #expect(try store.container(id: container.id) == container)
        #expect(try store.network(id: network.id) == network)
    }

    /// One torn record neither hides the others nor loses its name.
    @Test func corruptContainerRecordIsListedApartWithItsName() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let good = sampleContainer("good")
        let torn = sampleContainer("torn")
        try store.putContainer(good)
        try store.putContainer(torn)
        let path = store.containerRecordPath(torn.id)
        let text = try #require(try Files.read(path))
        try Files.writeAtomically(path, text: String(text.prefix(text.count / 2)))

        let listing = try store.containerListing()
        #expect(listing.records == [good])
        #expect(listing.corrupt.count == 1)
        #expect(listing.corrupt.first?.id == torn.id)
        #expect(listing.corrupt.first?.name == "torn")
        #expect(listing.corrupt.first?.path == path)
        #expect(listing.corrupt.first?.reason.contains("not valid JSON") == true)
        #expect(try store.containers() == [good])
        #expect(throws: StateError.self) { try store.container(id: torn.id) }
        #expect(try store.containerIDs().count == 2)
    }

    @Test func corruptNetworkRecordIsListedApart() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let good = sampleNetwork("good")
        try store.putNetwork(good)
        let torn = ObjectID.random()
        try Files.writeAtomically("\(root)/networks/\(torn.hex).json", text: "")
        let listing = try store.networkListing()
        #expect(listing.records == [good])
        #expect(listing.corrupt.map(\.id) == [torn])
        #expect(try store.networks() == [good])
    }

    /// What a container whose record is lost still holds, found from the claims alone.
    @Test func claimsHeldByAContainerAreFoundWithoutItsRecord() throws {
        let store = StateStore(root: root)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let holder = ObjectID.random(), other = ObjectID.random()
        let first = ObjectID.random(), second = ObjectID.random()
        try store.claimAddress(IPv4Address("172.18.0.2")!, network: first, container: holder)
        try store.claimAddress(IPv4Address("172.18.0.3")!, network: first, container: other)
        try store.claimAddress(IPv4Address("172.19.0.2")!, network: second, container: holder)
        let binding = PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp)
        try store.claimPort(binding, container: holder)
        try store.claimPort(PortBinding(hostIP: .any, hostPort: 9090, containerPort: 90, transport: .udp), container: other)

        let held = try store.addressClaims(heldBy: holder)
        #expect(Set(held.map { "\($0.network.hex) \($0.address)" }) == ["\(first.hex) 172.18.0.2", "\(second.hex) 172.19.0.2"])
        let ports = try store.portClaims(heldBy: holder)
        #expect(ports.map { "\($0.transport.rawValue) \($0.hostIP) \($0.hostPort)" } == ["tcp 0.0.0.0 8080"])
    }

    /// The store names every container and address: no other local user may read it.
    @Test func newRootIsPrivateAndRecordsAreOwnerOnly() throws {
        let fresh = "\(root)/state"
        let store = StateStore(root: fresh)
        let lock = try store.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        #expect(Files.permissions(fresh) == 0o700)
        let network = sampleNetwork()
        let container = sampleContainer("web")
        try store.putNetwork(network)
        try store.putContainer(container)
        try store.claimAddress(IPv4Address("172.18.0.2")!, network: network.id, container: container.id)
        try store.claimPort(PortBinding(hostIP: .any, hostPort: 8080, containerPort: 80, transport: .tcp), container: container.id)
        try store.writeBuiltinNetworkIDs(["bridge": network.id])
        let journal = try store.writePlanJournal("op-1", contents: Array("{}".utf8))
        for path in ["networks/\(network.id.hex).json", "containers/\(container.id.hex).json", "names/web",
                     "addresses/\(network.id.hex)/172.18.0.2", "ports/tcp-8080/0.0.0.0", "builtin-networks",
                     "journal/\(journal)", "lock"] {
            #expect(Files.permissions("\(fresh)/\(path)") == 0o600, "\(path)")
        }
    }

    /// A root an older bridgectl made 0755 is closed by the next command that changes something.
    @Test func worldReadableRootIsClosedByTheNextWriter() throws {
        let old = "\(root)/old"
        for directory in [old, "\(old)/journal"] { try Files.createDirectory(directory, mode: 0o755) }
        try Files.setPermissions(old, 0o755)
        let store = StateStore(root: old)
        var lock: FileLock? = try store.lock(exclusive: false)
        #expect(Files.permissions(old) == 0o755)
        lock = nil
        lock = try store.lock(exclusive: true)
        #expect(Files.permissions(old) == 0o700)
        _ = lock
    }
}
