/// Splits a DNS-over-TCP byte stream into messages (two-byte big-endian length, then the
/// message). Zero-length frames are skipped. Buffered data is capped at `limit` bytes: a
/// reader asked to hold more sets `failed`, drops everything and yields nothing more; the
/// server should then close the connection.
///
/// The default limit holds one largest frame (65537 bytes) plus one 64 KiB read, so a server
/// that drains `nextMessage()` after every `append` never fails a well-behaved client.
public struct TCPFrameReader: Sendable {
    public static let defaultLimit = 2 * (DNSWire.maxMessageSize + 2)

    public let limit: Int
    public private(set) var failed = false
    /// Zero-length frames seen and skipped (a sign of a confused or hostile client).
    public private(set) var skippedEmptyFrames = 0
    private var buffer: [UInt8] = []
    private var start = 0

    public init(limit: Int = TCPFrameReader.defaultLimit) {
        self.limit = max(limit, DNSWire.maxMessageSize + 2)
    }

    /// Bytes received and not yet returned as messages.
    public var bufferedCount: Int { buffer.count - start }

    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        guard !failed, !bytes.isEmpty else { return }
        guard bufferedCount + bytes.count <= limit else {
            failed = true
            buffer = []
            start = 0
            return
        }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) { append(bytes[...]) }

    /// The next complete message, or nil until more bytes arrive.
    public mutating func nextMessage() -> [UInt8]? {
        while !failed, bufferedCount >= 2 {
            let length = Int(buffer[start]) << 8 | Int(buffer[start + 1])
            if length == 0 {
                start += 2
                skippedEmptyFrames += 1
                continue
            }
            guard bufferedCount >= 2 + length else { break }
            let message = Array(buffer[(start + 2)..<(start + 2 + length)])
            start += 2 + length
            if start == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            return message
        }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return nil
    }
}
