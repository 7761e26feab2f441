import Glibc
import CLinux

/// A failed system call, with errno kept for callers that tolerate ENOENT or EEXIST.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let code: Int32

    public init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var isNotFound: Bool { code == ENOENT }
    public var alreadyExists: Bool { code == EEXIST }
    public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}
