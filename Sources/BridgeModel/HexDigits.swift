extension Sequence<UInt8> {
    /// Two lowercase hex digits a byte, `separator` between them: "02:42:ac:11:00:02".
    public func hexDigits(separator: String = "") -> String {
        map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: separator)
    }
}
