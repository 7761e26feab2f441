import BridgeModel

/// What the embedded resolver does with a question.
public enum LookupResult: Equatable, Sendable {
    /// NOERROR with these records.
    case answer([ResourceRecord])
    /// The name belongs to bridgectl but not to any network the requester shares.
    case nxdomain
    /// The name resolves here but not for this type (AAAA, MX, ...): NOERROR, no records.
    case noData
    /// Not ours: ask the upstream resolvers.
    case forward
}

/// The names the embedded resolver answers, indexed for lookups that cost the same with one
/// container or ten thousand: per user-defined network, a dictionary from lowercased name to
/// the containers answering to it, and one from address to container (for PTR).
///
/// Rules, as Docker's embedded DNS:
/// * only user-defined networks (kind `.user`) give names; the default bridge never does;
/// * on each such network a container answers to its name, its short ID (12 hex digits, as
///   Docker's `DNSNames`) and the aliases of its endpoint on that network, with its address
///   on that network; names are case-insensitive and a trailing dot is ignored;
/// * the requester sees the networks it is attached to, in the order of its endpoints: the
///   first that knows the name answers, with every container answering to it there (sorted
///   by address, then rotated by `rotation` for round robin);
/// * otherwise "NAME.NETWORK" (network name, any case) answers NAME on NETWORK when the
///   requester is attached to it; a network name may itself contain dots;
/// * `host.docker.internal` is the gateway of the requester's first endpoint;
/// * A and ANY get the records, every other type gets `.noData`, for the same names;
/// * PTR for `d.c.b.a.in-addr.arpa`, when a.b.c.d is a container's address on a network the
///   requester is attached to, gives "NAME.NETWORK" for each;
/// * a name or address bridgectl knows only on networks the requester is not attached to is
///   `.nxdomain`, so it neither resolves nor leaks upstream; everything else is `.forward`,
///   as is any class other than IN and ANY.
///
/// A value type: `Equatable` compares the indexes themselves, so a table updated with
/// `upsert`/`remove` equals one built from scratch from the same records.
public struct NameTable: Equatable, Sendable {
    public static let ttl: UInt32 = 600
    public static let hostGatewayName = "host.docker.internal"
    static let reverseSuffix = ".in-addr.arpa"

    struct Member: Hashable, Comparable, Sendable {
        var address: IPv4Address
        var container: ObjectID
        static func < (lhs: Member, rhs: Member) -> Bool {
            lhs.address != rhs.address ? lhs.address < rhs.address : lhs.container < rhs.container
        }
    }

    struct Network: Equatable, Sendable {
        var name: String
        var key: String
        var kind: NetworkRecord.Kind
        /// Lowercased name -> containers answering to it here, sorted. User networks only.
        var names: [String: [Member]] = [:]
        /// Address -> containers holding it here, sorted. User networks only.
        var addresses: [IPv4Address: [Member]] = [:]
    }

    struct Container: Equatable, Sendable {
        var name: String
        var shortID: String
        /// One per network (the first when a record lists a network twice), in record order.
        var endpoints: [Endpoint]
    }

    var networks: [ObjectID: Network] = [:]
    var containers: [ObjectID: Container] = [:]
    /// Network -> containers with an endpoint on it, whether the network is known yet or not.
    var attached: [ObjectID: Set<ObjectID>] = [:]
    /// Lowercased user network name -> networks (one, unless names differ only by case).
    var userNetworksByKey: [String: Set<ObjectID>] = [:]
    /// How many (network, container) pairs answer to a name, over all user networks.
    var nameUses: [String: Int] = [:]
    /// How many (network, container) pairs hold an address, over all user networks.
    var addressUses: [IPv4Address: Int] = [:]

    /// Builds every index in one pass over the endpoints, then sorts each list once.
    public init(networks: [NetworkRecord], containers: [ContainerRecord]) {
        for network in networks { setNetwork(network) }
        for record in containers {
            if let old = self.containers[record.id] { detach(record.id, old) }
            let entry = Self.entry(record)
            self.containers[record.id] = entry
            attach(record.id, entry, sorted: false)
        }
        for id in self.networks.keys {
            for key in self.networks[id]!.names.keys { self.networks[id]!.names[key]!.sort() }
            for key in self.networks[id]!.addresses.keys { self.networks[id]!.addresses[key]!.sort() }
        }
    }

    // MARK: Changes

    /// Adds or replaces a container (its name, endpoints and aliases).
    public mutating func upsert(container record: ContainerRecord) {
        if let old = containers[record.id] { detach(record.id, old) }
        let entry = Self.entry(record)
        containers[record.id] = entry
        attach(record.id, entry, sorted: true)
    }

    public mutating func remove(containerID: ObjectID) {
        guard let old = containers.removeValue(forKey: containerID) else { return }
        detach(containerID, old)
    }

    /// Adds or replaces a network; a change of name or kind re-indexes its containers.
    public mutating func upsert(network record: NetworkRecord) {
        if let old = networks[record.id], old.name == record.name, old.kind == record.kind { return }
        unindexNetwork(record.id)
        setNetwork(record)
        indexNetwork(record.id)
    }

    public mutating func remove(networkID: ObjectID) {
        unindexNetwork(networkID)
        networks[networkID] = nil
    }

    /// Containers known (any mode).
    public var containerCount: Int { containers.count }
    /// Distinct names answered on user networks (container names, short IDs, aliases).
    public var nameCount: Int { nameUses.count }

    // MARK: Lookup

    public func lookup(_ question: DNSQuestion, from requester: ObjectID, rotation: Int) -> LookupResult {
        guard question.qclass == DNSClass.internet || question.qclass == DNSClass.any else { return .forward }
        let key = Self.key(question.name)
        let asker = containers[requester]
        let wantsAddress = question.type == DNSType.a || question.type == DNSType.any

        if key.utf8.count > Self.reverseSuffix.utf8.count, key.hasSuffix(Self.reverseSuffix),
           let address = Self.reverseAddress(key) {
            return reverse(address, question: question, asker: asker)
        }

        if key == Self.hostGatewayName {
            guard let gateway = asker?.endpoints.first?.gateway else { return .forward }
            return wantsAddress
                ? .answer([ResourceRecord(name: question.name, ttl: Self.ttl, data: .a(gateway))]) : .noData
        }

        if let asker {
            for endpoint in asker.endpoints {
                guard let network = networks[endpoint.networkID], network.kind == .user,
                      let members = network.names[key], !members.isEmpty else { continue }
                return answer(members, question: question, rotation: rotation, wantsAddress: wantsAddress)
            }
        }

        // NAME.NETWORK, longest NAME first (a.b.c in network d, then a.b in c.d, ...).
        let utf8 = key.utf8
        var dot = utf8.endIndex
        var hidden = false
        while let found = utf8[utf8.startIndex..<dot].lastIndex(of: UInt8(ascii: ".")) {
            dot = found
            let suffix = utf8.index(after: found)
            guard found > utf8.startIndex, suffix < utf8.endIndex,
                  let ids = userNetworksByKey[String(key[suffix...])] else { continue }
            let name = String(key[..<found])
            for id in ids.sorted() {
                guard let members = networks[id]?.names[name], !members.isEmpty else { continue }
                if let asker, asker.endpoints.contains(where: { $0.networkID == id }) {
                    return answer(members, question: question, rotation: rotation, wantsAddress: wantsAddress)
                }
                hidden = true
            }
        }

        if hidden || nameUses[key] != nil { return .nxdomain }
        return .forward
    }

    private func answer(_ members: [Member], question: DNSQuestion, rotation: Int, wantsAddress: Bool) -> LookupResult {
        guard wantsAddress else { return .noData }
        let count = members.count
        let offset = ((rotation % count) + count) % count
        var records = [ResourceRecord]()
        records.reserveCapacity(count)
        for index in 0..<count {
            let member = members[(offset + index) % count]
            records.append(ResourceRecord(name: question.name, ttl: Self.ttl, data: .a(member.address)))
        }
        return .answer(records)
    }

    private func reverse(_ address: IPv4Address, question: DNSQuestion, asker: Container?) -> LookupResult {
        var records = [ResourceRecord]()
        for endpoint in asker?.endpoints ?? [] {
            guard let network = networks[endpoint.networkID], network.kind == .user,
                  let members = network.addresses[address] else { continue }
            for member in members {
                guard let container = containers[member.container] else { continue }
                records.append(ResourceRecord(name: question.name, ttl: Self.ttl,
                                              data: .ptr("\(container.name).\(network.name)")))
            }
        }
        if !records.isEmpty {
            return question.type == DNSType.ptr || question.type == DNSType.any ? .answer(records) : .noData
        }
        return addressUses[address] != nil ? .nxdomain : .forward
    }

    /// Lowercased, without one trailing dot; allocation-free when already so.
    static func key(_ name: String) -> String {
        let utf8 = name.utf8
        let trailingDot = utf8.last == UInt8(ascii: ".") && utf8.count > 1
        guard trailingDot || utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return name }
        let body = trailingDot ? utf8.dropLast() : utf8[...]
        return String(decoding: body.map(DNSName.lowercase), as: UTF8.self)
    }

    /// a.b.c.d from "d.c.b.a.in-addr.arpa" (lowercased key): four decimal octets, no leading zeros.
    static func reverseAddress(_ key: String) -> IPv4Address? {
        let utf8 = key.utf8
        let body = utf8.prefix(utf8.count - reverseSuffix.utf8.count)
        var value: UInt32 = 0
        var labels = 0
        for label in body.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 3, labels < 4,
                  label.count == 1 || label.first != UInt8(ascii: "0") else { return nil }
            var octet: UInt32 = 0
            for byte in label {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
            }
            guard octet <= 255 else { return nil }
            value |= octet << (8 * UInt32(labels))
            labels += 1
        }
        return labels == 4 ? IPv4Address(value) : nil
    }

    // MARK: Index maintenance

    static func entry(_ record: ContainerRecord) -> Container {
        var seen = Set<ObjectID>()
        let endpoints = record.endpoints.filter { seen.insert($0.networkID).inserted }
        return Container(name: record.name, shortID: record.id.short, endpoints: endpoints)
    }

    /// The names a container answers to on one network, lowercased, without duplicates.
    static func names(of container: Container, on endpoint: Endpoint) -> Set<String> {
        var names: Set<String> = [key(container.name), container.shortID]
        for alias in endpoint.aliases { names.insert(key(alias)) }
        names.remove("")
        return names
    }

    private mutating func setNetwork(_ record: NetworkRecord) {
        if let old = networks[record.id], old.kind == .user {
            userNetworksByKey[old.key]?.remove(record.id)
            if userNetworksByKey[old.key]?.isEmpty == true { userNetworksByKey[old.key] = nil }
        }
        let key = Self.key(record.name)
        networks[record.id] = Network(name: record.name, key: key, kind: record.kind)
        if record.kind == .user { userNetworksByKey[key, default: []].insert(record.id) }
    }

    private mutating func attach(_ id: ObjectID, _ container: Container, sorted: Bool) {
        for endpoint in container.endpoints {
            attached[endpoint.networkID, default: []].insert(id)
            index(container, id: id, endpoint: endpoint, sorted: sorted)
        }
    }

    private mutating func detach(_ id: ObjectID, _ container: Container) {
        for endpoint in container.endpoints {
            unindex(container, id: id, endpoint: endpoint)
            attached[endpoint.networkID]?.remove(id)
            if attached[endpoint.networkID]?.isEmpty == true { attached[endpoint.networkID] = nil }
        }
    }

    private mutating func indexNetwork(_ networkID: ObjectID) {
        for id in attached[networkID] ?? [] {
            guard let container = containers[id],
                  let endpoint = container.endpoints.first(where: { $0.networkID == networkID }) else { continue }
            index(container, id: id, endpoint: endpoint, sorted: true)
        }
    }

    private mutating func unindexNetwork(_ networkID: ObjectID) {
        guard let network = networks[networkID], network.kind == .user else { return }
        for (name, members) in network.names {
            nameUses[name, default: 0] -= members.count
            if nameUses[name]! <= 0 { nameUses[name] = nil }
        }
        for (address, members) in network.addresses {
            addressUses[address, default: 0] -= members.count
            if addressUses[address]! <= 0 { addressUses[address] = nil }
        }
        networks[networkID]!.names = [:]
        networks[networkID]!.addresses = [:]
        userNetworksByKey[network.key]?.remove(networkID)
        if userNetworksByKey[network.key]?.isEmpty == true { userNetworksByKey[network.key] = nil }
    }

    private mutating func index(_ container: Container, id: ObjectID, endpoint: Endpoint, sorted: Bool) {
        let networkID = endpoint.networkID
        guard networks[networkID]?.kind == .user else { return }
        let member = Member(address: endpoint.address, container: id)
        for name in Self.names(of: container, on: endpoint) {
            Self.insert(member, into: &networks[networkID]!.names[name, default: []], sorted: sorted)
            nameUses[name, default: 0] += 1
        }
        Self.insert(member, into: &networks[networkID]!.addresses[endpoint.address, default: []], sorted: sorted)
        addressUses[endpoint.address, default: 0] += 1
    }

    private mutating func unindex(_ container: Container, id: ObjectID, endpoint: Endpoint) {
        let networkID = endpoint.networkID
        guard networks[networkID]?.kind == .user else { return }
        let member = Member(address: endpoint.address, container: id)
        for name in Self.names(of: container, on: endpoint) {
            if Self.remove(member, from: &networks[networkID]!.names[name]) {
                nameUses[name, default: 0] -= 1
                if nameUses[name]! <= 0 { nameUses[name] = nil }
            }
        }
        if Self.remove(member, from: &networks[networkID]!.addresses[endpoint.address]) {
            addressUses[endpoint.address, default: 0] -= 1
            if addressUses[endpoint.address]! <= 0 { addressUses[endpoint.address] = nil }
        }
    }

    private static func insert(_ member: Member, into list: inout [Member], sorted: Bool) {
        guard sorted else {
            list.append(member)
            return
        }
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < member { low = middle + 1 } else { high = middle }
        }
        list.insert(member, at: low)
    }

    /// Removes `member`; a list left empty is removed too. True when it was there.
    private static func remove(_ member: Member, from list: inout [Member]?) -> Bool {
        guard let index = list?.firstIndex(of: member) else { return false }
        list!.remove(at: index)
        if list!.isEmpty { list = nil }
        return true
    }
}
