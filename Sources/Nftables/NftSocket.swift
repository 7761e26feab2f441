import CNftables
import Planning
#if canImport(Glibc)
import Glibc
#endif

/// A netlink socket to nf_tables that sends batches and reads their answers. Nothing here asks
/// the kernel for the ruleset: a batch costs its own messages only, whatever the table holds.
public final class NftSocket {
    private let socket: OpaquePointer
    private var nextSequence: UInt32 = 1

    public init() throws {
        socket = try NftSocket.openNetfilterSocket()
    }

    /// A batch on this socket deleted or flushed something: the kernel frees those objects after
    /// an RCU grace period, and releasing the socket waits for that (measured ~11 ms, against
    /// microseconds for the transaction itself), so the release is left to a forked child.
    private var deletedObjects = false

    deinit {
        if deletedObjects { _ = cnft_release_in_child(mnl_socket_get_fd(socket)) }
        mnl_socket_close(socket)
    }

    /// A bound NETLINK_NETFILTER socket, for batches and for reads alike.
    static func openNetfilterSocket() throws -> OpaquePointer {
        guard let opened = mnl_socket_open(NETLINK_NETFILTER) else { throw NftablesError.socket("mnl_socket_open", errno: errno) }
        guard mnl_socket_bind(opened, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = errno
            mnl_socket_close(opened)
            throw NftablesError.socket("mnl_socket_bind", errno: code)
        }
        return opened
    }

    /// Sends `ops` as one transaction. Throws `.refused` naming the first op the kernel refused;
    /// then nothing of the batch is applied.
    public func apply(_ ops: [NftOp]) throws {
        guard !ops.isEmpty else { return }
        deletedObjects = deletedObjects || ops.contains(where: \.deletesObjects)
        let batch = try NftNetlinkBatch(ops, firstSequence: nextSequence)
        nextSequence &+= UInt32(ops.count + 2)
        try send(batch)
    }

    func send(_ batch: NftNetlinkBatch) throws {
        let descriptor = mnl_socket_get_fd(socket)
        // A batch larger than the default send buffer (a long shifted range) must still go in
        // one sendto. SO_SNDBUFFORCE needs CAP_NET_ADMIN, which changing nf_tables needs anyway.
        if batch.bytes.count + 4096 > 200 * 1024 {
            var sendSize = Int32(batch.bytes.count + 4096)
            setsockopt(descriptor, SOL_SOCKET, SO_SNDBUFFORCE, &sendSize, socklen_t(MemoryLayout<Int32>.size))
        }
        let sent = batch.bytes.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        guard sent == batch.bytes.count else { throw NftablesError.socket("sendto", errno: errno) }

        // nfnetlink handles the batch inside sendto, so the answers are queued by now: the
        // errors, then the last op's ACK (or error). Poll, bounded, only in case they are not.
        var firstRefusal: (sequence: UInt32, errno: Int32)?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var finished = false
        while !finished {
            var received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Refused and nothing more queued: the kernel stopped before the last op.
                if firstRefusal != nil { break }
                var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&waiting, 1, 2000) == 1 else { throw NftablesError.noAnswer }
                received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            }
            if received < 0 && errno == ENOBUFS {
                // Errors overflowed the receive buffer: the batch was refused, op unknown.
                throw NftablesError.refused(op: firstRefusal.flatMap { batch.op(sequence: $0.sequence)?.text } ?? "batch", errno: ENOBUFS)
            }
            guard received > 0 else { throw NftablesError.socket("recv", errno: errno) }
            for answer in Self.answers(in: buffer, count: received) {
                if answer.errno != 0 && firstRefusal == nil { firstRefusal = answer }
                if answer.sequence == batch.lastOpSequence { finished = true }
            }
        }
        if let refusal = firstRefusal {
            throw NftablesError.refused(op: batch.op(sequence: refusal.sequence)?.text ?? "batch", errno: refusal.errno)
        }
    }

    /// The NLMSG_ERROR answers in a received buffer: sequence number and errno (0 for an ACK).
    static func answers(in buffer: [UInt8], count: Int) -> [(sequence: UInt32, errno: Int32)] {
        var answers: [(sequence: UInt32, errno: Int32)] = []
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset + MemoryLayout<nlmsghdr>.size <= count {
                let header = raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: nlmsghdr.self)
                let length = Int(header.pointee.nlmsg_len)
                guard cnft_nlmsg_ok(header, Int32(count - offset)) != 0 else { break }
                if header.pointee.nlmsg_type == UInt16(NLMSG_ERROR) {
                    answers.append((cnft_nlmsg_error_seq(header), -cnft_nlmsg_error_code(header)))
                }
                offset += (length + 3) & ~3
            }
        }
        return answers
    }
}
