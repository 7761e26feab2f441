import BridgeModel
import FuzzDriver
import Glibc

/// Dotted quads and CIDRs as `--subnet`, `--gateway`, `--ip` and `-p HOSTIP:` take them. A
/// parsed address prints back as the same text (the parse is strict), and a parsed network
/// survives a print-and-parse round trip and contains its own addresses.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIPv4(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let address = IPv4Address(text) {
        precondition(address.description == text, "\(text) parsed as \(address)")
    }
    if let network = try? IPv4Network(parsing: text) {
        precondition((try? IPv4Network(parsing: network.description)) == network, "\(text) does not round-trip")
        precondition(network.contains(network.address) && network.contains(network.broadcast))
        let hosts = network.hostRange
        precondition(network.contains(IPv4Address(hosts.lowerBound)) && network.contains(IPv4Address(hosts.upperBound)))
        precondition(network.size == UInt64(network.broadcast.value - network.address.value) + 1)
    }
    return 0
}

// SwiftPM makes this file's top-level code the program's main (libFuzzer's main is linked too,
// hence the @_cdecl name above, but never runs), so start libFuzzer's driver from here.
var argumentCount = CommandLine.argc
var arguments = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &arguments) { data, size in fuzzIPv4(data!, size) })
