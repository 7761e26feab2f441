import BridgeModel
import CNftables
@testable import Nftables
import Planning
import Testing

/// The expected bytes are what `nft --debug=netlink` sends for the same nft text (captured in a
/// throwaway host with nft 1.0.6): the in-process batch must make what `nft -f` would.
@Suite struct NftWireTests {
    @Test func publishedPortsMapAsNftDescribesIt() {
        let map = NftSet("published-ports", key: [.ipv4Address, .transportProtocol, .port], data: [.ipv4Address, .port], interval: true)
        #expect(NftWire.description(of: map) == NftWire.SetDescription(
            flags: 0x8c, keyType: 0x730d, keyLength: 12, dataType: 0x1cd, dataLength: 8, fieldLengths: [4, 1, 2], userdata: []))
    }

    @Test func hashMapWithAConcatenatedKeyAsNftDescribesIt() {
        // No NFT_SET_CONCAT and no field lengths: with them, adding the set again is refused.
        let map = NftSet("published-ports", key: [.ipv4Address, .transportProtocol, .port], data: [.ipv4Address, .port])
        #expect(NftWire.description(of: map) == NftWire.SetDescription(
            flags: 0x8, keyType: 0x730d, keyLength: 12, dataType: 0x1cd, dataLength: 8, fieldLengths: [], userdata: []))
    }

    @Test func verdictMapAndInterfaceSet() {
        let verdicts = NftWire.description(of: NftSet("from-bridge", key: [.ifname], data: [.verdict]))
        #expect(verdicts.flags == 0x8 && verdicts.keyType == 41 && verdicts.keyLength == 16)
        #expect(verdicts.dataType == 0xffff_ff00 && verdicts.dataLength == nil && verdicts.fieldLengths.isEmpty)
        // Interface names are strings: host byte order, or `nft list` shows them as "".
        #expect(verdicts.userdata == [0, 4, 1, 0, 0, 0])
        let bridges = NftWire.description(of: NftSet("bridges", key: [.ifname]))
        #expect(bridges.flags == 0 && bridges.dataType == nil)
    }

    @Test func everyAddressIsTheWholeRange() {
        let key = NftWire.key(.addressProtocolPorts(.any, .tcp, 8080...8080))
        #expect(key.start == [0, 0, 0, 0, 6, 0, 0, 0, 0x1f, 0x90, 0, 0])
        #expect(key.end == [255, 255, 255, 255, 6, 0, 0, 0, 0x1f, 0x90, 0, 0])
    }

    @Test func oneAddressAndAPortRange() {
        let key = NftWire.key(.addressProtocolPorts(IPv4Address("127.0.0.1")!, .udp, 20000...20009))
        #expect(key.start == [127, 0, 0, 1, 17, 0, 0, 0, 0x4e, 0x20, 0, 0])
        #expect(key.end == [127, 0, 0, 1, 17, 0, 0, 0, 0x4e, 0x29, 0, 0])
    }

    @Test func aSingleValueHasNoClosingKey() {
        let key = NftWire.key(.addressProtocolPorts(IPv4Address("172.18.0.2")!, .tcp, 80...80))
        #expect(key.start == [172, 18, 0, 2, 6, 0, 0, 0, 0, 80, 0, 0])
        #expect(key.end == nil)
    }

    @Test func interfaceKeyIsNULPadded() {
        let key = NftWire.key(.interface("br-x"))
        #expect(key.start == Array("br-x".utf8) + [UInt8](repeating: 0, count: 12))
        #expect(key.end == nil)
    }

    @Test func mapData() {
        #expect(NftWire.data(.addressPort(IPv4Address("172.18.0.2")!, 80)) == [172, 18, 0, 2, 0, 80, 0, 0])
        #expect(NftWire.data(.address(IPv4Address("172.18.0.2")!)) == [172, 18, 0, 2])
        #expect(NftWire.data(.verdict(.drop)) == nil)
    }

    @Test func commentIsOneTLV() throws {
        #expect(try NftWire.comment("hi") == [0, 3, 0x68, 0x69, 0])
        #expect(throws: NftablesError.commentTooLong(String(repeating: "x", count: 129))) {
            try NftWire.comment(String(repeating: "x", count: 129))
        }
    }
}

/// The batch parsed back: message types, flags and sequence numbers, and the objects through
/// libnftnl's own parsers.
@Suite struct NftNetlinkBatchTests {
    struct Message { var type: UInt16; var flags: UInt16; var sequence: UInt32; var bytes: [UInt8] }

    func messages(_ batch: NftNetlinkBatch) -> [Message] {
        var result: [Message] = []
        var offset = 0
        let bytes = batch.bytes
        while offset + 16 <= bytes.count {
            func u32(_ at: Int) -> UInt32 { bytes[at..<at + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
            let length = Int(u32(offset))
            let type = UInt16(bytes[offset + 4]) | UInt16(bytes[offset + 5]) << 8
            let flags = UInt16(bytes[offset + 6]) | UInt16(bytes[offset + 7]) << 8
            result.append(Message(type: type, flags: flags, sequence: u32(offset + 8), bytes: Array(bytes[offset..<offset + length])))
            offset += (length + 3) & ~3
        }
        return result
    }

    static let subsystem: UInt16 = 10 << 8 // NFNL_SUBSYS_NFTABLES

    @Test func batchFramesEveryOpWithItsSequence() throws {
        let element = NftElement(.interface("br-x"), .verdict(.drop), comment: "net=x")
        let ops: [NftOp] = [.addTable, .addChain(NftChain("user")), .addSet(NftSet("to-bridge", key: [.ifname], data: [.verdict])),
                            .addElement(set: "to-bridge", element), .deleteElement(set: "to-bridge", element),
                            .flushChain("user"), .deleteChain("user"), .deleteSet("to-bridge"), .deleteTable]
        let batch = try NftNetlinkBatch(ops, firstSequence: 100)
        let found = messages(batch)
        let s = Self.subsystem
        #expect(found.map(\.type) == [0x10, s | 0, s | 3, s | 9, s | 12, s | 14, s | 8, s | 5, s | 11, s | 2, 0x11])
        #expect(found.map(\.sequence) == Array(100...110))
        // NLM_F_CREATE on adds, never NLM_F_EXCL; NLM_F_ACK on the last op only.
        let create: UInt16 = 0x400, ack: UInt16 = 0x4
        #expect(found.dropFirst().dropLast().map { $0.flags & ~0x1 } == [create, create, create, create, 0, 0, 0, 0, ack])
        #expect(batch.op(sequence: 104) == .addElement(set: "to-bridge", element))
        #expect(batch.op(sequence: 100) == nil && batch.op(sequence: 110) == nil)
    }

    @Test func anElementParsesBackWithKeyDataAndComment() throws {
        let element = NftElement(.addressProtocolPorts(.any, .tcp, 8080...8080), .addressPort(IPv4Address("172.18.0.2")!, 80),
                                 comment: "container=api publish 0.0.0.0:8080->80/tcp")
        let batch = try NftNetlinkBatch([.addElement(set: "published-ports", element)])
        var message = messages(batch)[1].bytes
        let set = nftnl_set_alloc()!
        defer { nftnl_set_free(set) }
        let parsed = message.withUnsafeMutableBytes {
            nftnl_set_elems_nlmsg_parse($0.baseAddress!.assumingMemoryBound(to: nlmsghdr.self), set)
        }
        #expect(parsed == 0)
        #expect(String(cString: nftnl_set_get_str(set, UInt16(NFTNL_SET_NAME.rawValue))) == "published-ports")
        #expect(String(cString: nftnl_set_get_str(set, UInt16(NFTNL_SET_TABLE.rawValue))) == "bridgectl")
        let iterator = nftnl_set_elems_iter_create(set)!
        defer { nftnl_set_elems_iter_destroy(iterator) }
        let item = nftnl_set_elems_iter_next(iterator)!
        func bytes(_ attribute: Int) -> [UInt8] {
            var length: UInt32 = 0
            guard let pointer = nftnl_set_elem_get(item, UInt16(attribute), &length) else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: Int(length)))
        }
        #expect(bytes(NFTNL_SET_ELEM_KEY) == NftWire.key(element.key).start)
        #expect(bytes(NFTNL_SET_ELEM_KEY_END) == NftWire.key(element.key).end)
        #expect(bytes(NFTNL_SET_ELEM_DATA) == [172, 18, 0, 2, 0, 80, 0, 0])
        #expect(bytes(NFTNL_SET_ELEM_USERDATA) == (try NftWire.comment("bridgectl container=api publish 0.0.0.0:8080->80/tcp")))
    }

    @Test func aBaseChainParsesBackWithHookPriorityAndType() throws {
        let batch = try NftNetlinkBatch([.addChain(NftChain("prerouting", base: NftBaseChain(type: .nat, hook: .prerouting, priority: -100)))])
        var message = messages(batch)[1].bytes
        let chain = nftnl_chain_alloc()!
        defer { nftnl_chain_free(chain) }
        #expect(message.withUnsafeMutableBytes { nftnl_chain_nlmsg_parse($0.baseAddress!.assumingMemoryBound(to: nlmsghdr.self), chain) } == 0)
        #expect(String(cString: nftnl_chain_get_str(chain, UInt16(NFTNL_CHAIN_NAME.rawValue))) == "prerouting")
        #expect(String(cString: nftnl_chain_get_str(chain, UInt16(NFTNL_CHAIN_TYPE.rawValue))) == "nat")
        #expect(nftnl_chain_get_u32(chain, UInt16(NFTNL_CHAIN_HOOKNUM.rawValue)) == 0)
        #expect(nftnl_chain_get_s32(chain, UInt16(NFTNL_CHAIN_PRIO.rawValue)) == -100)
        #expect(nftnl_chain_get_u32(chain, UInt16(NFTNL_CHAIN_POLICY.rawValue)) == 1)
    }

    @Test func aConcatenatedIntervalSetParsesBack() throws {
        let batch = try NftNetlinkBatch([.addSet(NftSet("published-accept", key: [.ipv4Address, .transportProtocol, .port], interval: true))])
        var message = messages(batch)[1].bytes
        let set = nftnl_set_alloc()!
        defer { nftnl_set_free(set) }
        #expect(message.withUnsafeMutableBytes { nftnl_set_nlmsg_parse($0.baseAddress!.assumingMemoryBound(to: nlmsghdr.self), set) } == 0)
        #expect(nftnl_set_get_u32(set, UInt16(NFTNL_SET_FLAGS.rawValue)) == 0x84)
        #expect(nftnl_set_get_u32(set, UInt16(NFTNL_SET_KEY_TYPE.rawValue)) == 0x730d)
        #expect(nftnl_set_get_u32(set, UInt16(NFTNL_SET_KEY_LEN.rawValue)) == 12)
        #expect(!nftnl_set_is_set(set, UInt16(NFTNL_SET_DATA_TYPE.rawValue)))
    }

    /// The expressions of the rule in a NEWRULE message, by name, and its comment.
    func ruleExpressions(_ message: [UInt8]) -> (names: [String], userdata: [UInt8]) {
        var message = message
        let rule = nftnl_rule_alloc()!
        defer { nftnl_rule_free(rule) }
        guard message.withUnsafeMutableBytes({ nftnl_rule_nlmsg_parse($0.baseAddress!.assumingMemoryBound(to: nlmsghdr.self), rule) }) == 0
        else { return ([], []) }
        var names: [String] = []
        let iterator = nftnl_expr_iter_create(rule)!
        defer { nftnl_expr_iter_destroy(iterator) }
        while let expr = nftnl_expr_iter_next(iterator) {
            names.append(String(cString: nftnl_expr_get_str(expr, UInt16(NFTNL_EXPR_NAME))))
        }
        var length: UInt32 = 0
        let pointer = nftnl_rule_get_data(rule, UInt16(NFTNL_RULE_USERDATA.rawValue), &length)
        return (names, pointer.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? [])
    }

    // The expression lists are what `nft --debug=netlink` shows for the same rule text.
    @Test func interfaceMatchAndVerdict() throws {
        let batch = try NftNetlinkBatch([.addRule(chain: "forward-br-x", [.interface(.output, "br-x"), .verdict(.accept)], comment: "net=x icc on")])
        let found = messages(batch)
        #expect(found.map(\.type) == [0x10, Self.subsystem | 6, 0x11]) // NFT_MSG_NEWRULE
        #expect(found[1].flags & 0x800 != 0) // NLM_F_APPEND
        let rule = ruleExpressions(found[1].bytes)
        #expect(rule.names == ["meta", "cmp", "immediate"])
        #expect(rule.userdata == (try NftWire.comment("bridgectl net=x icc on")))
    }

    @Test func publishedPortsAcceptRule() throws {
        let hash = try NftNetlinkBatch([.addRule(chain: "forward", [.ctStatusDNAT, .publishedKeyInSet("published-accept"), .verdict(.accept)],
                                                 comment: "published ports")])
        #expect(ruleExpressions(messages(hash)[1].bytes).names
                == ["ct", "bitwise", "cmp", "payload", "meta", "payload", "lookup", "immediate"])
        // An interval set's key gets nft's byteorder step on the protocol register.
        let interval = try NftNetlinkBatch([.addRule(chain: "forward", [.publishedKeyInSet("published-accept-ranges"), .verdict(.accept)],
                                                     comment: "published port ranges")])
        #expect(ruleExpressions(messages(interval)[1].bytes).names == ["payload", "meta", "byteorder", "payload", "lookup", "immediate"])
    }

    @Test func sourceSubnetAsNftEncodesIt() throws {
        func names(_ subnet: String) throws -> [String] {
            let batch = try NftNetlinkBatch([.addRule(chain: "hairpin-br-x", [.sourceInSubnet(try IPv4Network(parsing: subnet)), .masquerade],
                                                      comment: "net=x hairpin")])
            return ruleExpressions(messages(batch)[1].bytes).names
        }
        // A byte-aligned prefix compares its bytes only; any other is masked first.
        #expect(try names("172.18.0.0/16") == ["payload", "cmp", "masq"])
        #expect(try names("172.20.16.0/20") == ["payload", "bitwise", "cmp", "masq"])
    }

    @Test func dnatRuleBringsItsAnonymousProtocolSet() throws {
        let batch = try NftNetlinkBatch([.addRule(chain: "prerouting", [
            .fibLocal(.destination), .destinationNotLoopback, .tcpOrUDP, .dnatThroughMap("published-any-address", byAddress: false, withPort: true),
        ], comment: "published ports (every address)")], firstSequence: 7)
        let found = messages(batch)
        let s = Self.subsystem
        // The set, its two elements, then the rule: all under the op's sequence number.
        #expect(found.map(\.type) == [0x10, s | 9, s | 12, s | 6, 0x11])
        #expect(found.dropFirst().dropLast().map(\.sequence) == [8, 8, 8])
        #expect(ruleExpressions(found[3].bytes).names
                == ["fib", "cmp", "payload", "cmp", "meta", "lookup", "meta", "payload", "lookup", "nat"])
    }
}
