import BridgeModel

/// `explain`'s text: the course diagrams' shape drawn with box-drawing characters — the host
/// (uplink, forwarding, masquerade, published ports) at the top, each network's bridge below it,
/// the containers below their bridge, each hanging from its veth pair — then the isolation
/// between networks, the rules that apply in words, and every drift. Never wider than `width`
/// columns: long lines wrap inside their box and containers go side by side only as far as they
/// fit. Colour (drift in red, titles in bold) only when asked; the layout is the same either way.
public enum TopologyText {
    public static let defaultWidth = 100
    static let driftMark = "✗"

    public static func render(_ topology: Topology, color: Bool, width: Int = defaultWidth) -> String {
        let painter = Painter(color: color)
        var lines = picture(topology, width: width, painter: painter)
        lines.append("")
        lines += isolation(topology, width: width, painter: painter)
        lines += rules(topology, width: width, painter: painter)
        lines += drifts(topology, width: width, painter: painter)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: the picture

    static func picture(_ topology: Topology, width: Int, painter: Painter) -> [String] {
        let networkWidth = width - Tree.indent
        let networks = topology.networks.map { network in
            networkBlock(network, width: networkWidth, painter: painter)
        }
        let host = Box(title: "host", content: hostLines(topology), width: width, fill: true)
            .render(connectorUp: false, connectorDown: !networks.isEmpty, painter: painter)
        return host.lines + Tree.children(networks.map { [$0] }, painter: painter)
    }

    static func hostLines(_ topology: Topology) -> [Line] {
        var lines: [Line] = []
        if let uplink = topology.uplink {
            let addresses = uplink.addresses.map(\.description).joined(separator: ", ")
            lines.append(Line("uplink \(uplink.link)\(addresses.isEmpty ? "" : " \(addresses)")"
                              + (uplink.gateway.map { " · default via \($0)" } ?? "") + " → outside"))
        } else {
            lines.append(Line("no uplink: the host has no default route"))
        }
        if let forward = topology.ipForward {
            lines.append(Line("ip_forward=\(forward) (\(forward == "1" ? "the host routes between its interfaces" : "the host routes nothing"))"))
        }
        let way = topology.uplink.map { "as \($0.link)'s address" } ?? "as the host's address"
        for network in topology.networks {
            let subnet = network.subnet.map { " \($0)" } ?? ""
            if network.isInternal {
                lines.append(Line("\(network.name)\(subnet): internal, no way in or out"))
            } else if network.masquerade {
                lines.append(Line("\(network.name)\(subnet) → outside: masqueraded \(way)"))
            } else {
                lines.append(Line("\(network.name)\(subnet) → outside: routed with its own addresses (masquerade off)"))
            }
        }
        for network in topology.networks {
            for port in network.published { lines.append(Line("published \(port)")) }
        }
        if !topology.otherModes.isEmpty {
            lines.append(Line("no bridge: " + topology.otherModes.joined(separator: ", ")))
        }
        lines += topology.hostDrifts.map(Line.drift)
        return lines
    }

    static func networkBlock(_ network: Topology.Network, width: Int, painter: Painter) -> Block {
        var content: [Line] = []
        if let index = network.bridgeIndex {
            var facts = ["bridge \(network.bridge)", "ifindex \(index)"]
            facts += network.addresses.map(\.description)
            if let mtu = network.mtu { facts.append("MTU \(mtu)") }
            if let mac = network.mac { facts.append("MAC \(mac)") }
            content.append(Line(facts.joined(separator: " · ")))
        } else {
            content.append(Line("bridge \(network.bridge) \(driftMark) missing from the kernel", style: .drift))
        }
        content.append(Line("ICC \(network.icc ? "on" : "off") · masquerade \(network.masquerade ? "on" : "off")"
                            + " · internal \(network.isInternal ? "yes" : "no")"))
        if network.isInternal {
            content.append(Line("internal: nothing in from or out to any other interface"))
        }
        content.append(Line("isolated from: " + (network.isolatedFrom.isEmpty ? "(no other network)" : network.isolatedFrom.joined(separator: ", "))))
        if !network.otherContainers.isEmpty {
            content.append(Line("also on it: " + network.otherContainers.joined(separator: ", ")))
        }
        content += network.drifts.map(Line.drift)
        let box = Box(title: "network \(network.name)", content: content, width: width, fill: true)
            .render(connectorUp: true, connectorDown: !network.attachments.isEmpty, painter: painter)
        let containers = network.attachments.map { containerBox($0, width: width - Tree.indent, painter: painter) }
        let rows = Tree.rows(containers, width: width - Tree.indent)
        return Block(lines: box.lines + Tree.children(rows, painter: painter), width: width)
    }

    static func containerBox(_ attachment: Topology.Attachment, width: Int, painter: Painter) -> Block {
        var content: [Line] = []
        if let index = attachment.hostVethIndex {
            content.append(Line("\(attachment.hostVeth) · ifindex \(index)"))
            content.append(Line(attachment.bridgePort.map { "port of \($0)" } ?? "\(driftMark) on no bridge",
                                style: attachment.bridgePort == nil ? .drift : .plain))
        } else {
            content.append(Line("\(attachment.hostVeth) \(driftMark) missing", style: .drift))
        }
        content.append(Line("  ↕ veth pair"))
        let interface = attachment.interfaceIndex.map { "\(attachment.interface) · ifindex \($0)" }
            ?? "\(attachment.interface) \(driftMark) missing"
        content.append(Line(interface, style: attachment.interfaceIndex == nil ? .drift : .plain))
        content.append(Line("netns \(attachment.namespacePath)"))
        var facts = attachment.addresses.map(\.description)
        if let mac = attachment.mac { facts.append("MAC \(mac)") }
        if !facts.isEmpty { content.append(Line(facts.joined(separator: " · "))) }
        content += attachment.routes.map { Line($0) }
        content += attachment.nameservers.map { Line("nameserver \($0)") }
        content += attachment.ports.map { Line("publishes \($0)") }
        content += attachment.drifts.map(Line.drift)
        // Two side by side must fit: a box takes at most half the row.
        let boxWidth = max(24, (width - 1) / 2)
        return Box(title: attachment.container, content: content, width: min(width, boxWidth), fill: false)
            .render(connectorUp: true, connectorDown: false, painter: painter)
    }

    // MARK: below the picture

    static func isolation(_ topology: Topology, width: Int, painter: Painter) -> [String] {
        guard topology.scope == .everything, topology.networks.count > 1 else { return [] }
        var lines = [painter.paint("Isolation between networks", .title)]
        let networks = topology.networks
        for (offset, first) in networks.enumerated() {
            for second in networks[(offset + 1)...] {
                let shared = first.attachments.map(\.container).filter { name in second.attachments.contains { $0.container == name } }
                let rules = first.nftables && second.nftables ? "each one's forward-<bridge> chain" : "BRIDGECTL-ISOLATION-1/-2"
                var text = "\(first.name) and \(second.name): no traffic between them either way (\(rules))"
                if !shared.isEmpty { text += "; on both, so reaching both: \(shared.joined(separator: ", "))" }
                lines += wrap(text, width: width - 2).map { "  " + $0 }
            }
        }
        lines.append("")
        return lines
    }

    /// Each network's rules, grouped under the chain that holds them, one sentence a line.
    static func rules(_ topology: Topology, width: Int, painter: Painter) -> [String] {
        var lines: [String] = []
        for network in topology.networks where !network.rules.isEmpty {
            let command = network.nftables ? "nft list table \(NftTable.qualified)" : "iptables-save | grep bridgectl"
            lines.append(painter.paint("Rules for network \(network.name) (\(command))", .title))
            lines += ruleLines(network.rules, width: width, painter: painter)
            lines.append("")
        }
        if !topology.sharedRules.isEmpty && !topology.networks.isEmpty {
            let command = topology.sharedRulesAreNftables ? " (nft list table \(NftTable.qualified))" : ""
            lines.append(painter.paint("Rules every bridgectl network goes through\(command)", .title))
            lines += ruleLines(topology.sharedRules, width: width, painter: painter)
            lines.append("")
        }
        return lines
    }

    static func ruleLines(_ rules: [Topology.Rule], width: Int, painter: Painter) -> [String] {
        var lines: [String] = []
        var chain = ""
        for rule in rules {
            let place = rule.place
            if place != chain { lines.append("  " + place); chain = place }
            let sentence = rule.missing ? "\(driftMark) missing: \(rule.meaning.sentence)" : rule.meaning.sentence
            lines += wrap(sentence, width: width - 6).enumerated().map { index, text in
                painter.paint((index == 0 ? "    " : "      ") + text, rule.missing ? .drift : .plain)
            }
        }
        return lines
    }

    static func drifts(_ topology: Topology, width: Int, painter: Painter) -> [String] {
        var seen = Set<String>()
        let all = topology.allDrifts.filter { seen.insert($0).inserted }
        guard !all.isEmpty else { return ["no drift: the kernel holds what bridgectl's state says"] }
        var lines = [painter.paint("Drift (the kernel and the state disagree; bridgectl doctor --fix repairs it)", .title)]
        for drift in all {
            lines += wrap("\(driftMark) \(drift)", width: width - 2).enumerated().map { index, text in
                painter.paint((index == 0 ? "  " : "    ") + text, .drift)
            }
        }
        return lines
    }

    // MARK: layout

    /// Words to lines of at most `width` characters; a word longer than that is cut.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0, text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            var word = word
            while word.count > width {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// ANSI styles, or none.
struct Painter {
    enum Style { case plain, drift, title }
    let color: Bool

    func paint(_ text: String, _ style: Style) -> String {
        guard color else { return text }
        switch style {
        case .plain: return text
        case .drift: return "\u{1B}[31m\(text)\u{1B}[0m"
        case .title: return "\u{1B}[1m\(text)\u{1B}[0m"
        }
    }
}

/// One line of a box's content and how it is painted.
struct Line {
    var text: String
    var style: Painter.Style
    init(_ text: String, style: Painter.Style = .plain) { self.text = text; self.style = style }
    static func drift(_ sentence: String) -> Line { Line("\(TopologyText.driftMark) \(sentence)", style: .drift) }
}

/// Rendered lines, each exactly `width` columns wide however it is painted.
struct Block {
    var lines: [String]
    var width: Int
}

/// A titled box: `┌─ title ──┐`, content lines wrapped to fit, `└──┘`. A connector (`┴` on top,
/// `┬` below) in its second column joins it to the tree.
struct Box {
    var title: String
    var content: [Line]
    /// The most it may take.
    var width: Int
    /// Take all of `width`, not only what the content needs.
    var fill: Bool

    func render(connectorUp: Bool, connectorDown: Bool, painter: Painter) -> Block {
        let widest = max(title.count + 3, content.map(\.text.count).max() ?? 0)
        let inner = fill ? width - 4 : min(width - 4, widest)
        var lines: [String] = []
        let fillCount = max(1, inner + 4 - title.count - 6)
        lines.append("┌" + (connectorUp ? "┴" : "─") + "─ " + painter.paint(title, .title) + " "
                     + String(repeating: "─", count: fillCount) + "┐")
        for line in content {
            // Continuation lines are indented two columns, so they wrap two columns narrower.
            let pieces = line.text.count <= inner ? [line.text] : TopologyText.wrap(line.text, width: inner - 2)
            for (index, piece) in pieces.enumerated() {
                let text = index == 0 ? piece : "  " + piece
                lines.append("│ " + painter.paint(text, line.style) + String(repeating: " ", count: inner - text.count) + " │")
            }
        }
        lines.append("└" + (connectorDown ? "┬" : "─") + String(repeating: "─", count: inner + 1) + "┘")
        return Block(lines: lines, width: inner + 4)
    }
}

/// Children hung under a box whose bottom has `┬` in its second column: a trunk down that
/// column, a bus along each row, `┴` into each child's top.
enum Tree {
    /// Children start this far right of their parent.
    static let indent = 3

    /// Blocks packed into rows of at most `width` columns, one space apart.
    static func rows(_ blocks: [Block], width: Int) -> [[Block]] {
        var rows: [[Block]] = []
        var used = 0
        for block in blocks {
            if let last = rows.indices.last, used + 1 + block.width <= width {
                rows[last].append(block)
                used += 1 + block.width
            } else {
                rows.append([block])
                used = block.width
            }
        }
        return rows
    }

    static func children(_ rows: [[Block]], painter: Painter) -> [String] {
        var lines: [String] = []
        for (rowIndex, row) in rows.enumerated() {
            let isLast = rowIndex == rows.count - 1
            var connectors: [Int] = []
            var offset = indent
            for block in row {
                connectors.append(offset + 1)
                offset += block.width + 1
            }
            var bus = " " + (isLast ? "└" : "├")
            for column in 2...connectors.last! {
                bus += connectors.contains(column) ? (column == connectors.last! ? "┐" : "┬") : "─"
            }
            lines.append(bus)
            let height = row.map(\.lines.count).max() ?? 0
            for index in 0..<height {
                var line = isLast ? "   " : " │ "
                for (position, block) in row.enumerated() {
                    if position > 0 { line += " " }
                    line += index < block.lines.count ? block.lines[index] : String(repeating: " ", count: block.width)
                }
                lines.append(trimmedRight(line))
            }
        }
        return lines
    }

    /// Padding at the end of a line is noise in a terminal and in a golden file.
    static func trimmedRight(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
