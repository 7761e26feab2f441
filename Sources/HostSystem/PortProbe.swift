import Glibc
import CLinux

/// Whether a host process holds a port, found by trying to bind it: a TCP bind with
/// SO_REUSEADDR fails only against a listening socket, a UDP bind against any bound socket.
/// Reading /proc/net/tcp instead walks the kernel's whole connection hash (milliseconds even
/// when it is empty); a bind costs microseconds.
public enum PortProbe {
    public enum Holder: Equatable, Sendable {
        case free
        case hostProcess
        /// The address is not one of this host's.
        case notLocal
    }

    /// Whether the address is one of this host's: binding port 0 can only fail with EADDRNOTAVAIL.
    public static func isLocalAddress(_ address: UInt32) -> Bool {
        check(udp: false, address: address, port: 0) != .notLocal
    }

    public static func check(udp: Bool, address: UInt32, port: UInt16) -> Holder {
        let type = udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue)
        let fd = socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .free }
        defer { close(fd) }
        if !udp {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        socketAddress.sin_addr = in_addr(s_addr: address.bigEndian)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return .free }
        return errno == EADDRNOTAVAIL ? .notLocal : .hostProcess
    }
}
