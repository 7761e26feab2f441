import ArgumentParser
import Glibc
import Engine
import Planning

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Draw the networks as the kernel holds them: bridges, veth pairs, containers, the rules in words, and what drifted.",
        discussion: """
            With no argument, every network and how they are isolated from each other; with a network, \
            that network; with a container, that container on each of its networks. Read from the \
            kernel (links, addresses, routes, /etc/netns, iptables-save) and named by the state; \
            where the two disagree the picture marks it in doctor's words. --format dot and mermaid print \
            graphs (Graphviz, Markdown); svg runs Graphviz's dot. Colour only on a terminal and \
            never with NO_COLOR set.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format: text, dot, mermaid or svg.")
    var format = "text"
    @Argument(help: "A network or container name or ID (default: every network).")
    var scope: String?

    static let formats = ["text", "dot", "mermaid", "svg"]

    /// Run at parse time, so a bad format is refused before anything is read.
    func validate() throws {
        guard Self.formats.contains(format) else {
            throw ExplainFormatError(format: format)
        }
    }

    func run() throws {
        let topology = try global.session(mutating: false).explain(scope: scope)
        switch format {
        case "dot": print(TopologyGraph.dot(topology), terminator: "")
        case "mermaid": print(TopologyGraph.mermaid(topology), terminator: "")
        case "svg": print(try Graphviz.svg(fromDot: TopologyGraph.dot(topology)), terminator: "")
        default: print(TopologyText.render(topology, color: Self.usesColor()), terminator: "")
        }
    }

    /// Colour on a terminal only, and never with NO_COLOR set to anything (no-color.org).
    static func usesColor() -> Bool {
        guard isatty(STDOUT_FILENO) == 1 else { return false }
        return (environmentValue("NO_COLOR") ?? "").isEmpty
    }
}

/// A bad --format as one `Error:` line (a ValidationError would add the usage after it).
struct ExplainFormatError: Error, CustomStringConvertible {
    let format: String
    var description: String {
        "invalid --format '\(format)': expected \(ExplainCommand.formats.joined(separator: ", "))"
    }
}
