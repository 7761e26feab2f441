import BridgeModel

public enum CNICommand: String, CaseIterable, Sendable {
    case add = "ADD", del = "DEL", check = "CHECK", gc = "GC", status = "STATUS", version = "VERSION"

    /// The variables the spec requires for the command. CNI_PATH, required by the spec for GC,
    /// is never required: bridgectl delegates to no other plugin, so it has no use for it.
    var requiredVariables: [String] {
        switch self {
        case .add, .check: return ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"]
        case .del: return ["CNI_CONTAINERID", "CNI_IFNAME"]
        case .gc, .status, .version: return []
        }
    }

    /// Whether the command is about one attachment (container ID and interface).
    var isAttachment: Bool { self == .add || self == .del || self == .check }
}

/// One plugin invocation as the runtime described it in the environment.
public struct CNIRequest: Equatable, Sendable {
    public var command: CNICommand
    /// Empty for GC, STATUS and VERSION.
    public var containerID: String
    /// Empty for DEL after the container's namespace went (ctr), and for GC, STATUS and VERSION.
    public var netns: String
    public var ifName: String
    public var args: CNIArgs
    public var path: [String]

    /// `environment` is the process's. Every missing variable is named in one error (code 4),
    /// as libcni's skeleton does; VERSION reads nothing but CNI_COMMAND.
    public init(environment: [String: String]) throws(CNIError) {
        guard let commandText = environment["CNI_COMMAND"], !commandText.isEmpty else {
            throw CNIError(.invalidEnvironment, "required env variables [CNI_COMMAND] missing")
        }
        guard let command = CNICommand(rawValue: commandText) else {
            throw CNIError(.invalidEnvironment, "unknown CNI_COMMAND: \(Names.printable(commandText))",
                           details: "expected one of " + CNICommand.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.command = command
        if command == .version {
            containerID = ""; netns = ""; ifName = ""; args = CNIArgs(); path = []
            return
        }
        let missing = command.requiredVariables.filter { (environment[$0] ?? "").isEmpty }
        if !missing.isEmpty {
            throw CNIError(.invalidEnvironment, "required env variables [\(missing.joined(separator: ","))] missing")
        }
        if command.isAttachment {
            containerID = environment["CNI_CONTAINERID"] ?? ""
            ifName = environment["CNI_IFNAME"] ?? ""
            netns = environment["CNI_NETNS"] ?? ""
            try Self.validateContainerID(containerID)
            try Self.validateInterfaceName(ifName)
            if !netns.isEmpty, !netns.hasPrefix("/") {
                throw CNIError(.invalidEnvironment, "invalid CNI_NETNS '\(Names.printable(netns))'",
                               details: "expected an absolute path to a network namespace")
            }
            args = try CNIArgs(parsing: environment["CNI_ARGS"] ?? "")
        } else {
            containerID = ""; ifName = ""; netns = ""; args = CNIArgs()
        }
        path = (environment["CNI_PATH"] ?? "").split(separator: ":").map(String.init)
    }

    /// The spec's rule: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. bridgectl also keeps it to 255 bytes,
    /// as it goes into the state (a 64-hex ID from podman is well inside).
    static func validateContainerID(_ id: String) throws(CNIError) {
        let bytes = Array(id.utf8)
        func isAlnum(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
        }
        guard let first = bytes.first, isAlnum(first), bytes.count <= 255,
              bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else {
            throw CNIError(.invalidEnvironment, "invalid CNI_CONTAINERID '\(Names.printable(id))'",
                           details: "expected [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 characters")
        }
    }

    static func validateInterfaceName(_ name: String) throws(CNIError) {
        do {
            try Names.validateInterfaceName(name)
        } catch {
            throw CNIError(.invalidEnvironment, "invalid CNI_IFNAME '\(Names.printable(name))'",
                           details: "at most 15 bytes, not '.' or '..', no '/', ':' or whitespace")
        }
    }
}

/// `CNI_ARGS`: `K=V` pairs separated by `;`. The keys bridgectl knows are the ones runtimes send
/// (podman: `IgnoreUnknown=1;K8S_POD_NAME=...;IP=...;MAC=...`; Kubernetes adds the pod's
/// namespace, UID and infra container ID). Any other key is an error unless `IgnoreUnknown` is
/// true, as libcni's argument loader has it.
public struct CNIArgs: Equatable, Sendable {
    static let knownKeys: Set<String> = [
        "IgnoreUnknown", "K8S_POD_NAME", "K8S_POD_NAMESPACE", "K8S_POD_UID", "K8S_POD_INFRA_CONTAINER_ID", "IP", "MAC",
    ]

    public var ignoreUnknown = false
    public var podName: String?
    public var podNamespace: String?
    public var ip: IPv4Address?
    public var mac: MACAddress?
    /// Every pair, known or not, in order.
    public var pairs: [(key: String, value: String)] = []

    public init() {}

    public static func == (lhs: CNIArgs, rhs: CNIArgs) -> Bool {
        lhs.ignoreUnknown == rhs.ignoreUnknown && lhs.podName == rhs.podName && lhs.podNamespace == rhs.podNamespace
            && lhs.ip == rhs.ip && lhs.mac == rhs.mac && lhs.pairs.map(\.key) == rhs.pairs.map(\.key)
            && lhs.pairs.map(\.value) == rhs.pairs.map(\.value)
    }

    public init(parsing text: String) throws(CNIError) {
        guard !text.isEmpty else { return }
        func invalid(_ reason: String) -> CNIError {
            CNIError(.invalidEnvironment, "invalid CNI_ARGS '\(Names.printable(text))'", details: reason)
        }
        var unknown: [String] = []
        for pair in text.split(separator: ";", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw invalid("'\(pair)' is not KEY=VALUE") }
            let key = String(parts[0]), value = String(parts[1])
            pairs.append((key, value))
            switch key {
            case "IgnoreUnknown":
                switch value.lowercased() {
                case "1", "true": ignoreUnknown = true
                case "0", "false": ignoreUnknown = false
                default: throw invalid("IgnoreUnknown must be 1, 0, true or false, not '\(value)'")
                }
            case "K8S_POD_NAME": podName = value
            case "K8S_POD_NAMESPACE": podNamespace = value
            case "IP":
                // host-local accepts a comma-separated list; bridgectl networks are IPv4 with one address.
                guard let parsed = IPv4Address(value) else { throw invalid("IP='\(value)' is not one IPv4 address") }
                ip = parsed
            case "MAC":
                guard let parsed = CNIArgs.parseMAC(value) else { throw invalid("MAC='\(value)' is not a unicast MAC address") }
                mac = parsed
            default:
                if !Self.knownKeys.contains(key) { unknown.append(key) }
            }
        }
        if !unknown.isEmpty && !ignoreUnknown {
            throw invalid("unknown key\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (IgnoreUnknown=1 allows them)")
        }
    }

    /// Six colon-separated hex pairs, unicast (the kernel refuses a multicast address on a
    /// veth) and not all zero.
    public static func parseMAC(_ text: String) -> MACAddress? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) else { return nil }
        let bytes = parts.compactMap { UInt8($0, radix: 16) }
        guard bytes.count == 6, bytes[0] & 1 == 0, bytes.contains(where: { $0 != 0 }) else { return nil }
        return MACAddress(bytes: bytes)
    }
}
