/// Domain names between wire form (length-prefixed labels, maybe compressed) and presentation
/// form ("www.example.com", escapes as in `dig`).
enum DNSName {
    static let maxWireLength = 255
    static let maxLabelLength = 63
    /// A name has at most 127 labels, so a well-formed one never needs more pointers.
    static let maxPointers = 127

    struct Read {
        /// Offset just after the name where it was found (after its first pointer, if any).
        var end: Int
        /// Presentation bytes (empty unless asked for; empty also for the root).
        var text: [UInt8]
        /// Uncompressed wire form, including the final zero (empty unless asked for).
        var wire: [UInt8]
        /// Length of the uncompressed wire form (1 for the root).
        var wireLength: Int
    }

    /// Reads the name at `start`. Never reads outside `bytes` and always ends: every pointer
    /// must aim strictly below the lowest place this name has been read from, so positions
    /// strictly decrease from jump to jump; the pointer count is capped besides.
    static func read(_ bytes: [UInt8], at start: Int, text wantText: Bool = false,
                     wire wantWire: Bool = false) throws(DNSParseError) -> Read {
        var result = Read(end: -1, text: [], wire: [], wireLength: 0)
        if wantText { result.text.reserveCapacity(32) }
        if wantWire { result.wire.reserveCapacity(32) }
        var position = start
        var lowest = start
        var pointers = 0
        let count = bytes.count
        while true {
            guard position >= 0, position < count else { throw .truncated }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    result.wireLength += 1
                    if wantWire { result.wire.append(0) }
                    if result.end < 0 { result.end = position + 1 }
                    return result
                }
                guard position + 1 + length <= count else { throw .truncated }
                result.wireLength += 1 + length
                // The final zero must still fit.
                guard result.wireLength + 1 <= maxWireLength else { throw .nameTooLong }
                let label = (position + 1)..<(position + 1 + length)
                if wantWire {
                    result.wire.append(UInt8(length))
                    result.wire.append(contentsOf: bytes[label])
                }
                if wantText {
                    if !result.text.isEmpty { result.text.append(UInt8(ascii: ".")) }
                    for index in label { appendEscaped(bytes[index], to: &result.text) }
                }
                position += 1 + length
            case 0xC0:
                guard position + 1 < count else { throw .truncated }
                let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                if result.end < 0 { result.end = position + 2 }
                guard target >= 12, target < count else { throw .badPointer }
                guard target < lowest else { throw .compressionLoop }
                pointers += 1
                guard pointers <= maxPointers else { throw .compressionLoop }
                lowest = target
                position = target
            default:
                throw .labelTooLong
            }
        }
    }

    static func appendEscaped(_ byte: UInt8, to text: inout [UInt8]) {
        if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "\\") {
            text.append(UInt8(ascii: "\\"))
            text.append(byte)
        } else if byte <= 0x20 || byte >= 0x7F {
            text.append(UInt8(ascii: "\\"))
            text.append(UInt8(ascii: "0") + byte / 100)
            text.append(UInt8(ascii: "0") + byte / 10 % 10)
            text.append(UInt8(ascii: "0") + byte % 10)
        } else {
            text.append(byte)
        }
    }

    /// Appends the wire form of a presentation name (no compression). A trailing dot is
    /// allowed; "" and "." are the root. Returns false, leaving `out` as it was, for an empty
    /// label ("a..b", ".a"), a label over 63 bytes, a name over 255 bytes or a bad escape.
    static func encode(_ name: String, into out: inout [UInt8]) -> Bool {
        let mark = out.count
        var copy = name
        let ok = copy.withUTF8 { encode(utf8: $0, into: &out) }
        if !ok { out.removeSubrange(mark...) }
        return ok
    }

    private static func encode(utf8: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        let mark = out.count
        let count = utf8.count
        if count == 0 || (count == 1 && utf8[0] == UInt8(ascii: ".")) {
            out.append(0)
            return true
        }
        var labelStart = out.count
        out.append(0)  // length of the current label, patched when it ends
        var open = true
        var index = 0
        while index < count {
            var byte = utf8[index]
            index += 1
            if byte == UInt8(ascii: ".") {
                let length = out.count - labelStart - 1
                guard length > 0 else { return false }
                out[labelStart] = UInt8(length)
                open = false
                if index == count { break }  // trailing dot
                labelStart = out.count
                out.append(0)
                open = true
                continue
            }
            if byte == UInt8(ascii: "\\") {
                guard index < count else { return false }
                let next = utf8[index]
                if next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9") {
                    guard index + 3 <= count else { return false }
                    var value = 0
                    for digit in utf8[index..<(index + 3)] {
                        guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else { return false }
                        value = value * 10 + Int(digit - UInt8(ascii: "0"))
                    }
                    guard value <= 255 else { return false }
                    byte = UInt8(value)
                    index += 3
                } else {
                    byte = next
                    index += 1
                }
            }
            guard out.count - labelStart - 1 < maxLabelLength else { return false }
            out.append(byte)
            // The final zero must still fit.
            guard out.count - mark < maxWireLength else { return false }
        }
        if open {
            let length = out.count - labelStart - 1
            guard length > 0 else { return false }
            out[labelStart] = UInt8(length)
        }
        out.append(0)
        return out.count - mark <= maxWireLength
    }

    /// Presentation names equal ignoring ASCII case and one trailing dot.
    static func equalIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs.utf8[...]
        var rhs = rhs.utf8[...]
        if lhs.last == UInt8(ascii: "."), lhs.count > 1 { lhs = lhs.dropLast() }
        if rhs.last == UInt8(ascii: "."), rhs.count > 1 { rhs = rhs.dropLast() }
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { lowercase($0) == lowercase($1) }
    }

    @inline(__always)
    static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
