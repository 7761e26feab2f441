import BridgeModel

/// The question of a query. `name` is in presentation form without the trailing dot and with
/// its case as received ("Serveur", "" for the root). Label bytes that would be ambiguous in
/// text are escaped as `dig` does: "." and "\" as "\." and "\\", other bytes outside
/// printable ASCII (and space) as "\DDD". Such names never match a container name, and
/// `DNSWire` turns them back into the same wire bytes.
public struct DNSQuestion: Equatable, Hashable, Sendable {
    public var name: String
    public var type: UInt16
    public var qclass: UInt16

    public init(name: String, type: UInt16, qclass: UInt16 = DNSClass.internet) {
        self.name = name; self.type = type; self.qclass = qclass
    }
}

/// A parsed query: header fields, its single question and the EDNS0 payload size if the
/// additional section carried an OPT record.
public struct DNSQuery: Equatable, Sendable {
    public var id: UInt16
    /// The header's flags word as received (see `DNSFlags`).
    public var flags: UInt16
    public var question: DNSQuestion
    /// The OPT record's class field: the requester's UDP payload size, as sent (RFC 6891 says
    /// values below 512 mean 512; the server clamps).
    public var ednsPayloadSize: UInt16?

    public init(id: UInt16, flags: UInt16, question: DNSQuestion, ednsPayloadSize: UInt16? = nil) {
        self.id = id; self.flags = flags; self.question = question; self.ednsPayloadSize = ednsPayloadSize
    }

    public var recursionDesired: Bool { flags & DNSFlags.recursionDesired != 0 }
    public var checkingDisabled: Bool { flags & DNSFlags.checkingDisabled != 0 }
    public var authenticData: Bool { flags & DNSFlags.authenticData != 0 }
    public var opcode: UInt8 { UInt8((flags & DNSFlags.opcodeMask) >> 11) }
}

/// Why a message is not a query we answer. Every case maps to the rcode to answer with.
public enum DNSParseError: Error, Equatable, Sendable {
    /// The message ends inside the header, a name, a question or a record.
    case truncated
    /// A compression pointer aims outside the message or into the header.
    case badPointer
    /// A compression pointer aims forward, at itself or back into a name it came from.
    case compressionLoop
    /// A length byte of 64...191: a label longer than 63 bytes (or the obsolete extended
    /// label types 01/10, which nobody sends).
    case labelTooLong
    /// A name longer than 255 bytes in wire form.
    case nameTooLong
    /// QR is set: a response, not a query. Never answer it (see `DNSWire.errorResponse`).
    case notAQuery
    /// An opcode other than QUERY (0): answer NOTIMP.
    case notImplemented(opcode: UInt8)
    /// QDCOUNT is 0.
    case noQuestion
    /// QDCOUNT is above 1 (nobody implements several questions per message).
    case multipleQuestions
    /// More than one OPT record (RFC 6891: FORMERR).
    case multipleOPT
    /// An OPT record whose owner is not the root name.
    case badOPT

    /// The rcode a server answers with: NOTIMP for other opcodes, FORMERR otherwise.
    public var rcode: UInt8 {
        if case .notImplemented = self { return DNSRCode.notImp }
        return DNSRCode.formErr
    }
}

public enum ResourceData: Equatable, Hashable, Sendable {
    case a(IPv4Address)
    /// The target name in presentation form, without trailing dot ("web.front").
    case ptr(String)
}

/// One answer record (class IN).
public struct ResourceRecord: Equatable, Hashable, Sendable {
    /// The owner name in presentation form; when it equals the question's name (ignoring
    /// case) the encoder writes a compression pointer to the question instead.
    public var name: String
    public var ttl: UInt32
    public var data: ResourceData

    public init(name: String, ttl: UInt32, data: ResourceData) {
        self.name = name; self.ttl = ttl; self.data = data
    }

    public var type: UInt16 {
        switch data {
        case .a: return DNSType.a
        case .ptr: return DNSType.ptr
        }
    }
}
