import CNetlink

/// A failed libnl call. Keeps libnl's code so callers test `isNotFound`/`alreadyExists` instead
/// of matching message text.
public struct NetlinkError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    /// libnl's negative NLE_* code.
    public let code: Int32

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// The kernel changed the table while dumping it (NLM_F_DUMP_INTR): the dump may be
    /// inconsistent and must be taken again.
    public var dumpInterrupted: Bool { abs(code) == NLE_DUMP_INTR }
    public var alreadyExists: Bool { abs(code) == NLE_EXIST }
    public var isNotFound: Bool { abs(code) == NLE_OBJ_NOTFOUND || abs(code) == NLE_NODEV || abs(code) == NLE_NOADDR }
    public var description: String { "\(operation): \(String(cString: nl_geterror(code)))" }
}

@inline(__always)
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(NetlinkError) {
    if result < 0 { throw NetlinkError(operation: operation(), code: result) }
}
