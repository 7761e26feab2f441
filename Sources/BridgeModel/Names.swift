/// Validation of the names users give: networks, containers, aliases, interfaces, domains.
public enum Names {
    /// Docker's and CNI's rule: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. Also bounded so it fits a file name.
    public static func validateObjectName(_ name: String, kind: String) throws(ModelError) {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isAlnum(first), bytes.count <= 128,
              bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else { throw ModelError.invalidName(name, kind: kind) }
    }

    /// Linux limits interface names to 15 bytes (IFNAMSIZ - 1) and forbids '/', ':' and spaces.
    public static func validateInterfaceName(_ name: String) throws(ModelError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, name != ".", name != ".." else { throw ModelError.invalidInterfaceName(name) }
        guard bytes.count <= 15 else { throw ModelError.interfaceNameTooLong(name) }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ":") }) else {
            throw ModelError.invalidInterfaceName(name)
        }
    }

    /// A DNS name (RFC 1123 labels) for `--hostname`, `--alias`, `--add-host` names and
    /// `--dns-search`: these end up as words in /etc/netns/NAME/{hosts,hostname,resolv.conf}, where
    /// a space or a newline would start another entry, so only label characters pass. Labels are
    /// 1-63 of [A-Za-z0-9_-], not starting or ending with '-'; 253 characters at most. `_` is
    /// allowed as Docker and container names allow it. A trailing dot (a rooted name) only where
    /// it means something (`resolv.conf`'s search list).
    public static func validateDomainName(_ name: String, kind: String, allowTrailingDot: Bool = false) throws(ModelError) {
        func refuse(_ reason: String) -> ModelError { .invalidDomainName(name, kind: kind, reason: reason) }
        if let bad = name.unicodeScalars.first(where: { !isLabelCharacter($0) && $0 != "." }) {
            throw refuse("\(describe(bad)) is not allowed (only letters, digits, '-', '_' and dots between labels)")
        }
        var body = Substring(name)
        if allowTrailingDot, body.count > 1, body.hasSuffix(".") { body = body.dropLast() }
        guard !body.isEmpty else { throw refuse("it is empty") }
        guard body.utf8.count <= 253 else { throw refuse("it is longer than 253 characters") }
        for label in body.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { throw refuse("it has an empty label (a leading, trailing or doubled dot)") }
            guard label.utf8.count <= 63 else { throw refuse("label '\(label.prefix(16))...' is longer than 63 characters") }
            if label.hasPrefix("-") || label.hasSuffix("-") { throw refuse("label '\(label)' starts or ends with '-'") }
        }
    }

    /// `--dns-search .` is Docker's way to say "no search domains" (not even the host's).
    public static let noSearchDomains = "."

    public static func validateSearchDomain(_ domain: String) throws(ModelError) {
        if domain == noSearchDomains { return }
        try validateDomainName(domain, kind: "--dns-search domain", allowTrailingDot: true)
    }

    /// A user's value as it can be shown inside one `Error:` line: control characters escaped,
    /// so a newline in the value neither splits the message nor hides what was given.
    public static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            case "\\": result += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f || (0x80..<0xa0).contains(scalar.value) {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "a newline"
        case " ", "\t": return "whitespace"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7f { return "a control character" }
            return "'\(printable(String(scalar)))'"
        }
    }

    static func isLabelCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (isAlnum(UInt8(scalar.value)) || scalar == "-" || scalar == "_")
    }

    static func isAlnum(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
    }
}
