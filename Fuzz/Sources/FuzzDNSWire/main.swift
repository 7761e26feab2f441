import BridgeModel
import DNS
import FuzzDriver
import Glibc

/// One UDP datagram (or TCP message) as a container may send it to the resolver. Parsing
/// either fails or yields a question the resolver can answer: the answer (with records whose
/// names come from the query) echoes the question, and that echoed question parses back to
/// the very same name, type and class, so the escaping of odd label bytes round-trips.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNSWire(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = DNSWire.id(of: bytes)
    _ = DNSWire.withID(bytes, 0x1234)
    _ = DNSWire.frame(bytes)
    if let reply = DNSWire.errorResponse(to: bytes, rcode: DNSRCode.formErr) {
        precondition(reply.count >= 12 && reply[0] == bytes[0] && reply[1] == bytes[1])
    }
    guard let query = try? DNSWire.parseQuery(bytes) else { return 0 }

    let name = query.question.name
    let records = [
        ResourceRecord(name: name, ttl: 600, data: .a(IPv4Address(0xAC12_0002))),
        ResourceRecord(name: name + ".x", ttl: 600, data: .ptr(name)),
    ]
    let maxSize = Int(max(query.ednsPayloadSize ?? 512, 512))
    let response = DNSWire.response(to: query, rcode: DNSRCode.noError, answers: records, maxSize: maxSize)
    precondition(response.count <= DNSWire.maxMessageSize)
    precondition(response.count <= maxSize || response[7] == 0, "answers beyond the size limit")

    // The same bytes as a query again: clear QR, drop every record count.
    var echoed = response
    echoed[2] &= 0x7F
    for index in 6..<12 { echoed[index] = 0 }
    let again = try? DNSWire.parseQuery(echoed)
    precondition(again?.question == query.question, "question \(query.question) came back as \(String(describing: again?.question))")
    return 0
}

// SwiftPM makes this file's top-level code the program's main (libFuzzer's main is linked too,
// hence the @_cdecl name above, but never runs), so start libFuzzer's driver from here.
var argumentCount = CommandLine.argc
var arguments = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &arguments) { data, size in fuzzDNSWire(data!, size) })
