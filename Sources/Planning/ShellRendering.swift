import BridgeModel

/// The `ip`, `sysctl` and shell commands a person would type to make the same change by hand.
/// `--dry-run` prints these; `explain` and the docs reuse them.
extension Step {
    public var shellCommands: [String] {
        switch self {
        case .createBridge(let name, let mtu, let mac, let alias):
            return ["ip link add name \(name) mtu \(mtu) address \(mac) type bridge"] + Self.aliasCommand(name, alias)
        case .createVethPair(let host, let peer, let namespace, let master, let mtu, let mac, let alias):
            return ["ip link add \(host) mtu \(mtu) master \(master) type veth peer name \(peer) mtu \(mtu) address \(mac) netns \(namespace)"]
                + Self.aliasCommand(host, alias)
        case .disableIPv6(let link):
            return ["sysctl -w \(SysctlKey.forInterface("net.ipv6.conf", link, "disable_ipv6"))=1"]
        case .addAddress(let address, let link, let namespace):
            return ["ip\(Self.nsFlag(namespace)) addr add \(address) brd + dev \(link)"]
        case .setLinkUp(let link, let namespace):
            return ["ip\(Self.nsFlag(namespace)) link set \(link) up"]
        case .addDefaultRoute(let gateway, let link, let namespace):
            return ["ip -n \(namespace) route replace default via \(gateway) dev \(link)"]
        case .deleteLink(let name, let namespace):
            return ["ip\(Self.nsFlag(namespace)) link del \(name)"]
        case .deleteHostLinkInBackground(let name):
            return ["ip link del \(name) &"]
        case .createNamespace(let name, let disableIPv6):
            var lines = ["ip netns add \(name)"]
            if disableIPv6 {
                for key in Step.namespaceIPv6Keys { lines.append("ip netns exec \(name) sysctl -w \(key)=1") }
            }
            return lines
        case .aliasHostNamespace(let name):
            return ["mkdir -p /run/netns", "touch /run/netns/\(name)", "mount --bind /proc/self/ns/net /run/netns/\(name)"]
        case .deleteNamespace(let name):
            return ["ip netns del \(name)"]
        case .attachNamespace(let name, let path):
            return ["mkdir -p /run/netns", "touch /run/netns/\(name)", "mount --bind \(Self.shellQuote(path)) /run/netns/\(name)"]
        case .detachNamespace(let name):
            return ["umount /run/netns/\(name)", "rm -f /run/netns/\(name)"]
        case .killProcesses(let namespace):
            return ["ip netns pids \(namespace) | xargs -r kill -9"]
        case .createDirectory(let path):
            return ["mkdir -p \(path)"]
        case .removeDirectory(let path):
            return ["rmdir \(path)"]
        case .writeFile(let path, let contents, _):
            return ["printf \(Self.shellQuote(Self.printfFormat(contents))) > \(path)"]
        case .removeFile(let path, _):
            return ["rm -f \(path)"]
        case .applyRules(let batch):
            return batch.commands
        case .applyNftables(let batch):
            return batch.commands
        case .setSysctl(let key, let value):
            return ["sysctl -w \(key)=\(value)"]
        case .setHairpin(let link):
            return ["ip link set \(link) type bridge_slave hairpin on"]
        case .putNetwork, .removeNetwork, .putContainer, .removeContainer, .claimAddress, .releaseAddress,
             .claimPort, .releasePort, .putSettings:
            return []
        }
    }

    /// The kernel ignores an alias given at creation, so by hand it is a second command (bridgectl
    /// sends it with the request that brings the link up).
    static func aliasCommand(_ link: String, _ alias: String?) -> [String] {
        alias.map { ["ip link set dev \(link) alias \(shellQuote($0))"] } ?? []
    }

    static func nsFlag(_ namespace: String?) -> String {
        namespace.map { " -n \($0)" } ?? ""
    }

    /// Keeps a file's text on one line: newlines become printf escapes, and percent signs and backslashes are escaped.
    static func printfFormat(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\n": out += "\\n"
            case "\r\n": out += "\\r\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            case "%": out += "%%"
            default: out.append(character)
            }
        }
        return out
    }

    /// Single-quotes for POSIX shells, with embedded quotes closed and escaped.
    public static func shellQuote(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}

extension Plan {
    /// The whole plan as a runnable script body, one command per line, in order.
    public var shellCommands: [String] { steps.flatMap(\.shellCommands) }
}
