/// RFC 1035 messages as the embedded resolver needs them: parse a query, build its response,
/// build an error response from whatever arrived, and the few byte edits forwarding needs.
/// Every function is total: malformed input gives an error or nil, never a trap or a loop.
public enum DNSWire {
    /// The UDP payload size we advertise in our own OPT record (the DNS flag day 2020 value).
    public static let advertisedPayloadSize: UInt16 = 1232
    /// The largest message TCP framing can carry.
    public static let maxMessageSize = 65535
    static let headerSize = 12
    static let optRecordSize = 11

    // MARK: Parsing

    /// Parses a query with exactly one question. Answer and authority records (which queries
    /// do not normally carry) are skipped but must be well formed; the additional section is
    /// read for an OPT record. Bytes after the counted records are ignored.
    public static func parseQuery(_ bytes: [UInt8]) throws(DNSParseError) -> DNSQuery {
        guard bytes.count >= headerSize else { throw .truncated }
        let id = word(bytes, 0)
        let flags = word(bytes, 2)
        let questions = word(bytes, 4)
        let answers = Int(word(bytes, 6))
        let authorities = Int(word(bytes, 8))
        let additionals = Int(word(bytes, 10))
        guard flags & DNSFlags.response == 0 else { throw .notAQuery }
        let opcode = UInt8((flags & DNSFlags.opcodeMask) >> 11)
        guard opcode == 0 else { throw .notImplemented(opcode: opcode) }
        guard questions != 0 else { throw .noQuestion }
        guard questions == 1 else { throw .multipleQuestions }

        let name = try DNSName.read(bytes, at: headerSize, text: true)
        guard name.end + 4 <= bytes.count else { throw .truncated }
        let question = DNSQuestion(name: String(decoding: name.text, as: UTF8.self),
                                   type: word(bytes, name.end), qclass: word(bytes, name.end + 2))
        var position = name.end + 4

        // Each record takes at least 11 bytes, so a huge count fails on the data, not on time.
        for _ in 0..<(answers + authorities) {
            position = try skipRecord(bytes, at: position).end
        }
        var payload: UInt16?
        for _ in 0..<additionals {
            let record = try skipRecord(bytes, at: position)
            if record.type == DNSType.opt {
                guard record.ownerIsRoot else { throw .badOPT }
                guard payload == nil else { throw .multipleOPT }
                payload = record.rclass
            }
            position = record.end
        }
        return DNSQuery(id: id, flags: flags, question: question, ednsPayloadSize: payload)
    }

    private static func skipRecord(_ bytes: [UInt8], at start: Int) throws(DNSParseError)
        -> (end: Int, type: UInt16, rclass: UInt16, ownerIsRoot: Bool) {
        let owner = try DNSName.read(bytes, at: start)
        let fixed = owner.end
        guard fixed + 10 <= bytes.count else { throw .truncated }
        let length = Int(word(bytes, fixed + 8))
        guard fixed + 10 + length <= bytes.count else { throw .truncated }
        return (fixed + 10 + length, word(bytes, fixed), word(bytes, fixed + 2), owner.wireLength == 1)
    }

    // MARK: Building

    /// The answer to `query`: QR, AA and RA set, RD and CD copied, the question echoed. An
    /// answer whose name equals the question's (ignoring case) is written as a pointer to it
    /// (0xC00C). When the message would exceed `maxSize` (capped at 65535) the answers are
    /// dropped and TC is set so the client retries over TCP. A query with EDNS gets an OPT
    /// record advertising 1232 bytes, counted in the size. Records whose names cannot be
    /// encoded (empty or oversized labels) are left out; a question name that cannot be
    /// encoded gives a header-only message.
    public static func response(to query: DNSQuery, rcode: UInt8, answers: [ResourceRecord], maxSize: Int) -> [UInt8] {
        build(id: query.id, flags: responseFlags(query.flags, rcode: rcode, authoritative: true),
              question: query.question, answers: answers, edns: query.ednsPayloadSize != nil,
              extendedRCode: rcode >> 4, maxSize: maxSize)
    }

    /// A minimal answer to whatever arrived: the ID echoed, QR and RA set, opcode, RD and CD
    /// copied, `rcode`, and the question when there is exactly one and it parses (plus an OPT
    /// record when the whole query parses and had one). nil when there is no 12-byte header,
    /// and nil when QR is set: answering responses lets two servers bounce errors forever.
    public static func errorResponse(to bytes: [UInt8], rcode: UInt8) -> [UInt8]? {
        guard bytes.count >= headerSize else { return nil }
        let flags = word(bytes, 2)
        guard flags & DNSFlags.response == 0 else { return nil }
        let replyFlags = responseFlags(flags, rcode: rcode, authoritative: false)
        if let query = try? parseQuery(bytes) {
            return build(id: query.id, flags: replyFlags, question: query.question, answers: [],
                         edns: query.ednsPayloadSize != nil, extendedRCode: rcode >> 4, maxSize: maxMessageSize)
        }
        var out = [UInt8]()
        out.reserveCapacity(headerSize + 260)
        appendWord(&out, word(bytes, 0))
        appendWord(&out, replyFlags)
        out += [0, 0, 0, 0, 0, 0, 0, 0]
        if word(bytes, 4) == 1, let name = try? DNSName.read(bytes, at: headerSize, wire: true),
           name.end + 4 <= bytes.count {
            out[5] = 1
            out += name.wire
            out += bytes[name.end..<(name.end + 4)]
        }
        return out
    }

    static func responseFlags(_ queryFlags: UInt16, rcode: UInt8, authoritative: Bool) -> UInt16 {
        DNSFlags.response | (queryFlags & DNSFlags.opcodeMask) | (authoritative ? DNSFlags.authoritative : 0)
            | (queryFlags & (DNSFlags.recursionDesired | DNSFlags.checkingDisabled))
            | DNSFlags.recursionAvailable | (UInt16(rcode) & DNSFlags.rcodeMask)
    }

    static func build(id: UInt16, flags: UInt16, question: DNSQuestion, answers: [ResourceRecord],
                      edns: Bool, extendedRCode: UInt8, maxSize: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(512)
        appendWord(&out, id)
        appendWord(&out, flags)
        out += [0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0]
        guard DNSName.encode(question.name, into: &out) else {
            out[5] = 0
            if edns { appendOPT(&out, extendedRCode: extendedRCode) }
            return out
        }
        appendWord(&out, question.type)
        appendWord(&out, question.qclass)
        let questionEnd = out.count
        var count = 0
        for record in answers where count < Int(UInt16.max) {
            let mark = out.count
            if append(record, question: question.name, to: &out) {
                count += 1
            } else {
                out.removeSubrange(mark...)
            }
        }
        let limit = min(maxSize, maxMessageSize)
        if count > 0 && out.count + (edns ? optRecordSize : 0) > limit {
            out.removeSubrange(questionEnd...)
            count = 0
            out[2] |= UInt8(DNSFlags.truncated >> 8)
        }
        out[6] = UInt8(count >> 8)
        out[7] = UInt8(count & 0xFF)
        if edns { appendOPT(&out, extendedRCode: extendedRCode) }
        return out
    }

    private static func append(_ record: ResourceRecord, question: String, to out: inout [UInt8]) -> Bool {
        if record.name == question || DNSName.equalIgnoringCase(record.name, question) {
            out += [0xC0, UInt8(headerSize)]
        } else if !DNSName.encode(record.name, into: &out) {
            return false
        }
        appendWord(&out, record.type)
        appendWord(&out, DNSClass.internet)
        appendWord(&out, UInt16(record.ttl >> 16))
        appendWord(&out, UInt16(record.ttl & 0xFFFF))
        switch record.data {
        case .a(let address):
            out += [0, 4]
            appendWord(&out, UInt16(address.value >> 16))
            appendWord(&out, UInt16(address.value & 0xFFFF))
        case .ptr(let target):
            let lengthAt = out.count
            out += [0, 0]
            guard DNSName.encode(target, into: &out) else { return false }
            let length = out.count - lengthAt - 2
            out[lengthAt] = UInt8(length >> 8)
            out[lengthAt + 1] = UInt8(length & 0xFF)
        }
        return true
    }

    /// Root owner, type OPT, class = our payload size, TTL = extended rcode / version 0 / no
    /// DO bit, no options.
    private static func appendOPT(_ out: inout [UInt8], extendedRCode: UInt8) {
        out.append(0)
        appendWord(&out, DNSType.opt)
        appendWord(&out, advertisedPayloadSize)
        out += [extendedRCode, 0, 0, 0, 0, 0]
    }

    // MARK: Forwarding and framing

    /// The ID of a message at least a header long, else nil.
    public static func id(of bytes: [UInt8]) -> UInt16? {
        bytes.count >= headerSize ? word(bytes, 0) : nil
    }

    /// A response with the TC bit: the answer did not fit and must be asked again over TCP.
    public static func isTruncated(_ bytes: [UInt8]) -> Bool {
        bytes.count >= headerSize && bytes[2] & 0x80 != 0 && bytes[2] & 0x02 != 0
    }

    /// `bytes` with its ID replaced (unchanged when shorter than two bytes).
    public static func withID(_ bytes: [UInt8], _ id: UInt16) -> [UInt8] {
        guard bytes.count >= 2 else { return bytes }
        var copy = bytes
        copy[0] = UInt8(id >> 8)
        copy[1] = UInt8(id & 0xFF)
        return copy
    }

    /// The message behind a two-byte big-endian length, as DNS over TCP sends it. A message
    /// over 65535 bytes cannot be framed: the result is empty (nothing is sent).
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        guard message.count <= maxMessageSize else { return [] }
        var out = [UInt8]()
        out.reserveCapacity(message.count + 2)
        out.append(UInt8(message.count >> 8))
        out.append(UInt8(message.count & 0xFF))
        out += message
        return out
    }

    // MARK: Bytes

    @inline(__always)
    static func word(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    @inline(__always)
    static func appendWord(_ out: inout [UInt8], _ value: UInt16) {
        out.append(UInt8(value >> 8))
        out.append(UInt8(value & 0xFF))
    }
}
