import Glibc

/// Straight to fd 2, unbuffered: warnings and errors appear in order with what children print.
public func writeStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
