/// Validation of the names users give: networks, containers, aliases, interfaces.
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

    /// A DNS-style name for `--alias`, `--hostname` and `--add-host`: labels of letters, digits, '-', '_' and '.'.
    public static func validateHostName(_ name: String, kind: String) throws(ModelError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253, bytes.first != UInt8(ascii: "."), bytes.first != UInt8(ascii: "-"),
              bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") })
        else { throw ModelError.invalidName(name, kind: kind) }
    }

    static func isAlnum(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
    }
}
