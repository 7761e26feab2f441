// libnl-3 / libnl-route-3 as one module, plus inline helpers where Swift's view of the C types
// does not line up (int flags vs unsigned, macros that do not import).
#ifndef BRIDGECTL_CNETLINK_SHIM_H
#define BRIDGECTL_CNETLINK_SHIM_H
#include <sys/types.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/errno.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>

static inline void cnl_link_set_up(struct rtnl_link *link) { rtnl_link_set_flags(link, IFF_UP); }
static inline int cnl_link_is_up(struct rtnl_link *link) { return (rtnl_link_get_flags(link) & IFF_UP) != 0; }
#endif
