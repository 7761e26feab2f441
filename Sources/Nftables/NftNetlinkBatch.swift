import CNftables
import Planning

/// A list of `NftOp`s as one nfnetlink batch (NFNL_MSG_BATCH_BEGIN, one message per op,
/// NFNL_MSG_BATCH_END): one nf_tables transaction, applied entirely or not at all. Building it
/// touches no socket, so the encoding is unit-tested by parsing the bytes back with libnftnl.
///
/// Every op message carries sequence number `firstSequence + 1 + index`, so an error (which the
/// kernel always sends) names the op it refused. Only the last op asks for an ACK: its answer
/// comes after every error, so it tells the reader the whole batch was handled, and a batch of
/// thousands of elements does not queue thousands of ACKs (each costs ~1 KiB of the socket's
/// receive buffer; they overflowed it at 3,000 ops).
public struct NftNetlinkBatch: Sendable {
    public let ops: [NftOp]
    public let firstSequence: UInt32
    /// The whole batch, ready for one sendto().
    public private(set) var bytes: [UInt8] = []

    static let family = cnft_family_ipv4()
    static let table = NftTable.name
    /// Larger than any one message bridgectl builds (an element is under 300 bytes).
    static let scratchSize = 8192

    public init(_ ops: [NftOp], firstSequence: UInt32 = 1) throws {
        self.ops = ops
        self.firstSequence = firstSequence
        var scratch = [CChar](repeating: 0, count: Self.scratchSize)
        var bytes: [UInt8] = []
        // Builds one message in the scratch buffer and appends it, 4-byte aligned.
        func emit(_ make: (UnsafeMutablePointer<CChar>) throws -> UnsafeMutablePointer<nlmsghdr>) throws {
            try scratch.withUnsafeMutableBufferPointer { buffer in
                let header = try make(buffer.baseAddress!)
                let length = Int(header.pointee.nlmsg_len)
                header.withMemoryRebound(to: UInt8.self, capacity: length) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
                bytes.append(contentsOf: [UInt8](repeating: 0, count: ((length + 3) & ~3) - length))
            }
        }
        try emit { nftnl_batch_begin($0, firstSequence) }
        var anonymousSets = AnonymousSets()
        for (index, op) in ops.enumerated() {
            try Self.build(op, sequence: firstSequence + 1 + UInt32(index), acknowledged: index == ops.count - 1,
                           anonymousSets: &anonymousSets, emit: emit)
        }
        try emit { nftnl_batch_end($0, firstSequence + 1 + UInt32(ops.count)) }
        self.bytes = bytes
    }

    /// The op whose message had this sequence number.
    public func op(sequence: UInt32) -> NftOp? {
        let index = Int(sequence) - Int(firstSequence) - 1
        return ops.indices.contains(index) ? ops[index] : nil
    }

    /// The last sequence number of an op: the one whose ACK ends the batch's answers.
    public var lastOpSequence: UInt32 { firstSequence + UInt32(ops.count) }

    typealias Emit = ((UnsafeMutablePointer<CChar>) throws -> UnsafeMutablePointer<nlmsghdr>) throws -> Void

    /// Emits the op's messages: one, or for a rule with an anonymous set, the set, its
    /// elements and the rule (all with the op's sequence number).
    static func build(_ op: NftOp, sequence: UInt32, acknowledged: Bool, anonymousSets: inout AnonymousSets, emit: Emit) throws {
        if case .addRule(let chain, let exprs, let comment) = op {
            try NftRuleEncoding.emitRule(chain: chain, exprs, comment: comment, sequence: sequence, acknowledged: acknowledged,
                                         anonymousSets: &anonymousSets, emit: emit)
            return
        }
        try emit { buffer in try message(op, into: buffer, sequence: sequence, acknowledged: acknowledged) }
    }

    static func message(_ op: NftOp, into buffer: UnsafeMutablePointer<CChar>, sequence: UInt32,
                        acknowledged: Bool) throws -> UnsafeMutablePointer<nlmsghdr> {
        func header(_ buffer: UnsafeMutablePointer<CChar>, _ type: nf_tables_msg_types, create: Bool, sequence: UInt32) -> UnsafeMutablePointer<nlmsghdr> {
            // Adds without NLM_F_EXCL, like `nft add`: an existing object is not an error.
            let flags = (create ? cnft_flag_create() : 0) | (acknowledged ? cnft_flag_ack() : 0)
            return nftnl_nlmsg_build_hdr(buffer, UInt16(type.rawValue), family, flags, sequence)
        }
        switch op {
        case .addTable, .deleteTable:
            let table = nftnl_table_alloc()!
            defer { nftnl_table_free(table) }
            nftnl_table_set_str(table, UInt16(NFTNL_TABLE_NAME.rawValue), Self.table)
            nftnl_table_set_u32(table, UInt16(NFTNL_TABLE_FAMILY.rawValue), UInt32(family))
            let isAdd = op == .addTable
            let header = header(buffer, isAdd ? NFT_MSG_NEWTABLE : NFT_MSG_DELTABLE, create: isAdd, sequence: sequence)
            nftnl_table_nlmsg_build_payload(header, table)
            return header

        case .addChain(let chain):
            let made = chainObject(chain.name)
            defer { nftnl_chain_free(made) }
            if let base = chain.base {
                nftnl_chain_set_u32(made, UInt16(NFTNL_CHAIN_HOOKNUM.rawValue), hookNumber(base.hook))
                nftnl_chain_set_s32(made, UInt16(NFTNL_CHAIN_PRIO.rawValue), Int32(base.priority))
                nftnl_chain_set_str(made, UInt16(NFTNL_CHAIN_TYPE.rawValue), base.type.rawValue)
                nftnl_chain_set_u32(made, UInt16(NFTNL_CHAIN_POLICY.rawValue), cnft_verdict_accept())
            }
            let header = header(buffer, NFT_MSG_NEWCHAIN, create: true, sequence: sequence)
            nftnl_chain_nlmsg_build_payload(header, made)
            return header

        case .deleteChain(let name):
            let made = chainObject(name)
            defer { nftnl_chain_free(made) }
            let header = header(buffer, NFT_MSG_DELCHAIN, create: false, sequence: sequence)
            nftnl_chain_nlmsg_build_payload(header, made)
            return header

        case .flushChain(let name):
            // A rule deletion naming only table and chain deletes every rule of the chain.
            let rule = nftnl_rule_alloc()!
            defer { nftnl_rule_free(rule) }
            nftnl_rule_set_str(rule, UInt16(NFTNL_RULE_TABLE.rawValue), Self.table)
            nftnl_rule_set_str(rule, UInt16(NFTNL_RULE_CHAIN.rawValue), name)
            nftnl_rule_set_u32(rule, UInt16(NFTNL_RULE_FAMILY.rawValue), UInt32(family))
            let header = header(buffer, NFT_MSG_DELRULE, create: false, sequence: sequence)
            nftnl_rule_nlmsg_build_payload(header, rule)
            return header

        case .addRule:
            preconditionFailure("rules are built by NftRuleEncoding")

        case .addSet(let set):
            let made = setObject(set.name)
            defer { nftnl_set_free(made) }
            let description = NftWire.description(of: set)
            nftnl_set_set_u32(made, UInt16(NFTNL_SET_FLAGS.rawValue), description.flags)
            nftnl_set_set_u32(made, UInt16(NFTNL_SET_KEY_TYPE.rawValue), description.keyType)
            nftnl_set_set_u32(made, UInt16(NFTNL_SET_KEY_LEN.rawValue), description.keyLength)
            if let dataType = description.dataType { nftnl_set_set_u32(made, UInt16(NFTNL_SET_DATA_TYPE.rawValue), dataType) }
            if let dataLength = description.dataLength { nftnl_set_set_u32(made, UInt16(NFTNL_SET_DATA_LEN.rawValue), dataLength) }
            if !description.fieldLengths.isEmpty {
                description.fieldLengths.withUnsafeBytes {
                    _ = nftnl_set_set_data(made, UInt16(NFTNL_SET_DESC_CONCAT.rawValue), $0.baseAddress, UInt32($0.count))
                }
            }
            if !description.userdata.isEmpty {
                description.userdata.withUnsafeBytes {
                    _ = nftnl_set_set_data(made, UInt16(NFTNL_SET_USERDATA.rawValue), $0.baseAddress, UInt32($0.count))
                }
            }
            nftnl_set_set_u32(made, UInt16(NFTNL_SET_ID.rawValue), sequence)
            let header = header(buffer, NFT_MSG_NEWSET, create: true, sequence: sequence)
            nftnl_set_nlmsg_build_payload(header, made)
            return header

        case .deleteSet(let name):
            let made = setObject(name)
            defer { nftnl_set_free(made) }
            let header = header(buffer, NFT_MSG_DELSET, create: false, sequence: sequence)
            nftnl_set_nlmsg_build_payload(header, made)
            return header

        case .addElement(let set, let element), .deleteElement(let set, let element):
            let isAdd: Bool
            if case .addElement = op { isAdd = true } else { isAdd = false }
            let made = setObject(set)
            defer { nftnl_set_free(made) } // frees the element added to it too
            let item = nftnl_set_elem_alloc()!
            let key = NftWire.key(element.key)
            setBytes(item, NFTNL_SET_ELEM_KEY, key.start)
            if let end = key.end { setBytes(item, NFTNL_SET_ELEM_KEY_END, end) }
            if isAdd {
                switch element.value {
                case .verdict(let verdict)?:
                    switch verdict {
                    case .accept: nftnl_set_elem_set_u32(item, UInt16(NFTNL_SET_ELEM_VERDICT), cnft_verdict_accept())
                    case .drop: nftnl_set_elem_set_u32(item, UInt16(NFTNL_SET_ELEM_VERDICT), cnft_verdict_drop())
                    case .jump(let chain):
                        nftnl_set_elem_set_u32(item, UInt16(NFTNL_SET_ELEM_VERDICT), cnft_verdict_jump())
                        nftnl_set_elem_set_str(item, UInt16(NFTNL_SET_ELEM_CHAIN), chain)
                    }
                case let value?:
                    if let data = NftWire.data(value) { setBytes(item, NFTNL_SET_ELEM_DATA, data) }
                case nil:
                    break
                }
                setBytes(item, NFTNL_SET_ELEM_USERDATA, try NftWire.comment(NftComment.full(element.comment)))
            }
            nftnl_set_elem_add(made, item)
            let header = header(buffer, isAdd ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM, create: isAdd, sequence: sequence)
            nftnl_set_elems_nlmsg_build_payload(header, made)
            return header
        }
    }

    static func chainObject(_ name: String) -> OpaquePointer {
        let chain = nftnl_chain_alloc()!
        nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_TABLE.rawValue), table)
        nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_NAME.rawValue), name)
        nftnl_chain_set_u32(chain, UInt16(NFTNL_CHAIN_FAMILY.rawValue), UInt32(family))
        return chain
    }

    static func setObject(_ name: String) -> OpaquePointer {
        let set = nftnl_set_alloc()!
        nftnl_set_set_str(set, UInt16(NFTNL_SET_TABLE.rawValue), table)
        nftnl_set_set_str(set, UInt16(NFTNL_SET_NAME.rawValue), name)
        nftnl_set_set_u32(set, UInt16(NFTNL_SET_FAMILY.rawValue), UInt32(family))
        return set
    }

    static func setBytes(_ element: OpaquePointer, _ attribute: Int, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = nftnl_set_elem_set(element, UInt16(attribute), $0.baseAddress, UInt32($0.count)) }
    }

    static func hookNumber(_ hook: NftHook) -> UInt32 {
        switch hook {
        case .prerouting: return cnft_hook_prerouting()
        case .forward: return cnft_hook_forward()
        case .output: return cnft_hook_output()
        case .postrouting: return cnft_hook_postrouting()
        }
    }
}
