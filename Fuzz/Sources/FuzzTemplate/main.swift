import FuzzDriver
import Glibc
import Templates

/// A small inspect-like document: shallow, so any template's output stays small (ranges only
/// descend into it), yet with every JSON kind the engine formats. Built per input, not kept in
/// a global: LeakSanitizer cannot follow Swift's tagged enum payload pointers and would report
/// a global's tree as leaked at exit.
enum Fixture {
    static func document() -> JSONValue {
        .object([
            "Name": .string("app-network"),
            "Id": .string("0123456789ab"),
            "Internal": .bool(false),
            "Count": .int(2),
            "Nothing": .null,
            "IPAM": .object(["Driver": .string("default"), "Config": .array([
                .object(["Subnet": .string("172.18.0.0/16"), "Gateway": .string("172.18.0.1")]),
            ])]),
            "Containers": .object([
                ("bbbb", .object(["Name": .string("web"), "IPv4Address": .string("172.18.0.2/16")])),
                ("aaaa", .object(["Name": .string("db"), "IPv4Address": .string("172.18.0.3/16")])),
            ]),
            "Labels": .object([("com.example", .string("<&>\"\\\n"))]),
            "Aliases": .array([.string("a"), .string("b")]),
        ])
    }
}

/// `--format` templates: parse, then render against `Fixture.document()`. Errors are fine; a trap, a
/// stack overflow or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let template = try? GoTemplate(parsing: text) else { return 0 }
    _ = try? template.render(Fixture.document())
    return 0
}

// SwiftPM makes this file's top-level code the program's main (libFuzzer's main is linked too,
// hence the @_cdecl name above, but never runs), so start libFuzzer's driver from here.
var argumentCount = CommandLine.argc
var arguments = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &arguments) { data, size in fuzzTemplate(data!, size) })
