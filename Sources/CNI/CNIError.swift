import BridgeModel

/// A failure as the CNI spec reports it: a code, a short `msg` and the `details`. Codes below
/// 100 are the spec's; 100 and up are bridgectl's own.
public struct CNIError: Error, Equatable, Sendable, UserFacingError {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let incompatibleVersion = Code(rawValue: 1)
        /// The message must name the key and its value.
        public static let unsupportedField = Code(rawValue: 2)
        /// The runtime need not DEL: there is nothing to clean up.
        public static let unknownContainer = Code(rawValue: 3)
        /// The message must name the variables.
        public static let invalidEnvironment = Code(rawValue: 4)
        public static let ioFailure = Code(rawValue: 5)
        public static let decodingFailure = Code(rawValue: 6)
        public static let invalidNetworkConfig = Code(rawValue: 7)
        public static let tryAgainLater = Code(rawValue: 11)
        /// STATUS: no ADD can succeed now.
        public static let pluginNotAvailable = Code(rawValue: 50)
        /// STATUS: no ADD can succeed, and existing attachments may have limited connectivity.
        public static let limitedConnectivity = Code(rawValue: 51)

        /// Any other bridgectl failure (its message is the one line the CLI would print).
        public static let operationFailed = Code(rawValue: 100)
        /// The config's settings contradict the existing bridgectl network of that name.
        public static let networkConflict = Code(rawValue: 101)
        /// CHECK: the attachment differs from what the kernel shows.
        public static let attachmentDiffers = Code(rawValue: 102)
        /// bridgectl refuses to run here (not root; the machine's own namespace where forbidden).
        public static let notPermitted = Code(rawValue: 103)
    }

    public var code: Code
    public var msg: String
    public var details: String?

    public init(_ code: Code, _ msg: String, details: String? = nil) {
        self.code = code; self.msg = msg; self.details = details
    }

    /// The `Error:` line: the short message, then the details.
    public var message: String {
        guard let details, !details.isEmpty else { return msg }
        return "\(msg): \(details)"
    }

    /// The error result. `version` is the config's when it was read, else the newest.
    public func json(version: CNIVersion = .latest) -> CNIJSON {
        var members: [(key: String, value: CNIJSON)] = [
            ("cniVersion", .string(version.rawValue)), ("code", .int(code.rawValue)), ("msg", .string(msg)),
        ]
        if let details, !details.isEmpty { members.append(("details", .string(details))) }
        return .object(members)
    }
}

/// The spec versions bridgectl speaks. Results are written in the version the config asks for.
public enum CNIVersion: String, CaseIterable, Comparable, Sendable {
    case v0_4_0 = "0.4.0"
    case v1_0_0 = "1.0.0"
    case v1_1_0 = "1.1.0"

    public static let latest = CNIVersion.v1_1_0

    public static func < (lhs: CNIVersion, rhs: CNIVersion) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// A version this plugin cannot speak is code 1, listing the ones it can.
    public init(requested text: String) throws(CNIError) {
        guard let version = CNIVersion(rawValue: text) else {
            throw CNIError(.incompatibleVersion, "incompatible CNI versions",
                           details: "config is \"\(Names.printable(text))\", plugin supports \(Self.supportedList)")
        }
        self = version
    }

    static var supportedList: String { "[" + allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " ") + "]" }

    /// The VERSION answer. It is the same whatever the runtime sent: like libcni's plugins,
    /// bridgectl does not read stdin for VERSION, so a runtime probing it never waits on it.
    public static var versionResult: CNIJSON {
        .object([("cniVersion", .string(latest.rawValue)),
                 ("supportedVersions", .array(allCases.map { .string($0.rawValue) }))])
    }
}
