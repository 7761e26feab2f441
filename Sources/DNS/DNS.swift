// The pure DNS layer of the embedded resolver: RFC 1035 wire format (DNSWire.swift,
// DNSMessage.swift, DNSName.swift, TCPFraming.swift) and name lookup (NameTable.swift).
// Standard library only: no Foundation, no Glibc. The socket side lives in DNSServer.

/// Record types the resolver understands (others pass through as raw numbers).
public enum DNSType {
    public static let a: UInt16 = 1
    public static let ptr: UInt16 = 12
    public static let aaaa: UInt16 = 28
    public static let opt: UInt16 = 41
    public static let any: UInt16 = 255
}

/// Record classes.
public enum DNSClass {
    public static let internet: UInt16 = 1
    public static let any: UInt16 = 255
}

/// Response codes (the low four bits of the header's flags).
public enum DNSRCode {
    public static let noError: UInt8 = 0
    public static let formErr: UInt8 = 1
    public static let servFail: UInt8 = 2
    public static let nxDomain: UInt8 = 3
    public static let notImp: UInt8 = 4
    public static let refused: UInt8 = 5
}

/// Bits of the header's second 16-bit word.
public enum DNSFlags {
    public static let response: UInt16 = 0x8000          // QR
    public static let opcodeMask: UInt16 = 0x7800        // OPCODE (4 bits)
    public static let authoritative: UInt16 = 0x0400     // AA
    public static let truncated: UInt16 = 0x0200         // TC
    public static let recursionDesired: UInt16 = 0x0100  // RD
    public static let recursionAvailable: UInt16 = 0x0080 // RA
    public static let authenticData: UInt16 = 0x0020     // AD
    public static let checkingDisabled: UInt16 = 0x0010  // CD
    public static let rcodeMask: UInt16 = 0x000F
}
