// Linux calls that Swift's Glibc module hides (it is built without _GNU_SOURCE).
// Declared here rather than defining _GNU_SOURCE, which breaks modules that also import Dispatch.
#ifndef BRIDGECTL_CLINUX_SHIM_H
#define BRIDGECTL_CLINUX_SHIM_H
#include <sys/types.h>
#include <sys/mount.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <spawn.h>
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <errno.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

extern int unshare(int flags);
extern int setns(int fd, int nstype);
extern pid_t gettid(void);
extern int pipe2(int pipefd[2], int flags);
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *, const char *);

static const int CLX_CLONE_NEWNS = 0x00020000;
static const int CLX_CLONE_NEWNET = 0x40000000;
static const int CLX_CLONE_NEWPID = 0x20000000;
static const int CLX_CLONE_NEWUTS = 0x04000000;
static const int CLX_POSIX_SPAWN_SETSID = 0x80;

static inline int clx_errno(void) { return errno; }
/// Deletes the host link `name` from a forked child, which alone waits out the kernel's RCU grace
/// periods after the unregistration (~15-20 ms per device): the device leaves its bridge under
/// RTNL at once, so whatever comes next is serialised behind that part anyway. The child closes
/// every inherited fd first (the state lock among them) and uses raw syscalls only, as a child
/// of a threaded process must. Returns -1 when fork fails (the caller then deletes it itself).
static inline int clx_delete_link_in_child(const char *name) {
    size_t length = strlen(name) + 1;
    if (length > 16) return -1;
    pid_t pid = fork();
    if (pid != 0) return pid < 0 ? -1 : 0;
    syscall(SYS_close_range, 0, ~0U, 0);
    struct {
        struct nlmsghdr header;
        struct ifinfomsg link;
        struct rtattr attribute;
        char name[16];
    } request = { 0 };
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)) + RTA_LENGTH(length);
    request.header.nlmsg_type = RTM_DELLINK;
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.link.ifi_family = AF_UNSPEC;
    request.attribute.rta_type = IFLA_IFNAME;
    request.attribute.rta_len = RTA_LENGTH(length);
    for (size_t i = 0; i < length; i++) request.name[i] = name[i];
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) _exit(1);
    struct sockaddr_nl kernel = { 0 };
    kernel.nl_family = AF_NETLINK;
    _exit(sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0 ? 1 : 0);
}
/// NS_GET_NSTYPE: the CLONE_NEW* type of the namespace an nsfs fd refers to (ioctl is variadic).
static inline int clx_namespace_type(int fd) { return ioctl(fd, 0xb703); }
static inline int clx_wifexited(int status) { return WIFEXITED(status); }
static inline int clx_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int clx_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int clx_wtermsig(int status) { return WTERMSIG(status); }

/// Asks the kernel to send `sig` to this process when its parent dies (prctl is variadic).
static inline int clx_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0); }

// Forwards the signals a sandbox passes on (SIGTERM, SIGHUP) to one process. The target lives
// in a C static because a signal handler may touch nothing else; it is written before the handler
// is installed and never changes after, so there is no race.
static volatile pid_t clx_forward_target = 0;
static void clx_forward_signal(int sig) {
    if (clx_forward_target > 0) kill(clx_forward_target, sig);
}
/// Installs the forwarding handler for SIGTERM and SIGHUP (SA_RESTART: waits are not cut short).
static inline int clx_forward_signals_to(pid_t target) {
    clx_forward_target = target;
    struct sigaction action = { 0 };
    action.sa_handler = clx_forward_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGTERM, &action, NULL) != 0) return -1;
    return sigaction(SIGHUP, &action, NULL);
}

/// A close-on-exec copy of `fd` numbered `lowest` or above (fcntl is variadic).
static inline int clx_duplicate_above(int fd, int lowest) { return fcntl(fd, F_DUPFD_CLOEXEC, lowest); }

// POSIX record locks on a whole file: fcntl is variadic, which Swift cannot call.
static inline int clx_try_write_lock(int fd) {
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    return fcntl(fd, F_SETLK, &lock);
}
/// The PID holding a write lock on the file, 0 when none, -1 on error.
static inline pid_t clx_write_lock_holder(int fd) {
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    if (fcntl(fd, F_GETLK, &lock) != 0) return -1;
    return lock.l_type == F_UNLCK ? 0 : lock.l_pid;
}
#endif
