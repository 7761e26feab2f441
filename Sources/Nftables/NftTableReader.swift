import BridgeModel
import CNftables
import Planning
#if canImport(Glibc)
import Glibc
#endif

/// Reads table `ip bridgectl` back from the kernel, for doctor, restore and explain: its
/// chains, rules (by comment), sets and elements (decoded into bridgectl's own key and data
/// types). Only this table is asked for, object kind by object kind, never the ruleset; no `nft`
/// process is started. The create/rm path reads nothing but `ruleCount(chain:)` at teardown.
public final class NftTableReader {
    private let query: NftQuery

    public init() throws { query = try NftQuery() }

    /// The whole table, or `.absent`. The ruleset's generation is taken before and after, and
    /// the read taken again (bounded) when it changed in between: chains, rules and elements
    /// come from separate dumps, and must belong to one ruleset.
    public func read() throws -> NftObservation {
        try NftQuery.retryingInterrupted {
            let before = try generation()
            let observation = try readOnce()
            guard try generation() == before else { throw NftablesError.readInterrupted("read table \(NftTable.qualified)") }
            return observation
        }
    }

    /// How many rules `chain` of bridgectl's table holds (0 when there is no such chain or
    /// table): one chain's dump, the only read the remove path makes (is the user chain empty).
    public func ruleCount(chain: String) throws -> Int {
        try NftQuery.retryingInterrupted {
            let messages = try missingIsEmpty {
                try query.request("list rules of chain \(chain)", NFT_MSG_GETRULE, dump: true) { header in
                    Self.withRule(table: NftTable.name, chain: chain) { nftnl_rule_nlmsg_build_payload(header, $0) }
                }
            }
            return messages.compactMap(Self.rule).filter { $0.table == NftTable.name && $0.chain == chain }.count
        }
    }

    /// Whether chain FORWARD of table `ip filter` (what iptables-nft makes) has policy drop, as a
    /// Docker engine sets it: then it drops what bridgectl's own table accepts. False when there
    /// is no such table or chain. (iptables-legacy's chains are not nftables and not seen here.)
    public func iptablesForwardPolicyIsDrop() throws -> Bool {
        let messages = try missingIsEmpty {
            try query.request("get chain ip filter FORWARD", NFT_MSG_GETCHAIN, dump: false) { header in
                let chain = nftnl_chain_alloc()!
                defer { nftnl_chain_free(chain) }
                nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_TABLE.rawValue), "filter")
                nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_NAME.rawValue), "FORWARD")
                nftnl_chain_nlmsg_build_payload(header, chain)
            }
        }
        return messages.compactMap(Self.chain).contains { $0.policy == cnft_verdict_drop() }
    }

    // MARK: The read

    private func readOnce() throws -> NftObservation {
        guard try tableExists() else { return .absent }
        var observation = NftObservation(tableExists: true)
        // The table exists: a table, chain or set missing from here on was deleted during the
        // read, which is taken again.
        func stillThere<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch NftablesError.readFailed(let what, ENOENT) { throw NftablesError.readInterrupted(what) }
        }
        let chains = try stillThere {
            try query.request("list chains", NFT_MSG_GETCHAIN, dump: true) { header in
                let chain = nftnl_chain_alloc()!
                defer { nftnl_chain_free(chain) }
                nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_TABLE.rawValue), NftTable.name)
                nftnl_chain_nlmsg_build_payload(header, chain)
            }
        }
        for found in chains.compactMap(Self.chain) where found.table == NftTable.name {
            observation.chains[found.chain.name] = found.chain
            observation.rules[found.chain.name] = []
        }
        let rules = try stillThere {
            try query.request("list rules", NFT_MSG_GETRULE, dump: true) { header in
                Self.withRule(table: NftTable.name, chain: nil) { nftnl_rule_nlmsg_build_payload(header, $0) }
            }
        }
        // The dump lists each chain's rules in their order.
        for found in rules.compactMap(Self.rule) where found.table == NftTable.name {
            observation.rules[found.chain, default: []].append(found.comment)
        }
        let sets = try stillThere {
            try query.request("list sets", NFT_MSG_GETSET, dump: true) { header in
                Self.withSet(NftTable.name, name: nil) { nftnl_set_nlmsg_build_payload(header, $0) }
            }
        }
        for layout in sets.compactMap(Self.set) where layout.table == NftTable.name && !layout.isAnonymous {
            let messages = try stillThere {
                try query.request("list elements of set \(layout.name)", NFT_MSG_GETSETELEM, dump: true) { header in
                    Self.withSet(NftTable.name, name: layout.name) { nftnl_set_elems_nlmsg_build_payload(header, $0) }
                }
            }
            var elements = Set<NftObservedElement>()
            var foreign = 0
            for message in messages {
                let decoded = Self.elements(in: message, layout: layout)
                elements.formUnion(decoded.elements)
                foreign += decoded.foreign
            }
            observation.elements[layout.name] = elements
            if foreign > 0 { observation.foreignElements[layout.name] = foreign }
        }
        return observation
    }

    /// Which of `names` are chains of bridgectl's table: one GET per chain, never a dump (the
    /// create path asks for the base chains, whose re-adding costs the kernel ~12 ms).
    public func existingChains(_ names: [String]) throws -> Set<String> {
        var found = Set<String>()
        for name in names {
            let messages = try missingIsEmpty {
                try query.request("get chain \(name)", NFT_MSG_GETCHAIN, dump: false) { header in
                    let chain = nftnl_chain_alloc()!
                    defer { nftnl_chain_free(chain) }
                    nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_TABLE.rawValue), NftTable.name)
                    nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_NAME.rawValue), name)
                    nftnl_chain_nlmsg_build_payload(header, chain)
                }
            }
            if !messages.isEmpty { found.insert(name) }
        }
        return found
    }

    private func tableExists() throws -> Bool {
        let messages = try missingIsEmpty {
            try query.request("get table \(NftTable.qualified)", NFT_MSG_GETTABLE, dump: false) { header in
                let table = nftnl_table_alloc()!
                defer { nftnl_table_free(table) }
                nftnl_table_set_str(table, UInt16(NFTNL_TABLE_NAME.rawValue), NftTable.name)
                nftnl_table_nlmsg_build_payload(header, table)
            }
        }
        return !messages.isEmpty
    }

    /// The ruleset's generation: every committed transaction changes it.
    private func generation() throws -> UInt32 {
        let messages = try query.request("get ruleset generation", NFT_MSG_GETGEN, dump: false)
        guard let message = messages.first, let id = Self.generationID(in: message) else {
            throw NftablesError.readFailed("get ruleset generation", errno: EPROTO)
        }
        return id
    }

    /// ENOENT (no such table, chain or set) read as nothing there.
    private func missingIsEmpty(_ body: () throws -> [[UInt8]]) throws -> [[UInt8]] {
        do { return try body() } catch NftablesError.readFailed(_, ENOENT) { return [] }
    }

    // MARK: Messages, parsed (static and pure: unit-tested on the batch encoder's messages)

    static func parse<T>(_ message: [UInt8], _ body: (UnsafePointer<nlmsghdr>) -> T?) -> T? {
        guard message.count >= MemoryLayout<nlmsghdr>.size else { return nil }
        return message.withUnsafeBytes { body($0.baseAddress!.assumingMemoryBound(to: nlmsghdr.self)) }
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }

    static func bytes(_ pointer: UnsafeRawPointer?, _ length: UInt32) -> [UInt8]? {
        pointer.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) }
    }

    /// NFTA_GEN_ID (attribute 1, a big-endian u32) of a NEWGEN message; the attributes follow
    /// the netlink header and nfgenmsg's 4 bytes.
    static func generationID(in message: [UInt8]) -> UInt32? {
        var offset = MemoryLayout<nlmsghdr>.size + 4
        while offset + 4 <= message.count {
            let length = Int(message[offset]) | Int(message[offset + 1]) << 8
            let type = (Int(message[offset + 2]) | Int(message[offset + 3]) << 8) & 0x3fff // NLA_TYPE_MASK
            guard length >= 4, offset + length <= message.count else { return nil }
            if type == 1 && length == 8 {
                return message[(offset + 4)..<(offset + 8)].reduce(0) { $0 << 8 | UInt32($1) }
            }
            offset += (length + 3) & ~3
        }
        return nil
    }

    struct ChainMessage {
        var table: String
        var chain: NftChain
        var policy: UInt32?
    }

    /// A NEWCHAIN message. A base chain with a hook or type bridgectl never makes reads as a
    /// regular chain: it is not bridgectl's either way, which `differences` reports.
    static func chain(in message: [UInt8]) -> ChainMessage? {
        parse(message) { header in
            let chain = nftnl_chain_alloc()!
            defer { nftnl_chain_free(chain) }
            guard nftnl_chain_nlmsg_parse(header, chain) == 0,
                  let table = string(nftnl_chain_get_str(chain, UInt16(NFTNL_CHAIN_TABLE.rawValue))),
                  let name = string(nftnl_chain_get_str(chain, UInt16(NFTNL_CHAIN_NAME.rawValue))) else { return nil }
            var base: NftBaseChain?
            if nftnl_chain_is_set(chain, UInt16(NFTNL_CHAIN_HOOKNUM.rawValue)),
               let hook = hook(number: nftnl_chain_get_u32(chain, UInt16(NFTNL_CHAIN_HOOKNUM.rawValue))),
               let type = string(nftnl_chain_get_str(chain, UInt16(NFTNL_CHAIN_TYPE.rawValue))).flatMap(NftChainType.init(rawValue:)) {
                base = NftBaseChain(type: type, hook: hook, priority: Int(nftnl_chain_get_s32(chain, UInt16(NFTNL_CHAIN_PRIO.rawValue))))
            }
            let policy = nftnl_chain_is_set(chain, UInt16(NFTNL_CHAIN_POLICY.rawValue))
                ? nftnl_chain_get_u32(chain, UInt16(NFTNL_CHAIN_POLICY.rawValue)) : nil
            return ChainMessage(table: table, chain: NftChain(name, base: base), policy: policy)
        }
    }

    static func hook(number: UInt32) -> NftHook? {
        [NftHook.prerouting, .forward, .output, .postrouting].first { NftNetlinkBatch.hookNumber($0) == number }
    }

    /// A NEWRULE message: where the rule is and its comment ("" without one).
    static func rule(in message: [UInt8]) -> (table: String, chain: String, comment: String)? {
        parse(message) { header in
            let rule = nftnl_rule_alloc()!
            defer { nftnl_rule_free(rule) }
            guard nftnl_rule_nlmsg_parse(header, rule) == 0,
                  let table = string(nftnl_rule_get_str(rule, UInt16(NFTNL_RULE_TABLE.rawValue))),
                  let chain = string(nftnl_rule_get_str(rule, UInt16(NFTNL_RULE_CHAIN.rawValue))) else { return nil }
            var length: UInt32 = 0
            let userdata = bytes(nftnl_rule_get_data(rule, UInt16(NFTNL_RULE_USERDATA.rawValue), &length), length) ?? []
            return (table, chain, NftWire.comment(fromUserdata: userdata))
        }
    }

    /// A set as the kernel describes it: enough to decode its elements.
    struct SetLayout: Equatable {
        var table: String
        var name: String
        var flags: UInt32
        /// nil when the type is none of bridgectl's (its elements are then all foreign).
        var key: [NftDataType]?
        var data: [NftDataType]?
        var isMap: Bool { flags & NftWire.setMap != 0 }
        /// `{ tcp, udp }` in a rule: created and deleted with the rule, not one of the table's sets.
        var isAnonymous: Bool { flags & 0x1 != 0 } // NFT_SET_ANONYMOUS
    }

    static func set(in message: [UInt8]) -> SetLayout? {
        parse(message) { header in
            let set = nftnl_set_alloc()!
            defer { nftnl_set_free(set) }
            guard nftnl_set_nlmsg_parse(header, set) == 0,
                  let table = string(nftnl_set_get_str(set, UInt16(NFTNL_SET_TABLE.rawValue))),
                  let name = string(nftnl_set_get_str(set, UInt16(NFTNL_SET_NAME.rawValue))) else { return nil }
            func u32(_ attribute: nftnl_set_attr) -> UInt32? {
                nftnl_set_is_set(set, UInt16(attribute.rawValue)) ? nftnl_set_get_u32(set, UInt16(attribute.rawValue)) : nil
            }
            return SetLayout(table: table, name: name, flags: u32(NFTNL_SET_FLAGS) ?? 0,
                             key: u32(NFTNL_SET_KEY_TYPE).flatMap(NftWire.dataTypes),
                             data: u32(NFTNL_SET_DATA_TYPE).flatMap(NftWire.dataTypes))
        }
    }

    /// The elements of one NEWSETELEM message of a dump, decoded by the set's types; those that
    /// fit none of bridgectl's forms are only counted.
    static func elements(in message: [UInt8], layout: SetLayout) -> (elements: [NftObservedElement], foreign: Int) {
        parse(message) { header -> (elements: [NftObservedElement], foreign: Int)? in
            let set = nftnl_set_alloc()!
            defer { nftnl_set_free(set) }
            guard nftnl_set_elems_nlmsg_parse(header, set) == 0, let iterator = nftnl_set_elems_iter_create(set) else { return nil }
            defer { nftnl_set_elems_iter_destroy(iterator) }
            var elements: [NftObservedElement] = []
            var foreign = 0
            while let item = nftnl_set_elems_iter_next(iterator) {
                // The closing half of a single-field range (an rbtree set, which bridgectl
                // never makes): its opening half already counted.
                if nftnl_set_elem_is_set(item, UInt16(NFTNL_SET_ELEM_FLAGS)),
                   nftnl_set_elem_get_u32(item, UInt16(NFTNL_SET_ELEM_FLAGS)) & 0x1 != 0 { continue } // NFT_SET_ELEM_INTERVAL_END
                if let element = element(item, layout: layout) { elements.append(element) } else { foreign += 1 }
            }
            return (elements, foreign)
        } ?? ([], 0)
    }

    static func element(_ item: OpaquePointer, layout: SetLayout) -> NftObservedElement? {
        func attribute(_ attribute: Int) -> [UInt8]? {
            var length: UInt32 = 0
            return bytes(nftnl_set_elem_get(item, UInt16(attribute), &length), length)
        }
        guard let keyTypes = layout.key, let start = attribute(NFTNL_SET_ELEM_KEY),
              let key = NftWire.key(start: start, end: attribute(NFTNL_SET_ELEM_KEY_END), types: keyTypes) else { return nil }
        guard layout.isMap else { return NftObservedElement(key) }
        let value: NftValue?
        if layout.data == [.verdict] {
            guard nftnl_set_elem_is_set(item, UInt16(NFTNL_SET_ELEM_VERDICT)) else { return nil }
            let chain = nftnl_set_elem_is_set(item, UInt16(NFTNL_SET_ELEM_CHAIN))
                ? string(nftnl_set_elem_get_str(item, UInt16(NFTNL_SET_ELEM_CHAIN))) : nil
            value = NftWire.verdict(code: nftnl_set_elem_get_u32(item, UInt16(NFTNL_SET_ELEM_VERDICT)), chain: chain).map { .verdict($0) }
        } else if let dataTypes = layout.data, let data = attribute(NFTNL_SET_ELEM_DATA) {
            value = NftWire.value(data, types: dataTypes)
        } else {
            value = nil
        }
        return value.map { NftObservedElement(key, $0) }
    }

    // MARK: Request objects

    static func withRule(table: String, chain: String?, _ body: (OpaquePointer) -> Void) {
        let rule = nftnl_rule_alloc()!
        defer { nftnl_rule_free(rule) }
        nftnl_rule_set_str(rule, UInt16(NFTNL_RULE_TABLE.rawValue), table)
        if let chain { nftnl_rule_set_str(rule, UInt16(NFTNL_RULE_CHAIN.rawValue), chain) }
        body(rule)
    }

    static func withSet(_ table: String, name: String?, _ body: (OpaquePointer) -> Void) {
        let set = nftnl_set_alloc()!
        defer { nftnl_set_free(set) }
        nftnl_set_set_str(set, UInt16(NFTNL_SET_TABLE.rawValue), table)
        if let name { nftnl_set_set_str(set, UInt16(NFTNL_SET_NAME.rawValue), name) }
        body(set)
    }
}
