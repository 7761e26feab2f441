import Glibc
import CLinux
import BridgeModel

/// The one packet `bridgectl trace` sends: a TCP connect, a UDP datagram or an ICMP echo
/// request, from a socket opened inside the source's namespace (on a fresh thread that enters
/// it and exits; the socket stays in that namespace) and then used from the calling thread,
/// which never leaves the host's namespace.
public final class ProbeSocket {
    public enum Kind: Sendable { case tcp, udp, icmp }

    /// What came back, as the source saw it.
    public enum Answer: Equatable, Sendable {
        case connected
        /// A UDP datagram came back.
        case replied
        case refused
        case echoReply
        /// A failure the source's kernel reported (ICMP unreachable, no route, ...): strerror text.
        case failed(String)
        /// Nothing within the time (a dropped packet looks like this from the source).
        case silence
    }

    public let fd: Int32
    public let kind: Kind
    /// The echo request's identifier (ICMP); chosen at random so the trace matches this probe only.
    public let icmpID: UInt16

    private init(fd: Int32, kind: Kind) {
        self.fd = fd
        self.kind = kind
        icmpID = UInt16.random(in: 1...UInt16.max)
    }

    deinit { close(fd) }

    /// A socket in the namespace mounted at `namespace` (nil: this one), bound to an ephemeral
    /// port (TCP and UDP) so the trace can match its source port before anything is sent.
    public static func open(_ kind: Kind, namespace: String?) throws -> ProbeSocket {
        let make = { () throws -> Int32 in
            let fd: Int32
            switch kind {
            case .tcp: fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            case .udp: fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            case .icmp: fd = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), Int32(IPPROTO_ICMP))
            }
            guard fd >= 0 else { throw SystemError("open a probe socket") }
            if kind != .icmp {
                var any = sockaddr_in()
                any.sin_family = sa_family_t(AF_INET)
                let bound = withUnsafePointer(to: &any) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard bound == 0 else { let error = SystemError("bind a probe socket"); close(fd); throw error }
            }
            return fd
        }
        guard let namespace else { return ProbeSocket(fd: try make(), kind: kind) }
        let entered = try NetworkNamespace.enter(named: namespace) { try make() }
        close(entered.fd)
        return ProbeSocket(fd: entered.value, kind: kind)
    }

    /// The local port it was bound to (TCP, UDP).
    public var localPort: UInt16? {
        guard kind != .icmp else { return nil }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let got = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return got == 0 ? UInt16(bigEndian: address.sin_port) : nil
    }

    /// Sends the probe; an answer when the kernel refused it at once (no route, ...).
    public func send(to destination: IPv4Address, port: UInt16?) -> Answer? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = destination.value.bigEndian
        address.sin_port = (port ?? 0).bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        switch kind {
        case .tcp, .udp:
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
            }
            if result != 0 && errno != EINPROGRESS { return failure(errno) }
            if kind == .udp {
                var payload: [UInt8] = Array("bridgectl trace\n".utf8)
                if Glibc.send(fd, &payload, payload.count, 0) < 0 { return failure(errno) }
            }
            return nil
        case .icmp:
            var packet = echoRequest()
            let sent = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, &packet, packet.count, 0, $0, length) }
            }
            return sent < 0 ? failure(errno) : nil
        }
    }

    /// poll(2) events that mean the answer may be there.
    public var pollEvents: Int16 { kind == .tcp ? Int16(POLLOUT) : Int16(POLLIN) }

    /// The answer, once `fd` is ready (nil: not this probe's, keep waiting).
    public func answer() -> Answer? {
        switch kind {
        case .tcp:
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            return error == 0 ? .connected : failure(error)
        case .udp:
            var buffer = [UInt8](repeating: 0, count: 2048)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count >= 0 { return .replied }
            return errno == EAGAIN ? nil : failure(errno)
        case .icmp:
            var buffer = [UInt8](repeating: 0, count: 2048)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { return nil }
                // An IPv4 header, then ICMP: type 0 (echo reply) with our id, or type 3
                // (unreachable) quoting our request.
                let headerLength = Int(buffer[0] & 0x0f) * 4
                guard count >= headerLength + 8 else { continue }
                let type = buffer[headerLength]
                if type == 0, readID(buffer, at: headerLength + 4) == icmpID { return .echoReply }
                if type == 3 || type == 11 {
                    let quoted = headerLength + 8
                    guard count >= quoted + 20 else { continue }
                    let quotedICMP = quoted + Int(buffer[quoted] & 0x0f) * 4
                    guard count >= quotedICMP + 8, readID(buffer, at: quotedICMP + 4) == icmpID else { continue }
                    return .failed(type == 11 ? "time exceeded" : Self.unreachableText(code: buffer[headerLength + 1]))
                }
            }
        }
    }

    private func readID(_ bytes: [UInt8], at offset: Int) -> UInt16 { UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]) }

    private func failure(_ code: Int32) -> Answer {
        code == ECONNREFUSED ? .refused : .failed(String(cString: strerror(code)))
    }

    static func unreachableText(code: UInt8) -> String {
        switch code {
        case 0: return "network unreachable"
        case 1: return "host unreachable"
        case 3: return "port unreachable"
        case 9, 10, 13: return "administratively prohibited"
        default: return "destination unreachable (code \(code))"
        }
    }

    /// Type 8, code 0, our id, sequence 1, a short payload, checksummed.
    private func echoRequest() -> [UInt8] {
        var packet: [UInt8] = [8, 0, 0, 0, UInt8(icmpID >> 8), UInt8(icmpID & 0xff), 0, 1] + Array("bridgectl trace".utf8) + [0]
        var sum: UInt32 = 0
        for index in stride(from: 0, to: packet.count, by: 2) {
            sum += UInt32(packet[index]) << 8 | UInt32(index + 1 < packet.count ? packet[index + 1] : 0)
        }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        packet[2] = UInt8(checksum >> 8)
        packet[3] = UInt8(checksum & 0xff)
        return packet
    }
}
