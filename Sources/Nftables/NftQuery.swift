import CNftables
import Planning
#if canImport(Glibc)
import Glibc
#endif

/// A netlink socket to nf_tables for reads: one GET request at a time (an object, or a dump of
/// a kind of object), answered with the kernel's messages as bytes for libnftnl to parse.
/// Only what is asked for is sent back: reading bridgectl's table never downloads the ruleset.
final class NftQuery {
    private let socket: OpaquePointer
    private var nextSequence: UInt32 = 1
    /// A dump answer is one message after another, up to 32 KiB each (the kernel's largest).
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    static let dumpFlags: UInt16 = 0x300 // NLM_F_DUMP (NLM_F_ROOT | NLM_F_MATCH), a macro Swift does not import
    static let dumpInterruptedFlag: UInt16 = 0x10 // NLM_F_DUMP_INTR: the objects changed during the dump
    static let answerTimeoutMilliseconds: Int32 = 2000

    init() throws {
        socket = try NftSocket.openNetfilterSocket()
    }

    deinit { mnl_socket_close(socket) }

    /// Sends one GET request (`build` adds the object naming what is asked for) and returns the
    /// answer's object messages. A dump the kernel marks interrupted throws `.readInterrupted`
    /// (its objects may be inconsistent; the caller takes it again); an error answer throws
    /// `.readFailed` with the kernel's errno (ENOENT: no such table, chain or set).
    func request(_ what: String, _ type: nf_tables_msg_types, dump: Bool,
                 build: (UnsafeMutablePointer<nlmsghdr>) -> Void = { _ in }) throws -> [[UInt8]] {
        let sequence = nextSequence
        nextSequence &+= 1
        var message = [CChar](repeating: 0, count: 1024)
        let length = message.withUnsafeMutableBufferPointer { pointer -> Int in
            let header = nftnl_nlmsg_build_hdr(pointer.baseAddress!, UInt16(type.rawValue), cnft_family_ipv4(),
                                               dump ? Self.dumpFlags : 0, sequence)!
            build(header)
            return Int(header.pointee.nlmsg_len)
        }
        let sent = message.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, length) }
        guard sent == length else { throw NftablesError.socket("sendto", errno: errno) }
        return try receive(what, sequence: sequence, dump: dump)
    }

    private func receive(_ what: String, sequence: UInt32, dump: Bool) throws -> [[UInt8]] {
        let descriptor = mnl_socket_get_fd(socket)
        var objects: [[UInt8]] = []
        var interrupted = false
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if received < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK:
                    var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&waiting, 1, Self.answerTimeoutMilliseconds)
                    if ready < 0 && errno == EINTR { continue }
                    guard ready == 1 else { throw NftablesError.readFailed(what, errno: ETIMEDOUT) }
                    continue
                default:
                    throw NftablesError.socket("recv", errno: errno)
                }
            }
            var finished = false
            try buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset + MemoryLayout<nlmsghdr>.size <= received {
                    let header = raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: nlmsghdr.self)
                    guard cnft_nlmsg_ok(header, Int32(received - offset)) != 0 else { break }
                    let messageLength = Int(header.pointee.nlmsg_len)
                    defer { offset += (messageLength + 3) & ~3 }
                    // An answer to an earlier request given up on (it timed out) is not this one's.
                    guard header.pointee.nlmsg_seq == sequence else { continue }
                    if header.pointee.nlmsg_flags & Self.dumpInterruptedFlag != 0 { interrupted = true }
                    switch Int32(header.pointee.nlmsg_type) {
                    case NLMSG_DONE:
                        // Its payload is the dump's status, an int where an error answer has its errno.
                        let code = messageLength >= MemoryLayout<nlmsghdr>.size + 4 ? -cnft_nlmsg_error_code(header) : 0
                        if code > 0 { throw NftablesError.readFailed(what, errno: code) }
                        finished = true
                    case NLMSG_ERROR:
                        let code = -cnft_nlmsg_error_code(header)
                        if code != 0 { throw NftablesError.readFailed(what, errno: code) }
                        finished = true
                    default:
                        objects.append(Array(UnsafeRawBufferPointer(start: raw.baseAddress!.advanced(by: offset), count: messageLength)))
                        // A single object's answer is that one message.
                        if !dump { finished = true }
                    }
                }
            }
            if finished { break }
        }
        if interrupted { throw NftablesError.readInterrupted(what) }
        return objects
    }

    /// Takes a read again while the kernel reports it interrupted by a concurrent change, a
    /// bounded number of times: a ruleset changing under every attempt gets an error, never a
    /// silently inconsistent picture (as `NetlinkSocket.retryingInterruptedDump` does for links).
    static func retryingInterrupted<T>(attempts: Int = 5, _ take: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try take()
            } catch NftablesError.readInterrupted(let what) {
                guard attempt < attempts else { throw NftablesError.readInterrupted(what) }
                attempt += 1
            }
        }
    }
}
