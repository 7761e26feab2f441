import BridgeModel
import DNS
import FuzzDriver
import Glibc

/// A container "web" (alias "www") on user network "front" 172.18.0.0/24, asking: enough for
/// names, NAME.NETWORK suffixes and reverse names to reach every branch of the lookup.
enum World {
    static let front = NetworkRecord(
        id: ObjectID(String(repeating: "f", count: 64))!, name: "front", kind: .user, created: "t",
        bridgeName: "br-ffffffffffff", subnet: try! IPv4Network(parsing: "172.18.0.0/24"),
        gateway: IPv4Address("172.18.0.1")!)
    static let web = ContainerRecord(
        id: ObjectID(String(repeating: "a", count: 64))!, name: "web", created: "t", hostname: "web", mode: .bridged,
        endpoints: [Endpoint(networkID: front.id, endpointID: ObjectID(String(repeating: "e", count: 64))!,
                             interfaceName: "eth0", hostInterfaceName: "veth0", address: IPv4Address("172.18.0.2")!,
                             prefixLength: 24, gateway: front.gateway!, mac: MACAddress(derivedFrom: IPv4Address("172.18.0.2")!),
                             aliases: ["www"], staticAddress: false)])
    static let table = NameTable(networks: [front], containers: [web])
}

/// One UDP datagram (or TCP message) as a container may send it to the resolver. Parsing
/// either fails or yields a question the resolver can answer: the answer (with records whose
/// names come from the query) echoes the question, and that echoed question parses back to
/// the very same name, type and class, so the escaping of odd label bytes round-trips. The
/// question also goes through the name table, as the resolver looks it up.
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

    _ = World.table.lookup(query.question, from: World.web.id, rotation: size)
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
