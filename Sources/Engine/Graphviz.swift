import HostSystem

/// `explain --format svg`: Graphviz's `dot` turns the dot text into SVG. Reading only, never on
/// a create or remove path, so running a helper process here costs nothing that matters.
public enum Graphviz {
    /// Where Subprocess looks for programs (it runs them with this PATH).
    static let searchPath = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func svg(fromDot text: String) throws -> String {
        guard searchPath.contains(where: { Files.exists("\($0)/dot") }) else {
            throw Failure(description: "--format svg needs Graphviz's dot, which is not installed (Debian package graphviz: apt-get install graphviz)")
        }
        let result = try Subprocess.run(["dot", "-Tsvg"], input: text)
        guard result.status == 0 else {
            let reason = result.errors.split(whereSeparator: \.isNewline).first.map(String.init) ?? "exit status \(result.status)"
            throw Failure(description: "dot -Tsvg failed: \(reason)")
        }
        return result.output
    }
}
