import BridgeModel
import CNftables
import Planning

/// The reverse of `NftWire`: a set's types, an element's key and data, and a comment, back from
/// the bytes the kernel lists. Pure, so each is unit-tested as a round trip through the encoder.
/// Anything that fits none of bridgectl's forms decodes to nil (the reader counts it as foreign).
extension NftWire {
    /// The fields of a set's key or data type as the kernel keeps it (nft's concatenated type
    /// number, 6 bits a field), nil for a type bridgectl never makes.
    public static func dataTypes(_ type: UInt32) -> [NftDataType]? {
        if type == typeID(.verdict) { return [.verdict] }
        let fieldTypes: [NftDataType] = [.ipv4Address, .transportProtocol, .port, .ifname]
        var remaining = type
        var fields: [NftDataType] = []
        while remaining != 0 {
            guard let field = fieldTypes.first(where: { typeID($0) == remaining & 0x3f }) else { return nil }
            fields.insert(field, at: 0)
            remaining >>= 6
        }
        return fields.isEmpty ? nil : fields
    }

    /// One field's value, as the parts of a key or datum hold it.
    enum Field: Equatable {
        case interface(String)
        case address(IPv4Address)
        case transportProtocol(TransportProtocol)
        case port(UInt16)

        var interface: String? { if case .interface(let name) = self { name } else { nil } }
        var address: IPv4Address? { if case .address(let address) = self { address } else { nil } }
        var transportProtocol: TransportProtocol? { if case .transportProtocol(let proto) = self { proto } else { nil } }
        var port: UInt16? { if case .port(let port) = self { port } else { nil } }
    }

    /// The bytes split into their fields, each in its own 4-byte register; nil when the length
    /// or a value does not fit the types.
    static func fields(_ bytes: [UInt8], _ types: [NftDataType]) -> [Field]? {
        guard bytes.count == registerLength(types) else { return nil }
        var offset = 0
        var fields: [Field] = []
        for type in types {
            let width = ((length(type) + 3) / 4) * 4
            let part = Array(bytes[offset..<offset + length(type)])
            offset += width
            switch type {
            case .ifname:
                fields.append(.interface(String(decoding: part.prefix { $0 != 0 }, as: UTF8.self)))
            case .ipv4Address:
                fields.append(.address(IPv4Address(part.reduce(0) { $0 << 8 | UInt32($1) })))
            case .transportProtocol:
                guard let proto = TransportProtocol.allCases.first(where: { protocolNumber($0) == part[0] }) else { return nil }
                fields.append(.transportProtocol(proto))
            case .port:
                fields.append(.port(UInt16(part[0]) << 8 | UInt16(part[1])))
            case .verdict:
                return nil
            }
        }
        return fields
    }

    /// An element's key from its start and (for a range in an interval set) closing bytes. The
    /// whole address range 0.0.0.0-255.255.255.255 is 0.0.0.0/0, "every address", as
    /// `NftWire.key` writes it.
    public static func key(start: [UInt8], end: [UInt8]?, types: [NftDataType]) -> NftKey? {
        guard let first = fields(start, types) else { return nil }
        guard let last = end.map({ fields($0, types) }) ?? first else { return nil }
        switch types {
        case [.ifname]:
            guard let name = first[0].interface, name == last[0].interface else { return nil }
            return .interface(name)
        case [.ipv4Address, .transportProtocol, .port]:
            guard let address = first[0].address, let lastAddress = last[0].address, let proto = first[1].transportProtocol,
                  proto == last[1].transportProtocol, let low = first[2].port, let high = last[2].port, low <= high else { return nil }
            if address == lastAddress { return .addressProtocolPorts(address, proto, low...high) }
            if address == .any && lastAddress == IPv4Address(UInt32.max) { return .addressProtocolPorts(.any, proto, low...high) }
            return nil
        case [.transportProtocol, .port]:
            guard let proto = first[0].transportProtocol, proto == last[0].transportProtocol,
                  let port = first[1].port, port == last[1].port else { return nil }
            return .protocolPort(proto, port)
        default:
            return nil
        }
    }

    /// A map element's data (not a verdict: those come as a code and a chain, see `verdict`).
    public static func value(_ bytes: [UInt8], types: [NftDataType]) -> NftValue? {
        guard let fields = fields(bytes, types) else { return nil }
        switch types {
        case [.ipv4Address]: return fields[0].address.map { .address($0) }
        case [.ipv4Address, .port]:
            guard let address = fields[0].address, let port = fields[1].port else { return nil }
            return .addressPort(address, port)
        default: return nil
        }
    }

    /// A verdict map element's verdict: the kernel's code (NF_ACCEPT, NF_DROP, NFT_JUMP) and the
    /// chain of a jump; nil for any other verdict.
    public static func verdict(code: UInt32, chain: String?) -> NftVerdict? {
        if code == cnft_verdict_accept() { return .accept }
        if code == cnft_verdict_drop() { return .drop }
        if code == cnft_verdict_jump() { return chain.map { .jump($0) } }
        return nil
    }

    /// The comment in a rule's or element's userdata (TLV type 0, NUL-terminated text), as
    /// `comment(_:)` writes it; "" when there is none.
    public static func comment(fromUserdata userdata: [UInt8]) -> String {
        var offset = 0
        while offset + 2 <= userdata.count {
            let type = userdata[offset], length = Int(userdata[offset + 1])
            guard offset + 2 + length <= userdata.count else { break }
            if type == 0 {
                return String(decoding: userdata[(offset + 2)..<(offset + 2 + length)].prefix { $0 != 0 }, as: UTF8.self)
            }
            offset += 2 + length
        }
        return ""
    }
}
