import Glibc
import CLinux

/// A throwaway host: new network, mount, UTS and PID namespaces with private /run, /etc/netns,
/// /etc (copy-on-write), /sys and state root, so that labs, tests, the demo and the bench can
/// make any kernel object without the real host ever seeing it. When the command run inside
/// ends, the sandbox's init (PID 1 of its PID namespace) exits, the kernel kills every process
/// left inside, and with the last of them the namespaces and everything made in them are gone.
///
/// Two processes do it:
///   * the caller (`bridgectl sandbox`) stays in the real host, makes the namespaces on a
///     dedicated thread and starts the init from there, then waits for it;
///   * the init is bridgectl itself, exec'd afresh (`sandbox-worker init`): it builds the mounts,
///     starts the command and reaps orphans until the command exits.
/// Why re-exec rather than fork: only children enter a new PID namespace, so the init must be a
/// new process, and a forked Swift process may run nothing but async-signal-safe code (the
/// runtime's locks may be held by a thread that does not exist in the child). posix_spawn
/// (vfork + exec) from the thread that unshared gives a clean process in the new namespaces,
/// while the caller's other threads never leave the real host's.
public enum Sandbox {
    /// The hidden subcommands of the bridgectl executable that play the sandbox's own roles.
    public static let initCommand = ["sandbox-worker", "init"]
    public static let uplinkCommand = ["sandbox-worker", "uplink"]
    /// The empty state root inside, on the private /run.
    public static let stateRoot = "/run/bridgectl-state"
    /// Where the init finds the read end of the pipe whose write end the caller holds: EOF on it
    /// means the caller is gone.
    public static let callerAliveDescriptor: Int32 = 3
    /// Exit statuses of the sandbox's own failures, as `docker run` uses them: the sandbox could
    /// not be made, the command could not be run, the command was not found.
    public static let failedStatus: Int32 = 125
    public static let notExecutableStatus: Int32 = 126
    public static let notFoundStatus: Int32 = 127

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    // MARK: The caller's side

    /// Makes the namespaces, starts `/proc/self/exe initArguments...` as their PID 1 and returns
    /// its exit status (128 + n when killed by signal n). SIGINT and SIGQUIT are left to the
    /// command (the terminal sends them to its whole process group); SIGTERM and SIGHUP are
    /// passed on to the init, which passes them to the command.
    public static func run(initArguments: [String], environment: [String]) throws -> Int32 {
        var alive: [Int32] = [-1, -1]
        guard pipe2(&alive, O_CLOEXEC) == 0 else { throw SystemError("sandbox: pipe") }
        defer { close(alive[1]) }
        signal(SIGINT, SIG_IGN)
        signal(SIGQUIT, SIG_IGN)
        // The thread that spawns the init waits for it too: PR_SET_PDEATHSIG, which kills the
        // init (and so the whole sandbox) when the caller dies, fires when that thread ends.
        return try onFreshThread {
            let flags = CLX_CLONE_NEWNET | CLX_CLONE_NEWNS | CLX_CLONE_NEWUTS | CLX_CLONE_NEWPID
            guard unshare(flags) == 0 else {
                let reason = String(cString: strerror(errno))
                close(alive[0])
                throw Failure("cannot create the sandbox's namespaces (network, mount, UTS, PID): unshare: \(reason)")
            }
            let spawned = Result {
                try spawn(path: "/proc/self/exe", arguments: ["bridgectl"] + initArguments, environment: environment,
                          descriptors: [(alive[0], callerAliveDescriptor)])
            }
            close(alive[0])
            let pid = try spawned.get()
            clx_forward_signals_to(pid)
            return try NamespaceExec.wait(for: pid)
        }
    }

    // MARK: The init's side

    /// First thing the init does: die with the caller, and check that the caller is still there
    /// (it may have died before the death signal was armed).
    public static func bindLifetimeToCaller() throws {
        _ = clx_set_parent_death_signal(SIGKILL)
        var entry = pollfd(fd: callerAliveDescriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, 0)
        close(callerAliveDescriptor)
        if ready < 0 || (ready > 0 && entry.revents & Int16(POLLHUP | POLLNVAL) != 0) {
            throw Failure("sandbox: the bridgectl that started this sandbox is gone")
        }
    }

    /// Refuses a network namespace that is not new: the machine's initial one, or the one the
    /// sandbox was started from (`outerInode`). Mirrors assert_not_initial_netns.
    /// Also refuses to be anything but PID 1 of a new PID namespace in a new mount namespace, so
    /// that `sandbox-worker init` run by hand never remounts the real host's /run or /etc.
    public static func checkNamespaceIsNew(outerInode: UInt64?) throws {
        // /proc is still the caller's here: its PID 1 is the caller's init.
        guard getpid() == 1, Files.inode("/proc/self/ns/mnt") != Files.inode("/proc/1/ns/mnt") else {
            throw Failure("sandbox: refusing to go on: not the init of a new PID and mount namespace (run bridgectl sandbox)")
        }
        guard let mine = Files.inode("/proc/self/ns/net") else {
            throw Failure("sandbox: cannot read /proc/self/ns/net to prove this is a new network namespace")
        }
        if mine == Privileges.initialNetworkNamespaceInode || mine == outerInode {
            throw Failure("sandbox: refusing to go on: network namespace \(mine) is the real host's")
        }
    }

    /// The private mounts, in the order they depend on each other. Nothing here propagates out:
    /// the first step makes every mount private to this mount namespace.
    public static func makePrivateMounts() throws {
        try mountOrFail(nil, "/", nil, MS_REC | MS_PRIVATE, nil, "make / private")
        // The PID namespace's own /proc, so /proc/1 is this init and ps shows only the sandbox.
        try mountOrFail("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nil, "mount /proc")
        // /run first: it also holds the scratch space for the /etc overlay, and gives a fresh
        // /run/netns, /run/bridgectl, xtables.lock and the state root.
        try mountOrFail("sandbox-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", "mount /run")
        let scratch = "/run/.sandbox"
        try Files.createDirectory(scratch, mode: 0o700)
        try mountOrFail("sandbox-scratch", scratch, "tmpfs", 0, "mode=0700", "mount \(scratch)")
        try makeEtcCopyOnWrite(scratch: scratch)
        try Files.createDirectory("/etc/netns")
        try mountOrFail("sandbox-etc-netns", "/etc/netns", "tmpfs", 0, "mode=0755", "mount /etc/netns")
        // The default state root too, so a command run without BRIDGECTL_ROOT still cannot
        // touch the real host's state.
        if Files.isDirectory("/var/lib/bridgectl") {
            try mountOrFail("sandbox-default-root", "/var/lib/bridgectl", "tmpfs", 0, "mode=0755", "hide /var/lib/bridgectl")
        }
        // sysfs shows the devices of the netns that mounted it: remount it for this one.
        umount2("/sys", Int32(MNT_DETACH))
        try mountOrFail("sandbox-sys", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nil, "mount /sys")
        try Files.createDirectory(stateRoot, mode: 0o700)
    }

    /// /etc as an overlay whose writes land on the private /run; where the kernel or the root
    /// filesystem refuses overlay, a tmpfs copy of /etc does the same job.
    private static func makeEtcCopyOnWrite(scratch: String) throws {
        let upper = "\(scratch)/etc-upper", work = "\(scratch)/etc-work"
        try Files.createDirectory(upper)
        try Files.createDirectory(work)
        if (try? mountOrFail("sandbox-etc", "/etc", "overlay", 0, "lowerdir=/etc,upperdir=\(upper),workdir=\(work)", "")) != nil {
            return
        }
        let copy = "\(scratch)/etc-copy"
        try Files.createDirectory(copy)
        let result = try Subprocess.run(["cp", "-a", "/etc/.", "\(copy)/"])
        guard result.status == 0 else { throw Failure("sandbox: copy /etc: \(result.errors)") }
        try mountOrFail(copy, "/etc", nil, MS_BIND, nil, "bind a copy of /etc")
    }

    private static func mountOrFail(_ source: String?, _ target: String, _ type: String?, _ flags: Int,
                                    _ data: String?, _ what: String) throws {
        let result = if let data {
            data.withCString { mount(source, target, type, UInt(flags), $0) }
        } else {
            mount(source, target, type, UInt(flags), nil)
        }
        guard result == 0 else { throw Failure("sandbox: \(SystemError(what))") }
    }

    /// Replaces /etc/resolv.conf (often a symlink into the real host's /run, dangling here) with
    /// a file naming `nameserver`; the /etc overlay keeps the change inside.
    public static func useNameserver(_ nameserver: String) throws {
        try? Files.remove("/etc/resolv.conf")
        try Files.writeAtomically("/etc/resolv.conf", text: "nameserver \(nameserver)\n")
    }

    /// Starts the command in the sandbox, then reaps every process until the command exits;
    /// returns its status (128 + n for signal n). SIGTERM and SIGHUP are passed on to it.
    public static func runCommand(_ arguments: [String], environment: [String]) throws -> Int32 {
        let pid: pid_t
        do {
            pid = try spawn(path: nil, arguments: arguments, environment: environment, descriptors: [])
        } catch let error as SystemError {
            let status = error.code == ENOENT ? notFoundStatus : notExecutableStatus
            writeStandardError("Error: sandbox: cannot run \(arguments[0]): \(String(cString: strerror(error.code)))\n")
            return status
        }
        clx_forward_signals_to(pid)
        // PID 1 inherits every orphan of the sandbox: reap them all, but only the command's end
        // ends the sandbox.
        var status: Int32 = 0
        while true {
            let reaped = waitpid(-1, &status, 0)
            if reaped == pid { break }
            if reaped < 0 {
                if errno == EINTR { continue }
                throw SystemError("sandbox: wait for \(arguments[0])")
            }
        }
        if clx_wifexited(status) != 0 { return clx_wexitstatus(status) }
        if clx_wifsignaled(status) != 0 { return 128 + clx_wtermsig(status) }
        return 1
    }

    // MARK: Spawning

    /// posix_spawn with the signal dispositions a fresh program expects and `descriptors` moved
    /// to the given numbers (everything else bridgectl holds is close-on-exec). `path` nil
    /// searches PATH for arguments[0].
    public static func spawn(path: String?, arguments: [String], environment: [String],
                             descriptors: [(source: Int32, target: Int32)]) throws -> pid_t {
        // The moves happen one after another in the child: a source that is another move's
        // target would be overwritten first. Copies above every target cannot be.
        let lowestFree = (descriptors.map(\.target).max() ?? 2) + 1
        var copies: [Int32] = []
        defer { copies.forEach { close($0) } }
        for (source, _) in descriptors {
            let copy = clx_duplicate_above(source, lowestFree)
            guard copy >= 0 else { throw SystemError("exec \(arguments[0]): duplicate fd \(source)") }
            copies.append(copy)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (copy, (_, target)) in zip(copies, descriptors) {
            posix_spawn_file_actions_adddup2(&actions, copy, target)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result: Int32
        if let path {
            result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        } else {
            result = withPATH(of: environment) { posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp) }
        }
        guard result == 0 else { throw SystemError("exec \(arguments[0])", code: result) }
        return pid
    }

    /// posix_spawnp searches the PATH of this process, not of the environment given: the
    /// command's PATH must decide which program runs.
    private static func withPATH<T>(of environment: [String], _ body: () -> T) -> T {
        guard let entry = environment.last(where: { $0.hasPrefix("PATH=") }) else { return body() }
        let saved = getenv("PATH").map { String(cString: $0) }
        setenv("PATH", String(entry.dropFirst(5)), 1)
        defer { if let saved { setenv("PATH", saved, 1) } else { unsetenv("PATH") } }
        return body()
    }
}
