import BridgeModel
import CNftables
import Planning

/// The anonymous sets a batch creates (`meta l4proto { tcp, udp }`): each needs an ID unique in
/// the batch, by which the rule's lookup finds it before the kernel has named it.
struct AnonymousSets {
    private var next: UInt32 = 0x4000_0000

    mutating func newID() -> UInt32 {
        next += 1
        return next
    }
}

/// A rule's `NftExpr`s as the kernel expressions nft itself sends for the same text (checked
/// with `nft --debug=netlink`; tests/integration/test_nft_batch.sh compares the listings), so
/// that `nft list` prints bridgectl's rules exactly as `--dry-run` shows them.
///
/// Registers: reg 1 is the 16-byte NFT_REG_1; a concatenation fills its 4-byte parts
/// NFT_REG32_00 (= reg 1's first word), NFT_REG32_01 (9), NFT_REG32_02 (10) in order.
enum NftRuleEncoding {
    static let verdictRegister: UInt32 = 0 // NFT_REG_VERDICT
    static let register1: UInt32 = 1 // NFT_REG_1
    static let register9: UInt32 = 9 // NFT_REG32_01
    static let register10: UInt32 = 10 // NFT_REG32_02

    static func emitRule(chain: String, _ exprs: [NftExpr], comment: String, sequence: UInt32, acknowledged: Bool,
                         anonymousSets: inout AnonymousSets, emit: NftNetlinkBatch.Emit) throws {
        let rule = nftnl_rule_alloc()!
        defer { nftnl_rule_free(rule) }
        nftnl_rule_set_str(rule, UInt16(NFTNL_RULE_TABLE.rawValue), NftTable.name)
        nftnl_rule_set_str(rule, UInt16(NFTNL_RULE_CHAIN.rawValue), chain)
        nftnl_rule_set_u32(rule, UInt16(NFTNL_RULE_FAMILY.rawValue), UInt32(NftNetlinkBatch.family))
        for expr in exprs {
            try add(expr, to: rule, sequence: sequence, anonymousSets: &anonymousSets, emit: emit)
        }
        let userdata = try NftWire.comment(NftComment.full(comment))
        userdata.withUnsafeBytes { _ = nftnl_rule_set_data(rule, UInt16(NFTNL_RULE_USERDATA.rawValue), $0.baseAddress, UInt32($0.count)) }
        try emit { buffer in
            // NLM_F_APPEND: after the chain's last rule, as `nft add rule` does.
            let flags = cnft_flag_create() | cnft_flag_append() | (acknowledged ? cnft_flag_ack() : 0)
            let header = nftnl_nlmsg_build_hdr(buffer, UInt16(NFT_MSG_NEWRULE.rawValue), NftNetlinkBatch.family, flags, sequence)!
            nftnl_rule_nlmsg_build_payload(header, rule)
            return header
        }
    }

    static func add(_ expr: NftExpr, to rule: OpaquePointer, sequence: UInt32, anonymousSets: inout AnonymousSets,
                    emit: NftNetlinkBatch.Emit) throws {
        func append(_ name: String, _ configure: (OpaquePointer) -> Void) {
            let made = nftnl_expr_alloc(name)!
            configure(made)
            nftnl_rule_add_expr(rule, made) // the rule owns it now
        }
        func u32(_ made: OpaquePointer, _ attribute: Int, _ value: UInt32) { nftnl_expr_set_u32(made, UInt16(attribute), value) }
        func data(_ made: OpaquePointer, _ attribute: Int, _ bytes: [UInt8]) {
            bytes.withUnsafeBytes { _ = nftnl_expr_set(made, UInt16(attribute), $0.baseAddress, UInt32($0.count)) }
        }
        func meta(_ key: nft_meta_keys, into register: UInt32) {
            append("meta") { u32($0, NFTNL_EXPR_META_KEY, key.rawValue); u32($0, NFTNL_EXPR_META_DREG, register) }
        }
        func compare(_ op: nft_cmp_ops, _ bytes: [UInt8]) {
            append("cmp") { u32($0, NFTNL_EXPR_CMP_SREG, register1); u32($0, NFTNL_EXPR_CMP_OP, op.rawValue); data($0, NFTNL_EXPR_CMP_DATA, bytes) }
        }
        func lookup(_ set: String, setID: UInt32? = nil, into result: UInt32? = nil) {
            append("lookup") {
                u32($0, NFTNL_EXPR_LOOKUP_SREG, register1)
                nftnl_expr_set_str($0, UInt16(NFTNL_EXPR_LOOKUP_SET), set)
                if let setID { u32($0, NFTNL_EXPR_LOOKUP_SET_ID, setID) }
                if let result { u32($0, NFTNL_EXPR_LOOKUP_DREG, result) }
            }
        }
        /// `ct <key>` masked with `bits`, not zero (`ct state established,related`, `ct status dnat`).
        func conntrackBits(_ key: nft_ct_keys, _ bits: UInt32) {
            append("ct") { u32($0, NFTNL_EXPR_CT_KEY, key.rawValue); u32($0, NFTNL_EXPR_CT_DREG, register1) }
            append("bitwise") {
                u32($0, NFTNL_EXPR_BITWISE_SREG, register1); u32($0, NFTNL_EXPR_BITWISE_DREG, register1)
                u32($0, NFTNL_EXPR_BITWISE_LEN, 4)
                data($0, NFTNL_EXPR_BITWISE_MASK, hostOrder(bits)); data($0, NFTNL_EXPR_BITWISE_XOR, [0, 0, 0, 0])
            }
            compare(NFT_CMP_NEQ, [0, 0, 0, 0])
        }
        func payload(_ base: nft_payload_bases, offset: UInt32, length: UInt32, into register: UInt32) {
            append("payload") {
                u32($0, NFTNL_EXPR_PAYLOAD_BASE, base.rawValue); u32($0, NFTNL_EXPR_PAYLOAD_OFFSET, offset)
                u32($0, NFTNL_EXPR_PAYLOAD_LEN, length); u32($0, NFTNL_EXPR_PAYLOAD_DREG, register)
            }
        }
        /// `ip daddr . meta l4proto . th dport` into reg 1, 9, 10. nft converts the protocol's
        /// register to network order for an interval set (a no-op for one byte, but nft reads
        /// the listing back by it).
        func publishedKey(interval: Bool) {
            payload(NFT_PAYLOAD_NETWORK_HEADER, offset: 16, length: 4, into: register1)
            meta(NFT_META_L4PROTO, into: register9)
            if interval {
                append("byteorder") {
                    u32($0, NFTNL_EXPR_BYTEORDER_SREG, register9); u32($0, NFTNL_EXPR_BYTEORDER_DREG, register9)
                    u32($0, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON.rawValue)
                    u32($0, NFTNL_EXPR_BYTEORDER_LEN, 1); u32($0, NFTNL_EXPR_BYTEORDER_SIZE, 2)
                }
            }
            payload(NFT_PAYLOAD_TRANSPORT_HEADER, offset: 2, length: 2, into: register10)
        }

        switch expr {
        case .interface(let side, let name, let negated):
            meta(side == .input ? NFT_META_IIFNAME : NFT_META_OIFNAME, into: register1)
            compare(negated ? NFT_CMP_NEQ : NFT_CMP_EQ, NftWire.key(.interface(name)).start)
        case .interfaceInSet(let side, let set):
            meta(side == .input ? NFT_META_IIFNAME : NFT_META_OIFNAME, into: register1)
            lookup(set)
        case .ctEstablishedOrRelated:
            conntrackBits(NFT_CT_STATE, 0x6) // NF_CT_STATE_BIT(ESTABLISHED) | NF_CT_STATE_BIT(RELATED)
        case .ctStatusDNAT:
            conntrackBits(NFT_CT_STATUS, 0x20) // IPS_DST_NAT
        case .fibLocal(let side):
            append("fib") {
                u32($0, NFTNL_EXPR_FIB_FLAGS, side == .source ? 0x1 : 0x2) // NFTA_FIB_F_SADDR / NFTA_FIB_F_DADDR
                u32($0, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE.rawValue)
                u32($0, NFTNL_EXPR_FIB_DREG, register1)
            }
            compare(NFT_CMP_EQ, hostOrder(2)) // RTN_LOCAL
        case .sourceInSubnet(let subnet):
            // As nft: a prefix on a byte boundary loads and compares only its bytes; any other
            // loads the address and masks it.
            let prefixBytes = Array(subnet.address.octets.prefix(subnet.prefixLength / 8))
            if subnet.prefixLength % 8 == 0 {
                payload(NFT_PAYLOAD_NETWORK_HEADER, offset: 12, length: UInt32(prefixBytes.count), into: register1)
                compare(NFT_CMP_EQ, prefixBytes)
            } else {
                payload(NFT_PAYLOAD_NETWORK_HEADER, offset: 12, length: 4, into: register1)
                let mask = IPv4Network.mask(subnet.prefixLength)
                append("bitwise") {
                    u32($0, NFTNL_EXPR_BITWISE_SREG, register1); u32($0, NFTNL_EXPR_BITWISE_DREG, register1)
                    u32($0, NFTNL_EXPR_BITWISE_LEN, 4)
                    data($0, NFTNL_EXPR_BITWISE_MASK, [UInt8(mask >> 24), UInt8(mask >> 16 & 0xff), UInt8(mask >> 8 & 0xff), UInt8(mask & 0xff)])
                    data($0, NFTNL_EXPR_BITWISE_XOR, [0, 0, 0, 0])
                }
                compare(NFT_CMP_EQ, subnet.address.octets)
            }
        case .destinationNotLoopback:
            payload(NFT_PAYLOAD_NETWORK_HEADER, offset: 16, length: 1, into: register1)
            compare(NFT_CMP_NEQ, [127])
        case .tcpOrUDP:
            let setID = anonymousSets.newID()
            try emitProtocolSet(id: setID, sequence: sequence, emit: emit)
            meta(NFT_META_L4PROTO, into: register1)
            lookup("__set%d", setID: setID)
        case .publishedKeyInSet(let set):
            publishedKey(interval: NftPlanner.isIntervalSet(set))
            lookup(set)
        case .verdictMap(let side, let map):
            meta(side == .input ? NFT_META_IIFNAME : NFT_META_OIFNAME, into: register1)
            lookup(map, into: verdictRegister)
        case .dnatThroughMap(let map, let byAddress, let withPort):
            if byAddress {
                publishedKey(interval: NftPlanner.isIntervalSet(map))
            } else {
                meta(NFT_META_L4PROTO, into: register1)
                payload(NFT_PAYLOAD_TRANSPORT_HEADER, offset: 2, length: 2, into: register9)
            }
            lookup(map, into: register1)
            append("nat") {
                u32($0, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT.rawValue)
                u32($0, NFTNL_EXPR_NAT_FAMILY, UInt32(NftNetlinkBatch.family))
                u32($0, NFTNL_EXPR_NAT_REG_ADDR_MIN, register1)
                if withPort { u32($0, NFTNL_EXPR_NAT_REG_PROTO_MIN, register9) }
            }
        case .masquerade:
            append("masq") { _ in }
        case .verdict(let verdict):
            append("immediate") {
                u32($0, NFTNL_EXPR_IMM_DREG, verdictRegister)
                switch verdict {
                case .accept: u32($0, NFTNL_EXPR_IMM_VERDICT, cnft_verdict_accept())
                case .drop: u32($0, NFTNL_EXPR_IMM_VERDICT, cnft_verdict_drop())
                case .jump(let chain):
                    u32($0, NFTNL_EXPR_IMM_VERDICT, cnft_verdict_jump())
                    nftnl_expr_set_str($0, UInt16(NFTNL_EXPR_IMM_CHAIN), chain)
                }
            }
        }
    }

    /// `{ tcp, udp }`: an anonymous constant set of protocol numbers, created in the batch just
    /// before the rule that uses it, and deleted by the kernel with that rule.
    static func emitProtocolSet(id: UInt32, sequence: UInt32, emit: NftNetlinkBatch.Emit) throws {
        let set = NftNetlinkBatch.setObject("__set%d")
        defer { nftnl_set_free(set) }
        nftnl_set_set_u32(set, UInt16(NFTNL_SET_FLAGS.rawValue), 0x1 | 0x2) // NFT_SET_ANONYMOUS | NFT_SET_CONSTANT
        nftnl_set_set_u32(set, UInt16(NFTNL_SET_KEY_TYPE.rawValue), NftWire.typeID(.transportProtocol))
        nftnl_set_set_u32(set, UInt16(NFTNL_SET_KEY_LEN.rawValue), 1)
        nftnl_set_set_u32(set, UInt16(NFTNL_SET_ID.rawValue), id)
        nftnl_set_set_u32(set, UInt16(NFTNL_SET_DESC_SIZE.rawValue), 2)
        try emit { buffer in
            let header = nftnl_nlmsg_build_hdr(buffer, UInt16(NFT_MSG_NEWSET.rawValue), NftNetlinkBatch.family, cnft_flag_create(), sequence)!
            nftnl_set_nlmsg_build_payload(header, set)
            return header
        }
        for proto in [TransportProtocolNumber.tcp, .udp] {
            let item = nftnl_set_elem_alloc()!
            NftNetlinkBatch.setBytes(item, NFTNL_SET_ELEM_KEY, [proto.rawValue])
            nftnl_set_elem_add(set, item)
        }
        try emit { buffer in
            let header = nftnl_nlmsg_build_hdr(buffer, UInt16(NFT_MSG_NEWSETELEM.rawValue), NftNetlinkBatch.family, cnft_flag_create(), sequence)!
            nftnl_set_elems_nlmsg_build_payload(header, set)
            return header
        }
    }

    enum TransportProtocolNumber: UInt8 { case tcp = 6, udp = 17 }

    /// A 32-bit value as the kernel keeps ct state/status and fib results: host order.
    static func hostOrder(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
}
