import Glibc
import CLinux

/// Runs programs inside a named namespace the way `ip netns exec` does.
public enum NamespaceExec {
    public struct Options: Sendable {
        public var environment: [String]
        /// Start in a new session with stdio on `logPath` (or /dev/null) and do not wait.
        public var detached: Bool
        public var logPath: String?
        /// For long-lived helpers: "/" so they never pin the directory bridgectl was run from.
        public var workingDirectory: String?
        public init(environment: [String], detached: Bool = false, logPath: String? = nil, workingDirectory: String? = nil) {
            self.environment = environment; self.detached = detached; self.logPath = logPath
            self.workingDirectory = workingDirectory
        }
    }

    /// Switches a fresh thread into the namespace (iproute2's netns_switch: setns, a private
    /// mount namespace, a sysfs for this netns, /etc/netns/NAME/* over /etc/*), then spawns from
    /// it: a child inherits the namespaces of the thread that spawns it. Returns the child's pid.
    public static func spawn(namespace name: String, etcDirectory: String?, arguments: [String],
                             options: Options) throws -> pid_t {
        guard !arguments.isEmpty else { throw SystemError("exec: no command", code: EINVAL) }
        let fd = open(NetworkNamespace.path(name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open namespace \(NetworkNamespace.path(name))") }
        defer { close(fd) }
        return try onFreshThread {
            guard setns(fd, CLX_CLONE_NEWNET) == 0 else { throw SystemError("enter namespace \(name)") }
            guard unshare(CLX_CLONE_NEWNS) == 0 else { throw SystemError("unshare mount namespace") }
            guard mount("", "/", "none", UInt(MS_SLAVE | MS_REC), nil) == 0 else {
                throw SystemError("make / a slave mount")
            }
            remountSysfs(name)
            if let etcDirectory {
                for entry in try Files.list(etcDirectory) {
                    let source = "\(etcDirectory)/\(entry)"
                    let destination = "/etc/\(entry)"
                    // ip netns exec skips entries with no counterpart in /etc; so do we.
                    guard Files.exists(destination) else { continue }
                    guard mount(source, destination, "none", UInt(MS_BIND), nil) == 0 else {
                        throw SystemError("bind \(source) on \(destination)")
                    }
                }
            }
            return try spawnHere(arguments: arguments, options: options)
        }
    }

    /// Spawns in the caller's own namespaces (for `--network host` containers).
    public static func spawnHere(arguments: [String], options: Options) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals the parent ignores stay ignored in the child unless reset.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGQUIT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF)
        if options.detached {
            flags |= Int16(CLX_POSIX_SPAWN_SETSID)
            let output = options.logPath ?? "/dev/null"
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let directory = options.workingDirectory {
            posix_spawn_file_actions_addchdir_np(&actions, directory)
        }
        posix_spawnattr_setflags(&attributes, flags)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = options.environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw SystemError("exec \(arguments[0])", code: result) }
        return pid
    }

    /// Waits for the child and maps its status as a shell does: the exit code, or 128 + signal.
    public static func wait(for pid: pid_t) throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno == EINTR { continue }
            throw SystemError("wait for \(pid)")
        }
        if clx_wifexited(status) != 0 { return clx_wexitstatus(status) }
        if clx_wifsignaled(status) != 0 { return 128 + clx_wtermsig(status) }
        return 1
    }

    private static func remountSysfs(_ name: String) {
        // A failure here leaves the host's /sys visible, as ip netns exec tolerates too.
        guard umount2("/sys", Int32(MNT_DETACH)) == 0 else { return }
        if mount(name, "/sys", "sysfs", 0, nil) != 0 {
            mount(name, "/sys", "sysfs", UInt(MS_RDONLY), nil)
        }
    }
}
