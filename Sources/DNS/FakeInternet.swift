import BridgeModel

/// The name server of `bridgectl sandbox --uplink`'s fake internet: a handful of names, all
/// pointing at the fake internet's own address, so labs can resolve "outside" names through
/// bridgectl's resolver without the real internet. Pure: the sandbox's responder only moves bytes.
public enum FakeInternet {
    /// TEST-NET-3 (RFC 5737), never routed on the real internet.
    public static let address = IPv4Address(0xCB00_7101)  // 203.0.113.1
    public static let sandboxAddress = IPv4Address(0xCB00_7102)  // 203.0.113.2
    public static let prefixLength = 24
    /// Names under .test (RFC 6761) cannot clash with a real one.
    public static let names: Set<String> = ["example.test", "internet.test", "www.example.test"]
    public static let ttl: UInt32 = 60

    /// The response to one UDP datagram: A for the known names, an empty NOERROR for their other
    /// types, NXDOMAIN for everything else, FORMERR/NOTIMP for what does not parse. nil when
    /// nothing must be sent (no header, or a response: answering those could loop).
    public static func answer(_ datagram: [UInt8]) -> [UInt8]? {
        let query: DNSQuery
        do {
            query = try DNSWire.parseQuery(datagram)
        } catch {
            return DNSWire.errorResponse(to: datagram, rcode: error.rcode)
        }
        let maxSize = Int(max(512, query.ednsPayloadSize ?? 512))
        let name = query.question.name.lowercased()
        let bare = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard names.contains(bare) else {
            return DNSWire.response(to: query, rcode: DNSRCode.nxDomain, answers: [], maxSize: maxSize)
        }
        let wantsA = query.question.type == DNSType.a || query.question.type == DNSType.any
        let answers = wantsA ? [ResourceRecord(name: query.question.name, ttl: ttl, data: .a(address))] : []
        return DNSWire.response(to: query, rcode: DNSRCode.noError, answers: answers, maxSize: maxSize)
    }
}
