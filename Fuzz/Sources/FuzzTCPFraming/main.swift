import DNS
import FuzzDriver
import Glibc

/// A DNS-over-TCP byte stream as a client may send it, delivered in chunks whose sizes come
/// from the input's first byte. The messages must be the same however the stream is cut, and
/// the same as a plain reading of the frames.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTCPFraming(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let chunk = Int(data[0]) + 1
    let stream = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

    var whole = TCPFrameReader()
    whole.append(stream)
    var expected: [[UInt8]] = []
    while let message = whole.nextMessage() { expected.append(message) }

    var pieces = TCPFrameReader()
    var received: [[UInt8]] = []
    var offset = 0
    while offset < stream.count {
        let end = min(offset + chunk, stream.count)
        pieces.append(stream[offset..<end])
        while let message = pieces.nextMessage() { received.append(message) }
        precondition(pieces.bufferedCount <= pieces.limit)
        offset = end
    }
    precondition(received == expected, "chunks of \(chunk) bytes read differently")
    precondition(pieces.bufferedCount == whole.bufferedCount)

    var reference: [[UInt8]] = []
    var position = 0
    while position + 2 <= stream.count {
        let length = Int(stream[position]) << 8 | Int(stream[position + 1])
        guard position + 2 + length <= stream.count else { break }
        if length > 0 { reference.append(Array(stream[(position + 2)..<(position + 2 + length)])) }
        position += 2 + length
    }
    precondition(expected == reference, "frames differ from a plain reading")
    precondition(whole.bufferedCount == stream.count - position)
    return 0
}

// SwiftPM makes this file's top-level code the program's main (libFuzzer's main is linked too,
// hence the @_cdecl name above, but never runs), so start libFuzzer's driver from here.
var argumentCount = CommandLine.argc
var arguments = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &arguments) { data, size in fuzzTCPFraming(data!, size) })
