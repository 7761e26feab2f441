@testable import DNS
import Testing

@Suite struct TCPFramingTests {
    @Test func messagesSplitAcrossAppends() {
        var reader = TCPFrameReader()
        let stream = DNSWire.frame([1, 2, 3]) + DNSWire.frame([4]) + DNSWire.frame(Array(repeating: 9, count: 300))
        var messages: [[UInt8]] = []
        // One byte at a time: every split point, including inside the length.
        for index in stream.indices {
            reader.append(stream[index...index])
            while let message = reader.nextMessage() { messages.append(message) }
        }
        #expect(messages == [[1, 2, 3], [4], Array(repeating: 9, count: 300)])
        #expect(reader.bufferedCount == 0)
        #expect(!reader.failed)
    }

    @Test func severalMessagesInOneAppend() {
        var reader = TCPFrameReader()
        reader.append((DNSWire.frame([1]) + DNSWire.frame([2, 2]) + [0x00])[...])
        #expect(reader.nextMessage() == [1])
        #expect(reader.nextMessage() == [2, 2])
        #expect(reader.nextMessage() == nil)  // half a length
        reader.append([0x01, 3])
        #expect(reader.nextMessage() == [3])
        #expect(reader.nextMessage() == nil)
    }

    @Test func zeroLengthFramesAreSkipped() {
        var reader = TCPFrameReader()
        reader.append([0, 0, 0, 0, 0, 1, 7, 0, 0])
        #expect(reader.nextMessage() == [7])
        #expect(reader.nextMessage() == nil)
        #expect(reader.skippedEmptyFrames == 3)
        #expect(reader.bufferedCount == 0)
        // A stream of nothing but empty frames yields nothing and holds nothing.
        reader.append([UInt8](repeating: 0, count: 10_000)[...])
        #expect(reader.nextMessage() == nil)
        #expect(reader.bufferedCount == 0)
    }

    @Test func largestFrameIn64KiBReads() throws {
        var reader = TCPFrameReader()
        var generator = SeededGenerator(seed: 7)
        let garbage = (0..<65535).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let stream = DNSWire.frame(garbage) + DNSWire.frame(garbage)
        var messages: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let end = min(offset + 65536, stream.count)
            reader.append(stream[offset..<end])
            while let message = reader.nextMessage() { messages.append(message) }
            offset = end
        }
        #expect(messages.count == 2 && messages.allSatisfy { $0 == garbage })
        #expect(!reader.failed)
        // Whatever it holds, parsing it is safe.
        _ = try? DNSWire.parseQuery(messages[0])
        _ = DNSWire.errorResponse(to: messages[0], rcode: DNSRCode.formErr)
    }

    @Test func oversizeBufferingFails() {
        var reader = TCPFrameReader()
        // A client that sends and sends without the server draining: over the cap, the reader
        // gives up (the server closes the connection) instead of growing.
        let chunk = [UInt8](repeating: 0xFF, count: 65536)
        reader.append(chunk[...])
        reader.append(chunk[...])
        #expect(!reader.failed)  // 131072 <= 131074
        reader.append(chunk[...])
        #expect(reader.failed)
        #expect(reader.bufferedCount == 0)
        #expect(reader.nextMessage() == nil)
        reader.append(DNSWire.frame([1])[...])
        #expect(reader.nextMessage() == nil)
    }

    @Test func limitNeverBelowOneFrame() {
        let reader = TCPFrameReader(limit: 10)
        #expect(reader.limit == 65537)
    }
}
