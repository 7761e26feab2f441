import CNftables
import Planning
#if canImport(Glibc)
import Glibc
#endif

/// The two small reads the create and remove paths need, each one netlink request for one
/// object (never the ruleset): whether iptables' filter FORWARD chain drops by policy, and
/// whether a chain of bridgectl's table holds rules.
public enum NftQuery {
    /// Whether chain FORWARD of table `ip filter` (iptables-nft's) has policy drop; false when
    /// there is no such table or chain.
    public static func iptablesForwardPolicyIsDrop() throws -> Bool {
        let answers = try request(NFT_MSG_GETCHAIN, dump: false) { buffer, type, sequence in
            let header = nftnl_nlmsg_build_hdr(buffer, type, cnft_family_ipv4(), UInt16(NLM_F_ACK), sequence)!
            let chain = nftnl_chain_alloc()!
            defer { nftnl_chain_free(chain) }
            nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_TABLE.rawValue), "filter")
            nftnl_chain_set_str(chain, UInt16(NFTNL_CHAIN_NAME.rawValue), "FORWARD")
            nftnl_chain_nlmsg_build_payload(header, chain)
            return header
        }
        for message in answers {
            let chain = nftnl_chain_alloc()!
            defer { nftnl_chain_free(chain) }
            guard message.withUnsafeBytes({ nftnl_chain_nlmsg_parse($0.baseAddress!.assumingMemoryBound(to: nlmsghdr.self), chain) }) >= 0,
                  nftnl_chain_is_set(chain, UInt16(NFTNL_CHAIN_POLICY.rawValue)) else { continue }
            return nftnl_chain_get_u32(chain, UInt16(NFTNL_CHAIN_POLICY.rawValue)) == cnft_verdict_drop()
        }
        return false
    }

    /// The number of rules in `chain` of bridgectl's table (0 when the table or chain is gone).
    public static func ruleCount(chain name: String) throws -> Int {
        let answers = try request(NFT_MSG_GETRULE, dump: true) { buffer, type, sequence in
            let header = nftnl_nlmsg_build_hdr(buffer, type, cnft_family_ipv4(), UInt16(NLM_F_DUMP), sequence)!
            let rule = nftnl_rule_alloc()!
            defer { nftnl_rule_free(rule) }
            nftnl_rule_set_str(rule, UInt16(NFTNL_RULE_TABLE.rawValue), NftTable.name)
            nftnl_rule_set_str(rule, UInt16(NFTNL_RULE_CHAIN.rawValue), name)
            nftnl_rule_nlmsg_build_payload(header, rule)
            return header
        }
        return answers.count
    }

    /// Sends one request and returns the nf_tables messages of its answer (a dump's parts, or the
    /// one object); ENOENT is an empty answer.
    static func request(_ message: nf_tables_msg_types, dump: Bool,
                        build: (UnsafeMutablePointer<CChar>, UInt16, UInt32) -> UnsafeMutablePointer<nlmsghdr>) throws -> [[UInt8]] {
        guard let socket = mnl_socket_open(NETLINK_NETFILTER) else { throw NftablesError.socket("mnl_socket_open", errno: errno) }
        defer { mnl_socket_close(socket) }
        guard mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else { throw NftablesError.socket("mnl_socket_bind", errno: errno) }
        var buffer = [CChar](repeating: 0, count: 64 * 1024)
        let sequence: UInt32 = 1
        let type = UInt16(NFNL_SUBSYS_NFTABLES << 8) | UInt16(message.rawValue)
        let length = buffer.withUnsafeMutableBufferPointer { Int(build($0.baseAddress!, type, sequence).pointee.nlmsg_len) }
        guard buffer.withUnsafeBytes({ mnl_socket_sendto(socket, $0.baseAddress, length) }) == length else {
            throw NftablesError.socket("sendto", errno: errno)
        }
        var messages: [[UInt8]] = []
        // Bounded: a dump of one chain's rules, or one object, ends within a few reads.
        for _ in 0..<10_000 {
            let received = buffer.withUnsafeMutableBytes { mnl_socket_recvfrom(socket, $0.baseAddress, $0.count) }
            guard received > 0 else { throw NftablesError.socket("recv", errno: errno) }
            var done = false
            try buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset + MemoryLayout<nlmsghdr>.size <= received {
                    let header = raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: nlmsghdr.self)
                    guard cnft_nlmsg_ok(header, Int32(received - offset)) != 0 else { break }
                    let size = Int(header.pointee.nlmsg_len)
                    switch Int32(header.pointee.nlmsg_type) {
                    case NLMSG_DONE: done = true
                    case NLMSG_ERROR:
                        let code = -cnft_nlmsg_error_code(header)
                        if code != 0 && code != ENOENT { throw NftablesError.socket("nf_tables request", errno: code) }
                        done = true
                    default: messages.append(Array(UnsafeRawBufferPointer(start: header, count: size)))
                    }
                    offset += (size + 3) & ~3
                }
            }
            // A single object's answer is the object then the ACK; a dump ends with NLMSG_DONE.
            if done { return messages }
        }
        throw NftablesError.noAnswer
    }
}
