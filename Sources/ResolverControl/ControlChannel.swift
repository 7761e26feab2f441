import FoundationEssentials
import Glibc
import CLinux

/// bridgectl <-> resolver over a Unix stream socket: one JSON-encoded `ResolverRequest` line in,
/// one `ResolverReply` line out, then close. Only root can reach it (the socket lives in root's
/// /run/bridgectl, mode 0600).
public enum ControlChannel {
    public struct Failure: Error, CustomStringConvertible {
        public let operation: String
        public let code: Int32
        public var description: String { "\(operation): \(String(cString: strerror(code)))" }
    }

    static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    // MARK: Server side

    public static func listen(at path: String) throws -> Int32 {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(operation: "control socket", code: errno) }
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, chmod(path, 0o600) == 0, Glibc.listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw Failure(operation: "bind \(path)", code: code)
        }
        return fd
    }

    /// Accepts one pending client and reads its request (clients write it at once). The request
    /// is nil when it could not be decoded: the client gets a `failed` reply.
    public static func acceptRequest(_ listener: Int32) -> (fd: Int32, request: ResolverRequest?)? {
        let fd = accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
        guard fd >= 0 else { return nil }
        // Bounded: the loop serving every container's DNS waits here for a slow client.
        var timeout = timeval(tv_sec: 0, tv_usec: 250_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while bytes.count < 4096 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
            if bytes.last == UInt8(ascii: "\n") { break }
        }
        return (fd, try? JSONDecoder().decode(ResolverRequest.self, from: Data(bytes)))
    }

    /// A client that went away before reading its reply (a killed bridgectl) costs nothing:
    /// MSG_NOSIGNAL turns the broken pipe into an ignored error instead of a fatal SIGPIPE.
    public static func reply(_ fd: Int32, _ reply: ResolverReply) {
        let bytes = encodedLine(reply)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(fd)
    }

    static func encodedLine<Message: Encodable>(_ message: Message) -> [UInt8] {
        ((try? JSONEncoder().encode(message)).map(Array.init) ?? []) + [UInt8(ascii: "\n")]
    }

    // MARK: Client side

    /// What came of a request, from the client's side.
    public enum Outcome: Equatable, Sendable {
        case reply(ResolverReply)
        /// Nothing listens on the socket: no resolver runs (or it is between two lives).
        case unreachable
        /// Connected, but no (readable) reply came in time: a resolver that is stopped, stalled
        /// or exiting.
        case noAnswer
    }

    public static func exchange(_ request: ResolverRequest, at path: String, timeoutSeconds: Int = 3) -> Outcome {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .unreachable }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = unixAddress(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return .unreachable }
        let bytes = encodedLine(request)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            return .noAnswer
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.count < 1 << 22 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            received += chunk[0..<count]
        }
        guard let reply = try? JSONDecoder().decode(ResolverReply.self, from: Data(received)) else { return .noAnswer }
        return .reply(reply)
    }
}
