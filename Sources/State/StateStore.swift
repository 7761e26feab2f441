import FoundationEssentials
import Glibc
import BridgeModel
import HostSystem

/// bridgectl's records on disk, one small file per thing so a command rewrites only what it
/// changes and its cost does not grow with the number of containers:
///
///     ROOT/lock                          flock: exclusive for changes, shared for reads
///     ROOT/networks/<id>.json            NetworkRecord
///     ROOT/containers/<id>.json          ContainerRecord
///     ROOT/names/<container name>        the container's ID (name index)
///     ROOT/runtime/<container id>        the container is a runtime's (CNI): its name, the
///                                        runtime's container ID and interface (RuntimeIndexEntry),
///                                        so the plugin's look-ups decode only the record they want
///     ROOT/runtime-keys/<hex(runtime's container ID)>.<interface>
///                                        that attachment's container ID, so a DEL or CHECK finds
///                                        its record without reading the others
///     ROOT/addresses/<network id>/<ip>   the container ID holding that address
///     ROOT/ports/<proto>-<port>/<ip>     the container ID publishing that host port
///     ROOT/port-ranges/<proto>-<first>-<last>/<ip>   likewise for a range of host ports
///     ROOT/builtin-networks              IDs of bridge, host and none
///     ROOT/settings.json                 HostSettings: the firewall backend
///     ROOT/journal/<op>.json             a creation being applied (left behind only by a crash)
///     ROOT/journal/redo-<what>           a removal being applied (likewise)
///
/// Every write is atomic (temp file + fsync + rename) and made under the exclusive lock. The root
/// is 0700 and records 0600: they name every container and address, which is no other local
/// user's business.
public final class StateStore {
    public let root: String
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    private let decoder = JSONDecoder()

    public init(root: String) {
        self.root = root
    }

    var networksDirectory: String { "\(root)/networks" }
    var containersDirectory: String { "\(root)/containers" }
    var namesDirectory: String { "\(root)/names" }
    var runtimeDirectory: String { "\(root)/runtime" }
    var runtimeKeysDirectory: String { "\(root)/runtime-keys" }
    var addressesDirectory: String { "\(root)/addresses" }
    public var journalDirectory: String { "\(root)/journal" }

    static let directoryMode: mode_t = 0o700
    static let recordMode: mode_t = 0o600

    /// Takes the store's lock for the caller's lifetime; creates the layout on first use. An
    /// exclusive locker also closes a root an older bridgectl made world-readable (one stat).
    public func lock(exclusive: Bool) throws -> FileLock {
        if !Files.exists(journalDirectory) {
            for directory in [root, networksDirectory, containersDirectory, namesDirectory, addressesDirectory, journalDirectory] {
                try Files.createDirectory(directory, mode: Self.directoryMode)
            }
        }
        let lock = try FileLock(path: "\(root)/lock", exclusive: exclusive)
        if exclusive, let mode = Files.permissions(root), mode & 0o077 != 0 {
            try Files.setPermissions(root, mode & ~0o077)
        }
        return lock
    }

    // MARK: Crash leftovers

    /// True when a command died mid-change: every change keeps a journal entry from before its
    /// first write until after its last (a torn journal write leaves its temporary file there),
    /// so an empty journal folder means nothing needs recovering or sweeping. One directory
    /// read, whatever the number of containers.
    public func hasInterruptedChanges() throws -> Bool {
        !(try Files.list(journalDirectory).isEmpty)
    }

    /// Removes the temporary files of atomic writes a killed command left in the store's folders.
    /// Only under the exclusive lock, which every writer holds: no live write can be taken.
    /// Returns the paths removed.
    @discardableResult
    public func removeTemporaryFiles() throws -> [String] {
        var directories = [root, networksDirectory, containersDirectory, namesDirectory, runtimeDirectory,
                           runtimeKeysDirectory, journalDirectory]
        for parent in [addressesDirectory, "\(root)/ports"] {
            directories += try Files.list(parent).map { "\(parent)/\($0)" }.filter(Files.isDirectory)
        }
        var removed: [String] = []
        for directory in directories {
            removed += try Files.removeTemporaryFiles(in: directory).map { "\(directory)/\($0)" }
        }
        return removed
    }

    // MARK: Networks

    /// The readable network records; an unreadable one is skipped (see `networkListing`).
    public func networks() throws -> [NetworkRecord] { try networkListing().records }

    /// Every network record, the unreadable ones apart so one torn file never hides the rest.
    public func networkListing() throws -> (records: [NetworkRecord], corrupt: [CorruptRecord]) {
        let (records, corrupt) = try loadAll(NetworkRecord.self, networksDirectory)
        return (records.sorted { $0.created < $1.created }, corrupt)
    }

    public func network(id: ObjectID) throws -> NetworkRecord? {
        try load(NetworkRecord.self, "\(networksDirectory)/\(id.hex).json")
    }

    public func putNetwork(_ record: NetworkRecord) throws {
        try save(record, "\(networksDirectory)/\(record.id.hex).json")
    }

    public func removeNetwork(_ id: ObjectID) throws {
        try Files.remove("\(networksDirectory)/\(id.hex).json")
        try Files.removeDirectory("\(addressesDirectory)/\(id.hex)")
    }

    // MARK: Containers

    /// The readable container records; an unreadable one is skipped (see `containerListing`).
    public func containers() throws -> [ContainerRecord] { try containerListing().records }

    /// Every container record, the unreadable ones apart (with their names from the name index)
    /// so one torn file never hides the rest.
    public func containerListing() throws -> (records: [ContainerRecord], corrupt: [CorruptRecord]) {
        var (records, corrupt) = try loadAll(ContainerRecord.self, containersDirectory)
        if !corrupt.isEmpty {
            let names = try containerNames(of: Set(corrupt.map(\.id)))
            for index in corrupt.indices { corrupt[index].name = names[corrupt[index].id] }
        }
        return (records.sorted { $0.created < $1.created }, corrupt)
    }

    /// Reverse look-ups in the name index: one file read per container, so only for the rare
    /// records that cannot tell their own name.
    public func containerNames(of ids: Set<ObjectID>) throws -> [ObjectID: String] {
        var names: [ObjectID: String] = [:]
        for name in try Files.list(namesDirectory) where Files.temporaryFileBase(name) == nil {
            if let text = try Files.read("\(namesDirectory)/\(name)"), let id = ObjectID(text), ids.contains(id) {
                names[id] = name
            }
        }
        return names
    }

    /// Every container name in the name index: one directory listing, no record decoded.
    public func indexedContainerNames() throws -> [String] {
        try Files.list(namesDirectory).filter { Files.temporaryFileBase($0) == nil }
    }

    public func container(id: ObjectID) throws -> ContainerRecord? {
        try load(ContainerRecord.self, "\(containersDirectory)/\(id.hex).json")
    }

    public func containerIDs() throws -> [ObjectID] {
        try Files.list(containersDirectory).compactMap { entry in
            entry.hasSuffix(".json") ? ObjectID(String(entry.dropLast(5))) : nil
        }
    }

    public func containerRecordPath(_ id: ObjectID) -> String { "\(containersDirectory)/\(id.hex).json" }

    /// Addresses held by `container` on any network: a scan of every claim, for removing a
    /// container whose record cannot be read.
    public func addressClaims(heldBy container: ObjectID) throws -> [(network: ObjectID, address: IPv4Address)] {
        var held: [(network: ObjectID, address: IPv4Address)] = []
        for entry in try Files.list(addressesDirectory) {
            guard let network = ObjectID(entry) else { continue }
            for (ip, holder) in try addressClaims(network: network) where holder == container {
                held.append((network, ip))
            }
        }
        return held.sorted { ($0.network.hex, $0.address.value) < ($1.network.hex, $1.address.value) }
    }

    /// Host ports held by `container`, as bindings with no container port (unknown without the
    /// record; releasing a claim does not need it).
    public func portClaims(heldBy container: ObjectID) throws -> [PortBinding] {
        try TransportProtocol.allCases.flatMap { transport in
            try portClaims(transport: transport, overlapping: 1...UInt16.max).filter { $0.container == container }.map {
                PortBinding(hostIP: $0.hostIP, hostPorts: $0.hostPorts, containerPorts: $0.hostPorts, transport: transport)
            }
        }
    }

    public func containerID(named name: String) throws -> ObjectID? {
        guard !name.contains("/"), let text = try Files.read("\(namesDirectory)/\(name)") else { return nil }
        return ObjectID(text)
    }

    /// Writes the record and its name index entry (and drops the old name if it changed).
    public func putContainer(_ record: ContainerRecord) throws {
        try save(record, "\(containersDirectory)/\(record.id.hex).json")
        try Files.writeAtomically("\(namesDirectory)/\(record.name)", text: record.id.hex, mode: Self.recordMode)
        if let runtime = record.runtime {
            // Made on first use: roots from before runtimes had no such folder.
            try Files.createDirectory(runtimeDirectory, mode: Self.directoryMode)
            try save(RuntimeIndexEntry(name: record.name, attachment: runtime), "\(runtimeDirectory)/\(record.id.hex)")
            if !Files.exists(runtimeKeysDirectory) {
                try buildRuntimeKeys()
            } else if let file = Self.runtimeKeyFile(runtime.containerID, runtime.ifName) {
                try Files.writeAtomically("\(runtimeKeysDirectory)/\(file)", text: record.id.hex, mode: Self.recordMode)
            }
        }
    }

    /// Whether the key index knows the attachment: `.indexed(nil)` when no runtime container
    /// has it; `.unindexed` when the index cannot say (a root from before it, an ID too long
    /// for a file name), and the records must.
    public enum RuntimeKeyLookup: Equatable, Sendable {
        case indexed(ObjectID?)
        case unindexed
    }

    public func runtimeContainerID(attachedAs containerID: String, ifName: String) throws -> RuntimeKeyLookup {
        guard Files.exists(runtimeKeysDirectory), let file = Self.runtimeKeyFile(containerID, ifName) else { return .unindexed }
        return .indexed(try Files.read("\(runtimeKeysDirectory)/\(file)").flatMap(ObjectID.init))
    }

    /// The key index's file for an attachment: the runtime's container ID in hex (any byte but
    /// a control character may be in it), a dot, the interface; nil when that is no file name.
    static func runtimeKeyFile(_ containerID: String, _ ifName: String) -> String? {
        guard !containerID.isEmpty, !ifName.isEmpty, !ifName.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 }) else { return nil }
        let file = "\(containerID.utf8.hexDigits()).\(ifName)"
        return file.utf8.count <= 255 ? file : nil // NAME_MAX
    }

    /// Makes the key index from the runtime containers already recorded (a root from before
    /// it), beside the final folder and renamed into place, so it is whole or absent. An entry
    /// written empty is filled in from its record, so a removal finds the key even once the
    /// record is unreadable.
    private func buildRuntimeKeys() throws {
        let building = "\(runtimeKeysDirectory).new"
        for stale in try Files.list(building) { try Files.remove("\(building)/\(stale)") }
        try Files.createDirectory(building, mode: Self.directoryMode)
        for (id, known) in try runtimeIndex() {
            var entry = known
            if entry == nil, let record = try? container(id: id), let runtime = record.runtime {
                entry = RuntimeIndexEntry(name: record.name, attachment: runtime)
                try save(entry, "\(runtimeDirectory)/\(id.hex)")
            }
            guard let entry, let file = Self.runtimeKeyFile(entry.containerID, entry.ifName) else { continue }
            try Files.writeAtomically("\(building)/\(file)", text: id.hex, mode: Self.recordMode)
        }
        guard rename(building, runtimeKeysDirectory) == 0 else { throw SystemError("rename \(building)") }
    }

    /// The IDs of the runtimes' containers (one directory listing, no record decoded).
    public func runtimeContainerIDs() throws -> [ObjectID] {
        try Files.list(runtimeDirectory).compactMap { ObjectID($0) }
    }

    /// The runtimes' containers with what their index entries say (one small file each, no
    /// record decoded); the entry is nil where it was written empty, by a bridgectl from before
    /// entries named the attachment.
    public func runtimeIndex() throws -> [(id: ObjectID, entry: RuntimeIndexEntry?)] {
        try runtimeContainerIDs().map { id in
            (id, try runtimeIndexEntry(id))
        }
    }

    /// nil for an entry written empty, by a bridgectl from before entries named the attachment.
    private func runtimeIndexEntry(_ id: ObjectID) throws -> RuntimeIndexEntry? {
        guard let text = try Files.read("\(runtimeDirectory)/\(id.hex)"), !text.isEmpty else { return nil }
        return try? decoder.decode(RuntimeIndexEntry.self, from: Data(text.utf8))
    }

    public func removeContainer(_ record: ContainerRecord) throws {
        // A record salvaged from an unreadable file may not know its name.
        if !record.name.isEmpty, try containerID(named: record.name) == record.id {
            try Files.remove("\(namesDirectory)/\(record.name)")
        }
        try Files.remove("\(containersDirectory)/\(record.id.hex).json")
        // The attachment from the index entry: a salvaged record does not know it.
        let entry = try runtimeIndexEntry(record.id)
        if let key = entry.map({ ($0.containerID, $0.ifName) }) ?? record.runtime.map({ ($0.containerID, $0.ifName) }),
           let file = Self.runtimeKeyFile(key.0, key.1),
           try Files.read("\(runtimeKeysDirectory)/\(file)").flatMap(ObjectID.init) == record.id {
            try Files.remove("\(runtimeKeysDirectory)/\(file)")
        }
        try Files.remove("\(runtimeDirectory)/\(record.id.hex)")
    }

    // MARK: Address claims

    public func claimAddress(_ ip: IPv4Address, network: ObjectID, container: ObjectID) throws {
        let directory = "\(addressesDirectory)/\(network.hex)"
        try Files.createDirectory(directory, mode: Self.directoryMode)
        try Files.writeAtomically("\(directory)/\(ip)", text: container.hex, mode: Self.recordMode)
    }

    /// Releases only a claim held by `container`, so undoing a failed claim never frees an
    /// address another container holds.
    public func releaseAddress(_ ip: IPv4Address, network: ObjectID, container: ObjectID) throws {
        let path = "\(addressesDirectory)/\(network.hex)/\(ip)"
        guard let holder = try Files.read(path), holder == container.hex else { return }
        try Files.remove(path)
    }

    /// Addresses in use on a network and the container holding each.
    public func addressClaims(network: ObjectID) throws -> [IPv4Address: ObjectID] {
        let directory = "\(addressesDirectory)/\(network.hex)"
        var claims: [IPv4Address: ObjectID] = [:]
        for entry in try Files.list(directory) {
            guard let ip = IPv4Address(entry), let text = try Files.read("\(directory)/\(entry)"),
                  let id = ObjectID(text) else { continue }
            claims[ip] = id
        }
        return claims
    }

    /// The used addresses only: a directory listing, no file reads (the create hot path).
    public func usedAddresses(network: ObjectID) throws -> Set<IPv4Address> {
        var used = Set<IPv4Address>()
        try Files.forEachEntry("\(addressesDirectory)/\(network.hex)") { name in
            if let ip = IPv4Address(utf8: name) { used.insert(ip) }
        }
        return used
    }

    // MARK: Port claims

    /// A host port or range that a container publishes.
    public struct PortClaim: Equatable, Sendable {
        public var hostIP: IPv4Address
        public var hostPorts: ClosedRange<UInt16>
        public var container: ObjectID
    }

    private var portsDirectory: String { "\(root)/ports" }
    /// Ranges live apart from single ports so that checking a single port stays one look-up
    /// plus a listing of the (usually absent) range folder.
    private var portRangesDirectory: String { "\(root)/port-ranges" }

    private func portDirectory(_ binding: PortBinding) -> String {
        binding.isRange
            ? "\(portRangesDirectory)/\(binding.transport.rawValue)-\(binding.hostPort)-\(binding.lastHostPort)"
            : "\(portsDirectory)/\(binding.transport.rawValue)-\(binding.hostPort)"
    }

    public func claimPort(_ binding: PortBinding, container: ObjectID) throws {
        try Files.createDirectory(portDirectory(binding), mode: Self.directoryMode)
        try Files.writeAtomically("\(portDirectory(binding))/\(binding.hostIP)", text: container.hex, mode: Self.recordMode)
    }

    public func releasePort(_ binding: PortBinding, container: ObjectID) throws {
        let path = "\(portDirectory(binding))/\(binding.hostIP)"
        guard let holder = try Files.read(path), holder == container.hex else { return }
        try Files.remove(path)
        try? Files.removeDirectory(portDirectory(binding))
    }

    /// Claims of the same protocol on any of `hostPorts`, whatever their address. A single port
    /// reads its own small folder; a range lists the single-port folders once.
    public func portClaims(transport: TransportProtocol, overlapping hostPorts: ClosedRange<UInt16>) throws -> [PortClaim] {
        var claims: [PortClaim] = []
        func collect(_ directory: String, _ ports: ClosedRange<UInt16>) throws {
            for entry in try Files.list(directory) {
                guard let ip = IPv4Address(entry), let text = try Files.read("\(directory)/\(entry)"),
                      let id = ObjectID(text) else { continue }
                claims.append(PortClaim(hostIP: ip, hostPorts: ports, container: id))
            }
        }
        let prefix = "\(transport.rawValue)-"
        if hostPorts.count == 1 {
            try collect("\(portsDirectory)/\(prefix)\(hostPorts.lowerBound)", hostPorts)
        } else {
            for entry in try Files.list(portsDirectory) where entry.hasPrefix(prefix) {
                guard let port = UInt16(entry.dropFirst(prefix.count)), hostPorts.contains(port) else { continue }
                try collect("\(portsDirectory)/\(entry)", port...port)
            }
        }
        for entry in try Files.list(portRangesDirectory) where entry.hasPrefix(prefix) {
            let bounds = entry.dropFirst(prefix.count).split(separator: "-").compactMap { UInt16($0) }
            guard bounds.count == 2, bounds[0] <= bounds[1], hostPorts.overlaps(bounds[0]...bounds[1]) else { continue }
            try collect("\(portRangesDirectory)/\(entry)", bounds[0]...bounds[1])
        }
        return claims
    }

    // MARK: Host settings

    var settingsPath: String { "\(root)/settings.json" }

    /// The host's settings; nil when none were ever chosen (every default applies).
    public func settings() throws -> HostSettings? {
        try load(HostSettings.self, settingsPath)
    }

    public func putSettings(_ settings: HostSettings?) throws {
        guard let settings else { return try Files.remove(settingsPath) }
        try save(settings, settingsPath)
    }

    // MARK: Built-in networks

    /// IDs of `bridge`, `host` and `none`, kept in one small file so commands that only need to
    /// recognise the default bridge never decode every network record.
    public func builtinNetworkIDs() throws -> [String: ObjectID]? {
        guard let text = try Files.read("\(root)/builtin-networks") else { return nil }
        var ids: [String: ObjectID] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let id = ObjectID(String(fields[1])) { ids[String(fields[0])] = id }
        }
        return ids
    }

    public func writeBuiltinNetworkIDs(_ ids: [String: ObjectID]) throws {
        let text = ids.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.hex)\n" }.joined()
        try Files.writeAtomically("\(root)/builtin-networks", text: text, mode: Self.recordMode)
    }

    // MARK: Journal

    public enum JournalEntry: Equatable {
        /// A plan to undo: its JSON.
        case plan(file: String, contents: String)
        /// A removal to finish, re-planned from the records.
        case redo(file: String, intent: RedoIntent)
        /// A removal journal whose name is no intent this version knows (another version's, a
        /// hand-made file): kept, never guessed at or deleted.
        case unknownRedo(file: String)
    }

    /// Records a plan before its first step; returns the journal file to remove when done.
    public func writePlanJournal(_ id: String, contents: [UInt8]) throws -> String {
        let file = "\(id).json"
        try Files.writeAtomically("\(journalDirectory)/\(file)", contents: contents, mode: Self.recordMode)
        return file
    }

    /// Records a removal by name only: an empty file, so removals pay no encoding at all.
    public func writeRedoJournal(_ intent: RedoIntent) throws -> String {
        let file = Self.redoPrefix + intent.journalName
        try Files.writeAtomically("\(journalDirectory)/\(file)", contents: [UInt8](), mode: Self.recordMode)
        return file
    }

    static let redoPrefix = "redo-"

    public func removeJournal(file: String) throws {
        try Files.remove("\(journalDirectory)/\(file)")
    }

    public func journalEntries() throws -> [JournalEntry] {
        // A temporary file is a journal write that never completed: its change never started.
        try Files.list(journalDirectory).sorted().compactMap { file in
            if Files.temporaryFileBase(file) != nil { return nil }
            if file.hasPrefix(Self.redoPrefix) {
                guard let intent = RedoIntent(journalName: String(file.dropFirst(Self.redoPrefix.count))) else {
                    return .unknownRedo(file: file)
                }
                return .redo(file: file, intent: intent)
            }
            guard file.hasSuffix(".json"), let text = try Files.read("\(journalDirectory)/\(file)") else { return nil }
            return .plan(file: file, contents: text)
        }
    }

    // MARK: Encoding

    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }

    public func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    private func load<T: Decodable>(_ type: T.Type, _ path: String) throws -> T? {
        guard let text = try Files.read(path) else { return nil }
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StateError.corrupt(path: path, reason: StateError.reason(error))
        }
    }

    /// Every `<id>.json` of a folder, decoded, and the ones that would not decode.
    private func loadAll<T: Decodable>(_ type: T.Type, _ directory: String) throws -> ([T], [CorruptRecord]) {
        var records: [T] = []
        var corrupt: [CorruptRecord] = []
        for entry in try Files.list(directory) where entry.hasSuffix(".json") {
            let path = "\(directory)/\(entry)"
            do {
                if let record = try load(type, path) { records.append(record) }
            } catch StateError.corrupt(_, let reason) {
                guard let id = ObjectID(String(entry.dropLast(5))) else { continue }
                corrupt.append(CorruptRecord(id: id, path: path, reason: reason))
            }
        }
        return (records, corrupt.sorted { $0.path < $1.path })
    }

    private func save<T: Encodable>(_ value: T, _ path: String) throws {
        try Files.writeAtomically(path, contents: try encoder.encode(value), mode: Self.recordMode)
    }
}

/// A record file that exists but does not decode (truncated, emptied, edited by hand).
public struct CorruptRecord: Equatable, Sendable {
    public let id: ObjectID
    public let path: String
    public let reason: String
    /// From the name index, for containers; nil when the index has no entry for it.
    public var name: String?

    public init(id: ObjectID, path: String, reason: String, name: String? = nil) {
        self.id = id; self.path = path; self.reason = reason; self.name = name
    }
}

public enum StateError: UserFacingError {
    case corrupt(path: String, reason: String)
    case unknownRedoJournal(path: String)

    public var message: String {
        switch self {
        case .corrupt(let path, let reason): return "state file \(path) is unreadable: \(reason)"
        case .unknownRedoJournal(let path):
            return "journal file \(path) names an interrupted removal this bridgectl does not know; it was kept: "
                + "finish it with the bridgectl that wrote it, or delete the file once the objects it names are gone"
        }
    }

    /// A decoding failure in a few words: the decoder's own text nests its whole context.
    static func reason(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        func at(_ context: DecodingError.Context) -> String {
            context.codingPath.isEmpty ? "" : " at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        switch decoding {
        case .dataCorrupted(let context): return "not valid JSON, truncated?\(at(context))"
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(at(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "unexpected value\(at(context))"
        @unknown default: return "\(decoding)"
        }
    }
}

/// One runtime index entry: enough to tell which record is the attachment a CNI DEL or CHECK
/// names, or holds the namespace an ADD brings, without decoding every runtime's record (an ADD
/// or DEL would otherwise cost more with each attachment already made).
public struct RuntimeIndexEntry: Codable, Equatable, Sendable {
    public let name: String
    public let containerID: String
    public let ifName: String

    public init(name: String, attachment: RuntimeAttachment) {
        self.name = name
        containerID = attachment.containerID
        ifName = attachment.ifName
    }

    public func matches(containerID: String, ifName: String) -> Bool {
        self.containerID == containerID && self.ifName == ifName
    }
}
