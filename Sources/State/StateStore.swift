import FoundationEssentials
import BridgeModel
import HostSystem

/// bridgectl's records on disk, one small file per thing so a command rewrites only what it
/// changes and its cost does not grow with the number of containers:
///
///     ROOT/lock                          flock: exclusive for changes, shared for reads
///     ROOT/networks/<id>.json            NetworkRecord
///     ROOT/containers/<id>.json          ContainerRecord
///     ROOT/names/<container name>        the container's ID (name index)
///     ROOT/addresses/<network id>/<ip>   the container ID holding that address
///     ROOT/journal/<op>.json             a plan being applied (left behind only by a crash)
///
/// Every write is atomic (temp file + fsync + rename).
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
    var addressesDirectory: String { "\(root)/addresses" }
    public var journalDirectory: String { "\(root)/journal" }

    /// Takes the store's lock for the caller's lifetime; creates the layout on first use.
    public func lock(exclusive: Bool) throws -> FileLock {
        if !Files.exists(journalDirectory) {
            for directory in [root, networksDirectory, containersDirectory, namesDirectory, addressesDirectory, journalDirectory] {
                try Files.createDirectory(directory)
            }
        }
        return try FileLock(path: "\(root)/lock", exclusive: exclusive)
    }

    // MARK: Networks

    public func networks() throws -> [NetworkRecord] {
        try Files.list(networksDirectory).filter { $0.hasSuffix(".json") }.compactMap { entry in
            try load(NetworkRecord.self, "\(networksDirectory)/\(entry)")
        }.sorted { $0.created < $1.created }
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

    public func containers() throws -> [ContainerRecord] {
        try Files.list(containersDirectory).filter { $0.hasSuffix(".json") }.compactMap { entry in
            try load(ContainerRecord.self, "\(containersDirectory)/\(entry)")
        }.sorted { $0.created < $1.created }
    }

    public func container(id: ObjectID) throws -> ContainerRecord? {
        try load(ContainerRecord.self, "\(containersDirectory)/\(id.hex).json")
    }

    public func containerIDs() throws -> [ObjectID] {
        try Files.list(containersDirectory).compactMap { entry in
            entry.hasSuffix(".json") ? ObjectID(String(entry.dropLast(5))) : nil
        }
    }

    public func containerID(named name: String) throws -> ObjectID? {
        guard !name.contains("/"), let text = try Files.read("\(namesDirectory)/\(name)") else { return nil }
        return ObjectID(text)
    }

    /// Writes the record and its name index entry (and drops the old name if it changed).
    public func putContainer(_ record: ContainerRecord) throws {
        try save(record, "\(containersDirectory)/\(record.id.hex).json")
        try Files.writeAtomically("\(namesDirectory)/\(record.name)", text: record.id.hex)
    }

    public func removeContainer(_ record: ContainerRecord) throws {
        if try containerID(named: record.name) == record.id {
            try Files.remove("\(namesDirectory)/\(record.name)")
        }
        try Files.remove("\(containersDirectory)/\(record.id.hex).json")
    }

    // MARK: Address claims

    public func claimAddress(_ ip: IPv4Address, network: ObjectID, container: ObjectID) throws {
        let directory = "\(addressesDirectory)/\(network.hex)"
        try Files.createDirectory(directory)
        try Files.writeAtomically("\(directory)/\(ip)", text: container.hex)
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

    // MARK: Journal

    public func writeJournal(_ name: String, contents: [UInt8]) throws {
        try Files.writeAtomically("\(journalDirectory)/\(name).json", contents: contents)
    }

    public func removeJournal(_ name: String) throws {
        try Files.remove("\(journalDirectory)/\(name).json")
    }

    public func journals() throws -> [(name: String, contents: String)] {
        try Files.list(journalDirectory).filter { $0.hasSuffix(".json") }.sorted().compactMap { entry in
            guard let text = try Files.read("\(journalDirectory)/\(entry)") else { return nil }
            return (String(entry.dropLast(5)), text)
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
            throw StateError.corrupt(path: path, reason: "\(error)")
        }
    }

    private func save<T: Encodable>(_ value: T, _ path: String) throws {
        try Files.writeAtomically(path, contents: try encoder.encode(value))
    }
}

public enum StateError: UserFacingError {
    case corrupt(path: String, reason: String)

    public var message: String {
        switch self {
        case .corrupt(let path, let reason): return "state file \(path) is unreadable: \(reason)"
        }
    }
}
