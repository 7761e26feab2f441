import BridgeModel
import FuzzDriver
import Glibc

/// `-p/--publish` arguments. Whatever parses must be a usable binding: ports 1-65535 and a
/// host range that either matches the container range in length or is a pool for one port.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPublishSpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let spec = try? PublishSpec(parsing: text) else { return 0 }
    precondition(spec.containerPorts.lowerBound > 0, "\(text): container port 0")
    if let hostPorts = spec.hostPorts {
        precondition(hostPorts.lowerBound > 0, "\(text): host port 0")
        precondition(hostPorts.count == spec.containerPorts.count || spec.containerPorts.count == 1,
                     "\(text): ranges of different lengths")
    }
    return 0
}

// SwiftPM makes this file's top-level code the program's main (libFuzzer's main is linked too,
// hence the @_cdecl name above, but never runs), so start libFuzzer's driver from here.
var argumentCount = CommandLine.argc
var arguments = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &arguments) { data, size in fuzzPublishSpec(data!, size) })
