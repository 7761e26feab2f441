import ArgumentParser
import Glibc
import CLinux
import BridgeModel
import DNS
import HostSystem
import Netlink

/// The sandbox's own processes (see HostSystem's Sandbox): its init, PID 1 of the throwaway host,
/// and the fake internet's responders. Started by `bridgectl sandbox`, never by people.
struct SandboxWorkers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridgectl sandbox-worker", shouldDisplay: false, subcommands: [Init.self, Uplink.self])

    /// PID 1 of a sandbox: the private mounts, `lo`, the optional uplink, then the command.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "init", abstract: "Be a sandbox's init.")
        @Flag var uplink = false
        @Option var outerNetns: UInt64?
        @Argument(parsing: .postTerminator) var command: [String] = []

        func run() throws {
            do {
                try Sandbox.bindLifetimeToCaller()
                try Sandbox.checkNamespaceIsNew(outerInode: outerNetns)
                try Sandbox.makePrivateMounts()
                try bringLoopbackUp()
                if uplink {
                    try FakeInternetUplink.make()
                    try Sandbox.useNameserver(FakeInternet.address.description)
                }
                guard !command.isEmpty else { throw Sandbox.Failure("sandbox: no command") }
                Glibc.exit(try Sandbox.runCommand(command, environment: environment()))
            } catch {
                writeStandardError("Error: \(error)\n")
                Glibc.exit(Sandbox.failedStatus)
            }
        }

        /// The caller's environment plus what marks a throwaway host: the state root on the
        /// private /run, and the outer namespace for assert_not_initial_netns.
        func environment() -> [String] {
            var overrides = ["THROWAWAY_HOST=1", "BRIDGECTL_ROOT=\(Sandbox.stateRoot)"]
            if let outerNetns { overrides.append("THROWAWAY_OUTER_NETNS_INO=\(outerNetns)") }
            let replaced = Set(overrides.map { $0.prefix(while: { $0 != "=" }) })
            var inherited: [String] = []
            var pointer = environ
            while let entry = pointer.pointee {
                let text = String(cString: entry)
                if !replaced.contains(text.prefix(while: { $0 != "=" })) { inherited.append(text) }
                pointer += 1
            }
            return inherited + overrides
        }

        private func bringLoopbackUp() throws {
            let netlink = try NetlinkSocket()
            guard let index = try netlink.interfaceIndex(of: "lo") else { throw Sandbox.Failure("sandbox: no lo") }
            try netlink.setLinkUp(index: index, name: "lo")
        }
    }

    /// The fake internet's services, on sockets the init bound inside its namespace: DNS on fd 3
    /// (UDP 53) and fd 5 (TCP 53), one line per TCP connection on fd 4 (port 80).
    struct Uplink: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "uplink", abstract: "Serve the fake internet.")

        func run() throws {
            FakeInternetUplink.serve()
        }
    }
}

/// `--uplink`: netns `inet` with 203.0.113.1/24 on its eth0, wired to the sandbox's uplink0
/// (203.0.113.2/24) which carries the default route, as throwaway_make_internet does in shell.
/// The kernel answers ping; the responder process answers DNS and TCP port 80.
enum FakeInternetUplink {
    static let namespace = "inet"
    static let dnsDescriptor: Int32 = 3
    static let webDescriptor: Int32 = 4
    static let dnsOverTCPDescriptor: Int32 = 5

    static func make() throws {
        try NetworkNamespace.prepareRunDirectory()
        // The sockets are bound inside `inet` (a socket keeps the namespace it was made in), so
        // they are ready before the command starts: no race with a first query.
        let (namespaceFD, inside) = try NetworkNamespace.create(named: namespace, sysctls: []) {
            (try NetlinkSocket(), try listeningSocket(type: SOCK_DGRAM, port: 53),
             try listeningSocket(type: SOCK_STREAM, port: 80), try listeningSocket(type: SOCK_STREAM, port: 53))
        }
        defer { close(namespaceFD); close(inside.1); close(inside.2); close(inside.3) }
        let (internet, dns, web, dnsOverTCP) = inside
        let host = try NetlinkSocket()
        try host.createVethPair(host: "uplink0", peer: "eth0", peerNamespaceFD: namespaceFD, masterIndex: 0,
                                mtu: 1500, peerMAC: MACAddress(derivedFrom: FakeInternet.address))
        try internet.setLinkUp(index: 1, name: "lo")
        guard let eth0 = try internet.interfaceIndex(of: "eth0"), let uplink0 = try host.interfaceIndex(of: "uplink0") else {
            throw Sandbox.Failure("sandbox: the uplink's veth pair vanished")
        }
        try internet.addAddress(InterfaceAddress(ip: FakeInternet.address, prefixLength: FakeInternet.prefixLength), index: eth0, link: "eth0")
        try internet.setLinkUp(index: eth0, name: "eth0")
        try host.addAddress(InterfaceAddress(ip: FakeInternet.sandboxAddress, prefixLength: FakeInternet.prefixLength),
                            index: uplink0, link: "uplink0")
        try host.setLinkUp(index: uplink0, name: "uplink0")
        try host.replaceDefaultRoute(via: FakeInternet.address, index: uplink0, link: "uplink0")
        waitForCarrier()
        _ = try Sandbox.spawn(path: "/proc/self/exe", arguments: ["bridgectl"] + Sandbox.uplinkCommand,
                              environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                              descriptors: [(dns, dnsDescriptor), (web, webDescriptor), (dnsOverTCP, dnsOverTCPDescriptor)])
    }

    /// The end brought up first (eth0) gets its queue only when the kernel's link watcher sees
    /// the carrier, up to a second later (longer on a busy machine); until then it drops what it
    /// sends, so the command's first ping could go unanswered. The watcher handles both ends in
    /// one pass, so uplink0 reading "up" means eth0 is ready too. Bounded: 3 s, then go on.
    private static func waitForCarrier() {
        for _ in 0..<300 {
            if let state = try? Files.read("/sys/class/net/uplink0/operstate"), state.hasPrefix("up") { return }
            usleep(10_000)
        }
    }

    private static func listeningSocket(type: __socket_type, port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("uplink: socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { let error = SystemError("uplink: bind port \(port)"); close(fd); throw error }
        if type == SOCK_STREAM, listen(fd, 128) != 0 { let error = SystemError("uplink: listen"); close(fd); throw error }
        return fd
    }

    /// One thread, one poll: the lab traffic is a few queries and connections.
    static func serve() -> Never {
        var descriptors = [dnsDescriptor, webDescriptor, dnsOverTCPDescriptor].map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            guard poll(&descriptors, nfds_t(descriptors.count), -1) > 0 else { continue }
            if descriptors[0].revents != 0 { answerQuery(dnsDescriptor, &buffer) }
            if descriptors[1].revents != 0 { answerConnection(webDescriptor) }
            if descriptors[2].revents != 0 { answerQueryOverTCP(dnsOverTCPDescriptor, &buffer) }
        }
    }

    /// One query per connection, read for at most a second: a silent client cannot hold up the
    /// others for longer.
    private static func answerQueryOverTCP(_ fd: Int32, _ buffer: inout [UInt8]) {
        let connection = accept4(fd, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
        guard connection >= 0 else { return }
        defer { close(connection) }
        var limit = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var reader = TCPFrameReader()
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            reader.append(buffer[0..<count])
            guard !reader.failed else { return }
            if let query = reader.nextMessage() {
                guard let response = FakeInternet.answer(query) else { return }
                let framed = DNSWire.frame(response)
                _ = framed.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                return
            }
        }
    }

    private static func answerQuery(_ fd: Int32, _ buffer: inout [UInt8]) {
        var peer = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &peer) { peerPointer in
            peerPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                buffer.withUnsafeMutableBytes { recvfrom(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT), address, &length) }
            }
        }
        guard count > 0, let response = FakeInternet.answer(Array(buffer[0..<count])) else { return }
        _ = withUnsafePointer(to: &peer) { peerPointer in
            peerPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                response.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT), address, length) }
            }
        }
    }

    private static func answerConnection(_ fd: Int32) {
        var peer = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let connection = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept4(fd, $0, &length, Int32(SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue)) }
        }
        guard connection >= 0 else { return }
        let from = IPv4Address(UInt32(bigEndian: peer.sin_addr.s_addr))
        let line = Array("hello from internet.test to \(from)\n".utf8)
        _ = line.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(connection)
    }
}
