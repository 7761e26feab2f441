import BridgeModel
@testable import DNS
import Testing

/// Byte-exact queries and responses, one field per line.
@Suite struct WireGoldenTests {
    /// `dig serveur` as BIND 9.18 sends it: RD and AD set, EDNS0 with a 1232-byte payload and a
    /// client COOKIE option.
    static let digQuery: [UInt8] = [
        0x3C, 0x5A,                                     // ID
        0x01, 0x20,                                     // flags: QR=0 opcode=0 RD=1, AD=1
        0x00, 0x01,                                     // QDCOUNT 1
        0x00, 0x00,                                     // ANCOUNT 0
        0x00, 0x00,                                     // NSCOUNT 0
        0x00, 0x01,                                     // ARCOUNT 1 (the OPT record)
        0x07, 0x73, 0x65, 0x72, 0x76, 0x65, 0x75, 0x72, // QNAME label 7 "serveur"
        0x00,                                           // QNAME root
        0x00, 0x01,                                     // QTYPE A
        0x00, 0x01,                                     // QCLASS IN
        0x00,                                           // OPT owner: root
        0x00, 0x29,                                     // TYPE 41 (OPT)
        0x04, 0xD0,                                     // CLASS = UDP payload size 1232
        0x00,                                           // extended RCODE
        0x00,                                           // EDNS version 0
        0x00, 0x00,                                     // DO=0, Z
        0x00, 0x0C,                                     // RDLENGTH 12
        0x00, 0x0A,                                     // option COOKIE
        0x00, 0x08,                                     // option length 8
        0x5F, 0x1C, 0x4B, 0xA0, 0x93, 0x2E, 0x71, 0x06, // client cookie
    ]

    /// The answer to `digQuery` with serveur = 172.18.0.2.
    static let digResponse: [UInt8] = [
        0x3C, 0x5A,                                     // ID echoed
        0x85, 0x80,                                     // flags: QR=1 AA=1 RD=1 (copied) RA=1, AD=0, RCODE 0
        0x00, 0x01,                                     // QDCOUNT 1
        0x00, 0x01,                                     // ANCOUNT 1
        0x00, 0x00,                                     // NSCOUNT 0
        0x00, 0x01,                                     // ARCOUNT 1 (our OPT)
        0x07, 0x73, 0x65, 0x72, 0x76, 0x65, 0x75, 0x72, // QNAME "serveur"
        0x00,                                           // QNAME root
        0x00, 0x01,                                     // QTYPE A
        0x00, 0x01,                                     // QCLASS IN
        0xC0, 0x0C,                                     // NAME: pointer to offset 12 (the question's name)
        0x00, 0x01,                                     // TYPE A
        0x00, 0x01,                                     // CLASS IN
        0x00, 0x00, 0x02, 0x58,                         // TTL 600
        0x00, 0x04,                                     // RDLENGTH 4
        0xAC, 0x12, 0x00, 0x02,                         // 172.18.0.2
        0x00,                                           // OPT owner: root
        0x00, 0x29,                                     // TYPE OPT
        0x04, 0xD0,                                     // our payload size 1232
        0x00, 0x00, 0x00, 0x00,                         // extended RCODE 0, version 0, no DO
        0x00, 0x00,                                     // RDLENGTH 0 (no COOKIE echoed)
    ]

    /// What glibc's resolver sends for `getent hosts serveur`: RD only, no EDNS.
    static let glibcQuery: [UInt8] = [
        0xBE, 0xEF,                                     // ID
        0x01, 0x00,                                     // flags: RD
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // QD 1, AN 0, NS 0, AR 0
        0x07, 0x73, 0x65, 0x72, 0x76, 0x65, 0x75, 0x72, 0x00, // "serveur"
        0x00, 0x01,                                     // QTYPE A
        0x00, 0x01,                                     // QCLASS IN
    ]

    @Test func parsesDigQuery() throws {
        let query = try DNSWire.parseQuery(Self.digQuery)
        #expect(query == DNSQuery(id: 0x3C5A, flags: 0x0120,
                                  question: DNSQuestion(name: "serveur", type: DNSType.a, qclass: DNSClass.internet),
                                  ednsPayloadSize: 1232))
        #expect(query.recursionDesired)
        #expect(query.authenticData)
        #expect(!query.checkingDisabled)
        #expect(query.opcode == 0)
    }

    @Test func answersDigQueryByteForByte() throws {
        let query = try DNSWire.parseQuery(Self.digQuery)
        let answer = ResourceRecord(name: "serveur", ttl: 600, data: .a(ip("172.18.0.2")))
        let bytes = DNSWire.response(to: query, rcode: DNSRCode.noError, answers: [answer], maxSize: 1232)
        #expect(bytes == Self.digResponse)
    }

    @Test func glibcQueryWithoutEDNSGetsNoOPT() throws {
        let query = try DNSWire.parseQuery(Self.glibcQuery)
        #expect(query.ednsPayloadSize == nil)
        #expect(query.question == DNSQuestion(name: "serveur", type: DNSType.a))
        let bytes = DNSWire.response(to: query, rcode: DNSRCode.noError,
                                     answers: [ResourceRecord(name: "serveur", ttl: 600, data: .a(ip("172.18.0.2")))],
                                     maxSize: 512)
        #expect(bytes == [
            0xBE, 0xEF,                                 // ID
            0x85, 0x80,                                 // QR AA RD RA
            0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // QD 1, AN 1, NS 0, AR 0
            0x07, 0x73, 0x65, 0x72, 0x76, 0x65, 0x75, 0x72, 0x00, 0x00, 0x01, 0x00, 0x01, // question
            0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x58, 0x00, 0x04, 0xAC, 0x12, 0x00, 0x02,
        ])
    }

    @Test func nxdomainAndNoDataAreHeaderAndQuestion() throws {
        let query = try DNSWire.parseQuery(Self.glibcQuery)
        let nx = DNSWire.response(to: query, rcode: DNSRCode.nxDomain, answers: [], maxSize: 512)
        #expect(nx == [0xBE, 0xEF, 0x85, 0x83, 0, 1, 0, 0, 0, 0, 0, 0] + Array(Self.glibcQuery[12...]))
        let empty = DNSWire.response(to: query, rcode: DNSRCode.noError, answers: [], maxSize: 512)
        #expect(empty == [0xBE, 0xEF, 0x85, 0x80, 0, 1, 0, 0, 0, 0, 0, 0] + Array(Self.glibcQuery[12...]))
    }

    @Test func questionCaseIsPreservedAndPointerStillUsed() throws {
        var bytes = Self.glibcQuery
        bytes[13] = UInt8(ascii: "S")  // "Serveur"
        let query = try DNSWire.parseQuery(bytes)
        #expect(query.question.name == "Serveur")
        // Records named in another case still point at the question.
        let reply = DNSWire.response(to: query, rcode: 0,
                                     answers: [ResourceRecord(name: "SERVEUR", ttl: 600, data: .a(ip("10.0.0.1")))],
                                     maxSize: 512)
        #expect(Array(reply[12..<21]) == Array(bytes[12..<21]))  // the question exactly as asked
        #expect(reply[25] == 0xC0 && reply[26] == 0x0C)
    }

    @Test func ptrResponseSpellsTheTarget() throws {
        let query: [UInt8] = [
            0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header: RD, QD 1
            0x01, 0x32, 0x01, 0x30, 0x02, 0x31, 0x38, 0x03, 0x31, 0x37, 0x32,       // "2" "0" "18" "172"
            0x07, 0x69, 0x6E, 0x2D, 0x61, 0x64, 0x64, 0x72,                         // "in-addr"
            0x04, 0x61, 0x72, 0x70, 0x61, 0x00,                                     // "arpa" root
            0x00, 0x0C, 0x00, 0x01,                                                 // PTR IN
        ]
        let parsed = try DNSWire.parseQuery(query)
        #expect(parsed.question == DNSQuestion(name: "2.0.18.172.in-addr.arpa", type: DNSType.ptr))
        let reply = DNSWire.response(to: parsed, rcode: 0,
                                     answers: [ResourceRecord(name: parsed.question.name, ttl: 600, data: .ptr("web.front"))],
                                     maxSize: 512)
        #expect(Array(reply[(12 + 29)...]) == [
            0xC0, 0x0C,                                 // NAME: the question
            0x00, 0x0C, 0x00, 0x01,                     // PTR IN
            0x00, 0x00, 0x02, 0x58,                     // TTL 600
            0x00, 0x0B,                                 // RDLENGTH 11
            0x03, 0x77, 0x65, 0x62,                     // "web"
            0x05, 0x66, 0x72, 0x6F, 0x6E, 0x74, 0x00,   // "front" root
        ])
        let decoded = try DecodedResponse(reply)
        #expect(decoded.answers.map(\.target) == ["web.front"])
    }

    @Test func answersNamedOtherwiseAreSpelledOut() throws {
        let query = try DNSWire.parseQuery(Self.glibcQuery)
        let reply = DNSWire.response(to: query, rcode: 0, answers: [
            ResourceRecord(name: "serveur", ttl: 600, data: .a(ip("10.0.0.1"))),
            ResourceRecord(name: "other.example", ttl: 30, data: .a(ip("10.0.0.2"))),
        ], maxSize: 512)
        let decoded = try DecodedResponse(reply)
        #expect(decoded.answers.map(\.name) == ["serveur", "other.example"])
        #expect(decoded.answers.map(\.ttl) == [600, 30])
        #expect(decoded.answers[1].data == [10, 0, 0, 2])
        // 12 header + 13 question + 16 pointer record + (15 name + 14) spelled record
        #expect(reply.count == 12 + 13 + 16 + 15 + 14)
    }

    @Test func rdAndCdAreCopied() throws {
        var bytes = Self.glibcQuery
        bytes[2] = 0x00; bytes[3] = 0x10  // RD=0, CD=1
        let reply = DNSWire.response(to: try DNSWire.parseQuery(bytes), rcode: 0, answers: [], maxSize: 512)
        #expect(reply[2] == 0x84 && reply[3] == 0x90)  // QR AA, RA CD
    }

    @Test func tooManyAnswersDropAllAndSetTC() throws {
        let query = try DNSWire.parseQuery(Self.glibcQuery)
        let records = (1...40).map { ResourceRecord(name: "serveur", ttl: 600, data: .a(IPv4Address(0x0A00_0000 + $0))) }
        // 12 + 13 + 40 * 16 = 665 bytes: too big for 512.
        let small = DNSWire.response(to: query, rcode: 0, answers: records, maxSize: 512)
        #expect(small == [0xBE, 0xEF, 0x87, 0x80, 0, 1, 0, 0, 0, 0, 0, 0] + Array(Self.glibcQuery[12...]))
        let decoded = try DecodedResponse(small)
        #expect(decoded.truncated && decoded.answers.isEmpty)
        // Exactly at the limit fits; TCP-sized limits fit everything.
        #expect(try DecodedResponse(DNSWire.response(to: query, rcode: 0, answers: records, maxSize: 665)).answers.count == 40)
        #expect(try DecodedResponse(DNSWire.response(to: query, rcode: 0, answers: records, maxSize: 664)).truncated)
        #expect(try DecodedResponse(DNSWire.response(to: query, rcode: 0, answers: records, maxSize: 65535)).answers.count == 40)
    }

    @Test func theOPTRecordCountsTowardsTheLimit() throws {
        let query = try DNSWire.parseQuery(Self.digQuery)
        let records = (1...30).map { ResourceRecord(name: "serveur", ttl: 600, data: .a(IPv4Address(0x0A00_0000 + $0))) }
        let size = 12 + 13 + 30 * 16 + 11  // 516
        let fits = try DecodedResponse(DNSWire.response(to: query, rcode: 0, answers: records, maxSize: size))
        #expect(fits.answers.count == 30 && !fits.truncated && fits.additionals.count == 1)
        let cut = try DecodedResponse(DNSWire.response(to: query, rcode: 0, answers: records, maxSize: size - 1))
        #expect(cut.truncated && cut.answers.isEmpty)
        #expect(cut.additionals.map(\.type) == [DNSType.opt])  // OPT kept when truncated
        #expect(cut.additionals.first?.rclass == 1232)
    }

    @Test func unencodableRecordsAreSkipped() throws {
        let query = try DNSWire.parseQuery(Self.glibcQuery)
        let long = String(repeating: "x", count: 64)
        let reply = try DecodedResponse(DNSWire.response(to: query, rcode: 0, answers: [
            ResourceRecord(name: long, ttl: 1, data: .a(ip("10.0.0.1"))),
            ResourceRecord(name: "a..b", ttl: 1, data: .a(ip("10.0.0.2"))),
            ResourceRecord(name: "serveur", ttl: 1, data: .ptr(long)),
            ResourceRecord(name: "serveur", ttl: 1, data: .a(ip("10.0.0.3"))),
        ], maxSize: 512))
        #expect(reply.answers.map(\.data) == [[10, 0, 0, 3]])
    }

    @Test func namesRoundTripThroughEscapes() throws {
        // A label holding a dot, a backslash, a space and a high byte.
        var bytes: [UInt8] = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                              0x05, 0x61, 0x2E, 0x5C, 0x20, 0xFF, 0x03, 0x63, 0x6F, 0x6D, 0x00, 0x00, 0x01, 0x00, 0x01]
        let query = try DNSWire.parseQuery(bytes)
        #expect(query.question.name == #"a\.\\\032\255.com"#)
        let reply = DNSWire.response(to: query, rcode: DNSRCode.nxDomain, answers: [], maxSize: 512)
        #expect(Array(reply[12...]) == Array(bytes[12...]))
        bytes[13] = 0x41
        #expect(try DNSWire.parseQuery(bytes).question.name == #"A\.\\\032\255.com"#)
    }

    @Test func encodesPresentationNames() {
        #expect(wireName("") == [0])
        #expect(wireName(".") == [0])
        #expect(wireName("a.bc.") == [1, 0x61, 2, 0x62, 0x63, 0])
        #expect(wireName(#"a\.b"#) == [3, 0x61, 0x2E, 0x62, 0])
        var out: [UInt8] = [9]
        for bad in ["a..b", ".a", #"a\"#, #"a\25"#, #"\256"#, String(repeating: "x", count: 64),
                    Array(repeating: String(repeating: "x", count: 63), count: 4).joined(separator: ".")] {
            #expect(!DNSName.encode(bad, into: &out), "\(bad)")
            #expect(out == [9])
        }
        // 255 bytes exactly: 63+1 three times, 61+1, final zero.
        let longest = Array(repeating: String(repeating: "x", count: 63), count: 3).joined(separator: ".")
            + "." + String(repeating: "y", count: 61)
        #expect(DNSName.encode(longest, into: &out))
        #expect(out.count == 1 + 255)
    }

    @Test func errorResponseEchoesIDOpcodeAndQuestion() throws {
        // STATUS (opcode 2), RD set, one question: NOTIMP with the question.
        var bytes = Self.glibcQuery
        bytes[2] = 0x11  // opcode 2, RD
        #expect(throws: DNSParseError.notImplemented(opcode: 2)) { try DNSWire.parseQuery(bytes) }
        let error = DNSParseError.notImplemented(opcode: 2)
        let reply = try #require(DNSWire.errorResponse(to: bytes, rcode: error.rcode))
        #expect(reply == [0xBE, 0xEF,
                          0x91, 0x84,                   // QR, opcode 2, RD; RA, RCODE 4
                          0, 1, 0, 0, 0, 0, 0, 0] + Array(Self.glibcQuery[12...]))
    }

    @Test func errorResponseForAParsableQueryKeepsEDNSButNotAA() throws {
        let reply = try #require(DNSWire.errorResponse(to: Self.digQuery, rcode: DNSRCode.servFail))
        let decoded = try DecodedResponse(reply)
        #expect(decoded.id == 0x3C5A)
        #expect(decoded.flags == 0x8182)  // QR RD RA SERVFAIL
        #expect(decoded.question == DNSQuestion(name: "serveur", type: 1))
        #expect(decoded.additionals.map(\.type) == [DNSType.opt])
    }

    @Test func errorResponseWithoutAQuestion() throws {
        let header: [UInt8] = [0xAB, 0xCD, 0x01, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0]
        #expect(DNSWire.errorResponse(to: header, rcode: DNSRCode.formErr)
                == [0xAB, 0xCD, 0x81, 0x81, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(DNSWire.errorResponse(to: Array(header.prefix(11)), rcode: 1) == nil)
        #expect(DNSWire.errorResponse(to: [0xAB, 0xCD, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0], rcode: 1) == nil)
    }

    @Test func forwardingHelpers() {
        #expect(DNSWire.id(of: Self.digQuery) == 0x3C5A)
        #expect(DNSWire.id(of: [0x12, 0x34]) == nil)
        let swapped = DNSWire.withID(Self.digQuery, 0x0102)
        #expect(swapped[0] == 1 && swapped[1] == 2 && swapped[2...] == Self.digQuery[2...])
        #expect(DNSWire.withID([7], 0xFFFF) == [7])
        #expect(DNSWire.withID([], 0xFFFF) == [])
    }

    @Test func framing() {
        #expect(DNSWire.frame([1, 2, 3]) == [0, 3, 1, 2, 3])
        #expect(DNSWire.frame([]) == [0, 0])
        let big = [UInt8](repeating: 7, count: 65535)
        #expect(DNSWire.frame(big).prefix(2) == [0xFF, 0xFF])
        #expect(DNSWire.frame(big + [7]) == [])
    }
}

@Suite struct TruncationTests {
    @Test func aResponseWithTheTCBitIsTruncated() {
        // ID, flags 0x8380 (response, TC, RD, RA), counts.
        let truncated: [UInt8] = [0x12, 0x34, 0x83, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]
        #expect(DNSWire.isTruncated(truncated))
    }

    @Test func whatIsNotATruncatedResponse() {
        #expect(!DNSWire.isTruncated([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]))  // whole
        #expect(!DNSWire.isTruncated([0x12, 0x34, 0x03, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]))  // a query with TC
        #expect(!DNSWire.isTruncated([0x12, 0x34, 0x83]))  // shorter than a header
    }
}
