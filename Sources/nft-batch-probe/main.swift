// Sends NftPlanner's ops through the in-process netlink batch, for
// tests/integration/test_nft_batch.sh and for measuring; run only in a throwaway host.
//
//   nft-batch-probe skeleton                  NftPlanner.setup(): table, chains, sets, fixed rules
//   nft-batch-probe network NAME BRIDGE SUBNET [icc-off] [internal] [no-masquerade]
//                                             a network's chains, rules and elements
//   nft-batch-probe remove-network NAME BRIDGE SUBNET [the same words]
//   nft-batch-probe publish|unpublish CONTAINER ADDRESS HOSTIP HOSTPORTS CONTAINERPORTS tcp|udp
//   nft-batch-probe fill N                    N containers each publishing one port, one batch
//   nft-batch-probe time N                    median µs of publishing then unpublishing one port
//                                             (one batch each) next to N published ports
//   nft-batch-probe time-set interval|hash N  the same for one element of a probe set
//                                             ipv4_addr . inet_proto . inet_service (table must exist)
//   nft-batch-probe teardown                  delete the table
//   nft-batch-probe read                      the table as NftTableReader reads it
//   nft-batch-probe expected 'STEP ARGS' ...  the table NftObservation.expected(from:) folds from
//                                             the ops of these steps (each one argument, e.g.
//                                             'network web br-web 172.18.0.0/16')
//   nft-batch-probe differences 'STEP ARGS' ...  how the table read differs from that, a line each
//   nft-batch-probe rule-count CHAIN          NftTableReader.ruleCount(chain:)
//   nft-batch-probe forward-policy-drop       NftTableReader.iptablesForwardPolicyIsDrop()
//   nft-batch-probe time-read                 median µs of reading the table
//   nft-batch-probe --print COMMAND ARGS...   print the ops as `nft -f` text instead of sending
//
import BridgeModel
import Nftables
import Planning
#if canImport(Glibc)
import Glibc
#endif

func printError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    printError("Error: \(message)\n")
    exit(1)
}

/// The record the planner needs from a network.
func network(_ arguments: [String]) -> NetworkRecord {
    guard arguments.count >= 3, let subnet = try? IPv4Network(parsing: arguments[2]) else {
        fail("network NAME BRIDGE SUBNET [icc-off] [internal] [no-masquerade]")
    }
    let words = Set(arguments.dropFirst(3))
    guard words.isSubset(of: ["icc-off", "internal", "no-masquerade"]) else { fail("unknown network options \(words)") }
    var record = NetworkRecord(id: ObjectID(String(repeating: "a", count: 64))!, name: arguments[0], kind: .user, created: "probe",
                               bridgeName: arguments[1], subnet: subnet,
                               gateway: IPv4Address(subnet.address.value + 1), isInternal: words.contains("internal"))
    record.options.enableICC = !words.contains("icc-off")
    record.options.enableIPMasquerade = !words.contains("no-masquerade")
    return record
}

func ports(_ text: String) -> ClosedRange<UInt16> {
    let parts = text.split(separator: "-").compactMap { UInt16($0) }
    guard parts.count == 1 || parts.count == 2 else { fail("bad ports \(text)") }
    return parts[0]...(parts.last!)
}

func publishOps(_ arguments: [String]) -> [NftOp] {
    guard arguments.count == 6, let address = IPv4Address(arguments[1]), let hostIP = IPv4Address(arguments[2]),
          let transport = TransportProtocol(rawValue: arguments[5]) else { fail("publish CONTAINER ADDRESS HOSTIP HOSTPORTS CONTAINERPORTS tcp|udp") }
    let binding = PortBinding(hostIP: hostIP, hostPorts: ports(arguments[3]), containerPorts: ports(arguments[4]), transport: transport)
    return NftPlanner.publishOps(container: arguments[0], address: address, bindings: [binding])
}

/// Container i's one published port: address 172.18.x.y, host port 10000 + i.
func filler(_ index: Int) -> [NftOp] {
    let address = IPv4Address(UInt32(0xac12_0000) + UInt32(index) + 2)
    let binding = PortBinding(hostIP: .any, hostPort: UInt16(10000 + index), containerPort: 80, transport: .tcp)
    return NftPlanner.publishOps(container: "c\(index)", address: address, bindings: [binding])
}

func microseconds(_ body: () throws -> Void) rethrows -> Double {
    var start = timespec(), end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    try body()
    clock_gettime(CLOCK_MONOTONIC, &end)
    return Double(end.tv_sec - start.tv_sec) * 1e6 + Double(end.tv_nsec - start.tv_nsec) / 1e3
}

var arguments = Array(CommandLine.arguments.dropFirst())
let printOnly = arguments.first == "--print"
if printOnly { arguments.removeFirst() }
guard let command = arguments.first else {
    fail("usage: nft-batch-probe skeleton|network|remove-network|publish|unpublish|fill|time|teardown|read|expected|differences ...")
}
let rest = Array(arguments.dropFirst())
/// Sends the ops, or with --print shows them.
struct Sender {
    let socket: NftSocket?
    func apply(_ ops: [NftOp]) throws {
        if let socket { try socket.apply(ops) } else { print(NftBatch(ops).script, terminator: "") }
    }
}

/// The ops of a step that only sends ops, nil for any other command.
func stepOps(_ command: String, _ rest: [String]) -> [NftOp]? {
    switch command {
    case "skeleton": return NftPlanner.setup()
    case "network": return NftPlanner.networkOps(network(rest))
    case "remove-network": return NftPlanner.networkRemoval(network(rest))
    case "publish": return publishOps(rest)
    case "unpublish": return NftBatch(publishOps(rest)).inverse.ops
    case "fill":
        guard let count = rest.first.flatMap(Int.init), count >= 0, count < 50000 else { fail("fill N (N < 50000)") }
        return (0..<count).flatMap(filler)
    case "teardown": return NftPlanner.teardown(userChainHasRules: false)
    default: return nil
    }
}

/// The ops of steps given as one argument each.
func ops(ofSteps steps: [String]) -> [NftOp] {
    steps.flatMap { step -> [NftOp] in
        let words = step.split(separator: " ").map(String.init)
        guard let first = words.first, let ops = stepOps(first, Array(words.dropFirst())) else { fail("not a step: '\(step)'") }
        return ops
    }
}

do {
    if let ops = stepOps(command, rest) {
        try Sender(socket: printOnly ? nil : try NftSocket()).apply(ops)
        exit(0)
    }
    switch command {
    case "read":
        print(try NftTableReader().read().lines.joined(separator: "\n"))
        exit(0)
    case "expected":
        print(NftObservation.expected(from: ops(ofSteps: rest)).lines.joined(separator: "\n"))
        exit(0)
    case "differences":
        let expected = NftObservation.expected(from: ops(ofSteps: rest))
        for difference in try NftTableReader().read().differences(from: expected) { print(difference) }
        exit(0)
    case "rule-count":
        guard rest.count == 1 else { fail("rule-count CHAIN") }
        print(try NftTableReader().ruleCount(chain: rest[0]))
        exit(0)
    case "forward-policy-drop":
        print(try NftTableReader().iptablesForwardPolicyIsDrop())
        exit(0)
    case "time-read":
        let reader = try NftTableReader()
        var elements = 0
        var samples: [Double] = []
        for _ in 0..<20 {
            samples.append(try microseconds { elements = try reader.read().elements.values.reduce(0) { $0 + $1.count } })
        }
        samples.sort()
        print("read of table \(NftTable.qualified) with \(elements) elements, median of \(samples.count): \(Int(samples[samples.count / 2])) µs")
        exit(0)
    default:
        break
    }
    let socket = Sender(socket: printOnly ? nil : try NftSocket())
    switch command {
    case "time":
        guard !printOnly else { fail("time sends batches: no --print") }
        guard let count = rest.first.flatMap(Int.init), count >= 0, count < 50000 else { fail("time N (N < 50000)") }
        let probe = filler(count)
        var samples: [Double] = []
        for _ in 0..<200 {
            samples.append(try microseconds { try socket.socket!.apply(probe) })
            samples.append(try microseconds { try socket.socket!.apply(NftBatch(probe).inverse.ops) })
        }
        samples.sort()
        print("in-process publish+unpublish batch, median of \(samples.count): \(Int(samples[samples.count / 2])) µs")
    case "time-set":
        // Which set type makes an element change cost O(N): the kernel's pipapo (concatenated
        // intervals) versus a hash.
        guard rest.count == 2, let count = Int(rest[1]), count >= 0, count < 50000 else { fail("time-set interval|hash N") }
        let interval = rest[0] == "interval"
        let name = "probe-\(rest[0])"
        let set = NftSet(name, key: [.ipv4Address, .transportProtocol, .port], interval: interval)
        func element(_ index: Int) -> NftOp {
            .addElement(set: name, NftElement(.addressProtocolPorts(IPv4Address(UInt32(0xac12_0000) + UInt32(index) + 2), .tcp, 80...80),
                                              comment: "probe"))
        }
        try socket.apply([.addSet(set)] + (0..<count).map(element))
        let probe = [element(count)]
        var samples: [Double] = []
        for _ in 0..<200 {
            samples.append(try microseconds { try socket.socket!.apply(probe) })
            samples.append(try microseconds { try socket.socket!.apply(NftBatch(probe).inverse.ops) })
        }
        samples.sort()
        print("\(rest[0]) set with \(count) elements: one element add or delete, median of \(samples.count): \(Int(samples[samples.count / 2])) µs")
    default:
        fail("unknown command \(command)")
    }
} catch {
    fail("\(error)")
}
