// libnftnl + libmnl (what `nft` itself is built on) as one module: bridgectl builds its
// nftables batches in-process with them, so no command downloads the ruleset first.
#ifndef BRIDGECTL_CNFTABLES_SHIM_H
#define BRIDGECTL_CNFTABLES_SHIM_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/batch.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/set.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <libnftnl/udata.h>

// Macros and flag unions that do not import into Swift as constants of the right type.
static inline uint16_t cnft_flag_create(void) { return NLM_F_CREATE; }
static inline uint16_t cnft_flag_ack(void) { return NLM_F_ACK; }
static inline uint16_t cnft_flag_append(void) { return NLM_F_APPEND; }
// linux/netfilter.h would bring linux/in.h, whose in_addr clashes with glibc's in Swift's
// module map, so its few constants are restated here.
static inline uint32_t cnft_verdict_accept(void) { return 1; } // NF_ACCEPT
static inline uint32_t cnft_verdict_drop(void) { return 0; } // NF_DROP
static inline uint16_t cnft_family_ipv4(void) { return 2; } // NFPROTO_IPV4
// NF_INET_PRE_ROUTING, NF_INET_FORWARD, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING
static inline uint32_t cnft_hook_prerouting(void) { return 0; }
static inline uint32_t cnft_hook_forward(void) { return 2; }
static inline uint32_t cnft_hook_output(void) { return 3; }
static inline uint32_t cnft_hook_postrouting(void) { return 4; }
static inline uint32_t cnft_verdict_jump(void) { return (uint32_t)NFT_JUMP; }
static inline int cnft_nlmsg_ok(const struct nlmsghdr *nlh, int len) { return NLMSG_OK(nlh, len); }
static inline int cnft_nlmsg_error_code(const struct nlmsghdr *nlh) {
    const struct nlmsgerr *err = (const struct nlmsgerr *)NLMSG_DATA(nlh);
    return err->error;
}
static inline uint32_t cnft_nlmsg_error_seq(const struct nlmsghdr *nlh) {
    const struct nlmsgerr *err = (const struct nlmsgerr *)NLMSG_DATA(nlh);
    return err->msg.nlmsg_seq;
}
// Hands the last reference to a netfilter socket to a forked child that releases it and exits
// on its own: releasing a socket whose transactions deleted objects waits for their deferred
// freeing (one RCU grace period, ~11 ms), which is no part of the command's work. The child only
// closes descriptors and exits (async-signal-safe after fork in a threaded process), every other
// one first, so it holds no lock of the parent's. Returns -1 when fork fails (the caller then
// releases the socket itself).
#include <unistd.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
static inline int cnft_release_in_child(int fd) {
    pid_t pid = fork();
    if (pid == 0) {
        if (fd > 0) syscall(SYS_close_range, 0, fd - 1, 0);
        syscall(SYS_close_range, fd + 1, ~0U, 0);
        close(fd);
        _exit(0);
    }
    return pid < 0 ? -1 : 0;
}
#endif
