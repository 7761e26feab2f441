import BridgeModel
import Planning
#if canImport(Glibc)
import Glibc
#endif

/// The bytes nf_tables expects for bridgectl's set keys, map data, set descriptions and
/// comments: pure, so they are unit-tested against what `nft --debug=netlink` sends for the same
/// text. Every field of a key or datum sits in its own 32-bit register (an inet_proto byte is
/// followed by three zero bytes, a port's two bytes by two), multi-byte values in network order.
public enum NftWire {
    /// nft's data type numbers (src/datatype.h), which nft reads back from the set to print it.
    public static func typeID(_ type: NftDataType) -> UInt32 {
        switch type {
        case .ipv4Address: return 7
        case .transportProtocol: return 12
        case .port: return 13
        case .ifname: return 41
        case .verdict: return 0xffff_ff00 // NFT_DATA_VERDICT
        }
    }

    /// A field's length in bytes, before register padding.
    public static func length(_ type: NftDataType) -> Int {
        switch type {
        case .ipv4Address: return 4
        case .transportProtocol: return 1
        case .port: return 2
        case .ifname: return 16 // IFNAMSIZ
        case .verdict: return 0
        }
    }

    /// A concatenation's type, as nft builds it: each field's type shifted in 6 bits at a time.
    public static func concatenatedType(_ types: [NftDataType]) -> UInt32 {
        types.reduce(0) { ($0 << 6) | typeID($1) }
    }

    static func registerLength(_ types: [NftDataType]) -> Int {
        types.reduce(0) { $0 + ((length($1) + 3) / 4) * 4 }
    }

    /// What NFT_MSG_NEWSET carries besides table and name.
    public struct SetDescription: Equatable, Sendable {
        public var flags: UInt32
        public var keyType: UInt32
        public var keyLength: UInt32
        /// nil for a set; NFT_DATA_VERDICT for a verdict map (the kernel knows its length).
        public var dataType: UInt32?
        public var dataLength: UInt32?
        /// Field lengths of a concatenated interval key (NFTA_SET_DESC_CONCAT), else empty.
        public var fieldLengths: [UInt8]
        /// nft's set userdata: how a one-field key is ordered (NFTNL_UDATA_SET_KEYBYTEORDER),
        /// without which `nft list` prints an interface name as "". A concatenation's fields
        /// carry their order in their types.
        public var userdata: [UInt8]
    }

    public static let setMap: UInt32 = 0x8 // NFT_SET_MAP
    public static let setInterval: UInt32 = 0x4 // NFT_SET_INTERVAL
    public static let setConcat: UInt32 = 0x80 // NFT_SET_CONCAT

    public static func description(of set: NftSet) -> SetDescription {
        var flags: UInt32 = 0
        if set.data != nil { flags |= setMap }
        if set.interval { flags |= setInterval }
        // As nft sends it: the concatenation flag and field lengths only for an interval set
        // (pipapo needs them); a hash set re-added with them is refused with EEXIST, since the
        // kernel keeps no field lengths for it and so finds the sets different.
        let concatenatedIntervals = set.interval && set.key.count > 1
        if concatenatedIntervals { flags |= setConcat }
        var dataType: UInt32?, dataLength: UInt32?
        if let data = set.data {
            dataType = data == [.verdict] ? typeID(.verdict) : concatenatedType(data)
            dataLength = data == [.verdict] ? nil : UInt32(registerLength(data))
        }
        return SetDescription(flags: flags, keyType: concatenatedType(set.key), keyLength: UInt32(registerLength(set.key)),
                              dataType: dataType, dataLength: dataLength,
                              fieldLengths: concatenatedIntervals ? set.key.map { UInt8(length($0)) } : [],
                              userdata: set.key.count == 1 ? keyByteOrder(set.key[0]) : [])
    }

    /// TLV type 0, a host-order u32: 1 for host order (strings), 2 for network order.
    static func keyByteOrder(_ type: NftDataType) -> [UInt8] {
        let order: UInt32 = type == .ifname ? 1 : 2
        return [0, 4] + withUnsafeBytes(of: order) { Array($0) }
    }

    /// An element's key, and for a range its closing key (the kernel's concatenated interval
    /// sets store start and end in one element).
    public static func key(_ key: NftKey) -> (start: [UInt8], end: [UInt8]?) {
        switch key {
        case .interface(let name):
            return (ifname(name), nil)
        case .addressProtocolPorts(let address, let proto, let ports):
            let protoRegister: [UInt8] = [protocolNumber(proto), 0, 0, 0]
            let start = address.octets + protoRegister + port(ports.lowerBound)
            // 0.0.0.0 stands for every address: 0.0.0.0 to 255.255.255.255.
            let lastAddress: [UInt8] = address == .any ? [255, 255, 255, 255] : address.octets
            let end = lastAddress + protoRegister + port(ports.upperBound)
            // A single value has no closing key: an interval set then takes the start as the
            // end, and a hash set refuses a closing key (EINVAL).
            return (start, end == start ? nil : end)
        case .protocolPort(let proto, let portNumber):
            return ([protocolNumber(proto), 0, 0, 0] + port(portNumber), nil)
        }
    }

    public static func data(_ value: NftValue) -> [UInt8]? {
        switch value {
        case .verdict: return nil
        case .address(let address): return address.octets
        case .addressPort(let address, let portNumber): return address.octets + port(portNumber)
        }
    }

    public static func protocolNumber(_ proto: TransportProtocol) -> UInt8 {
        switch proto {
        case .tcp: return 6
        case .udp: return 17
        }
    }

    static func port(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff), 0, 0] }

    static func ifname(_ name: String) -> [UInt8] {
        let bytes = Array(name.utf8.prefix(15))
        return bytes + [UInt8](repeating: 0, count: 16 - bytes.count)
    }

    /// nft keeps a comment in the rule's or element's userdata as one TLV (type 0, the
    /// NUL-terminated text), so `nft list` prints it. nft refuses comments over 128 bytes.
    public static let commentLimit = 128

    public static func comment(_ text: String) throws -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count <= commentLimit else { throw NftablesError.commentTooLong(text) }
        return [0, UInt8(bytes.count + 1)] + bytes + [0]
    }
}

public enum NftablesError: Error, Equatable, CustomStringConvertible {
    case commentTooLong(String)
    case socket(String, errno: Int32)
    /// The kernel refused the batch; `op` is the first refused op as nft text.
    case refused(op: String, errno: Int32)
    case noAnswer
    /// A read (`what`, e.g. "list sets") the kernel answered with an error.
    case readFailed(String, errno: Int32)
    /// The table changed while it was read, again at every bounded retry.
    case readInterrupted(String)

    public var description: String {
        switch self {
        case .commentTooLong(let text): return "nftables comment longer than \(NftWire.commentLimit) bytes: '\(text)'"
        case .socket(let call, let errno): return "nftables netlink socket: \(call): \(String(cString: strerror(errno)))"
        case .refused(let op, let errno): return "nftables refused '\(op)': \(String(cString: strerror(errno)))"
        case .noAnswer: return "nftables: the kernel did not answer the batch"
        case .readFailed(let what, let errno): return "nftables: \(what): \(String(cString: strerror(errno)))"
        case .readInterrupted(let what): return "nftables: \(what): the ruleset kept changing while it was read"
        }
    }
}
