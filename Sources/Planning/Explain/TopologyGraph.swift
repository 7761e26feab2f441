import BridgeModel

/// `explain --format dot|mermaid`: the same picture as the text, as a graph. Nodes are the
/// outside, the host, each network's bridge, each container (once, however many networks it is
/// on) and each network's rules; an edge from a bridge to a container is its veth pair. Whatever
/// drifted is drawn red and dashed (dot) or in the `drift` class (mermaid), with its sentence.
public enum TopologyGraph {
    /// A node: its ID, its lines, whether it carries a drift, its shape.
    struct Node {
        enum Shape { case box, outside, note }
        var id: String
        var lines: [String]
        var drifted: Bool
        var shape: Shape
    }

    struct Edge {
        enum Kind { case solid, missing, isolation, annotation }
        var from: String
        var to: String
        var label: [String]
        var kind: Kind
    }

    /// Lines in a node wrap here, so a long sentence does not stretch the picture.
    static let labelWidth = 60

    static func graph(_ topology: Topology) -> (nodes: [Node], edges: [Edge]) {
        var nodes: [Node] = []
        var edges: [Edge] = []
        nodes.append(Node(id: "outside", lines: ["outside"], drifted: false, shape: .outside))
        var host = ["host"]
        if let uplink = topology.uplink {
            host.append("uplink \(uplink.link) \(uplink.addresses.map(\.description).joined(separator: ", "))")
            if let gateway = uplink.gateway { host.append("default via \(gateway)") }
        } else {
            host.append("no uplink (no default route)")
        }
        if let forward = topology.ipForward { host.append("ip_forward=\(forward)") }
        for network in topology.networks { host += network.published.map { "published \($0)" } }
        host += topology.otherModes.map { "no bridge: \($0)" }
        host += topology.hostDrifts.map { "✗ \($0)" }
        nodes.append(Node(id: "host", lines: host, drifted: !topology.hostDrifts.isEmpty, shape: .box))
        edges.append(Edge(from: "host", to: "outside", label: [topology.uplink.map { "uplink \($0.link)" } ?? "no uplink"],
                          kind: topology.uplink == nil ? .missing : .solid))

        var containerIDs: [String: String] = [:]
        for (index, network) in topology.networks.enumerated() {
            let id = "net\(index)"
            var lines = ["network \(network.name)"]
            if let bridgeIndex = network.bridgeIndex {
                lines.append("bridge \(network.bridge) ifindex \(bridgeIndex)")
            } else {
                lines.append("✗ bridge \(network.bridge) missing")
            }
            lines += network.addresses.map { "gateway \($0)" }
            if let mtu = network.mtu { lines.append("MTU \(mtu)\(network.mac.map { " MAC \($0)" } ?? "")") }
            lines.append("ICC \(network.icc ? "on" : "off") · masquerade \(network.masquerade ? "on" : "off") · internal \(network.isInternal ? "yes" : "no")")
            lines += network.drifts.map { "✗ \($0)" }
            nodes.append(Node(id: id, lines: lines, drifted: !network.drifts.isEmpty || network.bridgeIndex == nil, shape: .box))
            let way = network.isInternal ? "internal: no way in or out"
                : network.masquerade ? "masquerade \(network.subnet.map(\.description) ?? "")" : "routed (masquerade off)"
            edges.append(Edge(from: "host", to: id, label: [way], kind: network.isInternal ? .annotation : .solid))
            for attachment in network.attachments {
                let containerID: String
                if let known = containerIDs[attachment.container] {
                    containerID = known
                } else {
                    containerID = "ctr\(containerIDs.count)"
                    containerIDs[attachment.container] = containerID
                    nodes.append(containerNode(containerID, attachment))
                }
                let missing = attachment.hostVethIndex == nil || attachment.interfaceIndex == nil
                    || attachment.bridgePort != network.bridge
                var label = [
                    "\(attachment.hostVeth) \(attachment.hostVethIndex.map { "ifindex \($0)" } ?? "✗ missing")",
                    "↔ \(attachment.interface) \(attachment.interfaceIndex.map { "ifindex \($0)" } ?? "✗ missing")",
                ]
                label += attachment.addresses.map(\.description)
                if let mac = attachment.mac { label.append("MAC \(mac)") }
                edges.append(Edge(from: id, to: containerID, label: label, kind: missing ? .missing : .solid))
            }
            if !network.rules.isEmpty {
                let rulesID = "rules\(index)"
                nodes.append(Node(id: rulesID, lines: ["rules for \(network.name)"] + network.rules.map(ruleLine),
                                  drifted: network.rules.contains(where: \.missing), shape: .note))
                edges.append(Edge(from: id, to: rulesID, label: [], kind: .annotation))
            }
        }
        for (offset, first) in topology.networks.enumerated() {
            for (secondOffset, second) in topology.networks.enumerated() where secondOffset > offset
                && first.isolatedFrom.contains(second.name) {
                edges.append(Edge(from: "net\(offset)", to: "net\(secondOffset)", label: ["isolated"], kind: .isolation))
            }
        }
        return (nodes, edges)
    }

    static func containerNode(_ id: String, _ attachment: Topology.Attachment) -> Node {
        var lines = ["container \(attachment.container)", "netns \(attachment.namespacePath)"]
        lines += attachment.routes
        lines += attachment.nameservers.map { "nameserver \($0)" }
        lines += attachment.ports.map { "publishes \($0)" }
        lines += attachment.drifts.map { "✗ \($0)" }
        return Node(id: id, lines: lines, drifted: !attachment.drifts.isEmpty, shape: .box)
    }

    static func ruleLine(_ rule: Topology.Rule) -> String {
        (rule.missing ? "✗ missing: " : "") + "\(rule.place): \(rule.meaning.sentence)"
    }

    static func wrapped(_ lines: [String]) -> [String] {
        lines.flatMap { line in
            TopologyText.wrap(line, width: labelWidth).enumerated().map { $0.offset == 0 ? $0.element : "  " + $0.element }
        }
    }

    // MARK: Graphviz

    public static func dot(_ topology: Topology) -> String {
        let (nodes, edges) = graph(topology)
        var out = [
            "digraph bridgectl {",
            "  graph [rankdir=TB, fontname=\"monospace\"];",
            "  node [shape=box, fontname=\"monospace\", fontsize=10];",
            "  edge [fontname=\"monospace\", fontsize=9];",
        ]
        for node in nodes {
            var attributes = ["label=\(dotLabel(node.lines))"]
            switch node.shape {
            case .box: break
            case .outside: attributes.append("shape=ellipse")
            case .note: attributes.append("shape=note")
            }
            if node.drifted { attributes += ["color=red", "fontcolor=red", "style=dashed"] }
            out.append("  \(node.id) [\(attributes.joined(separator: ", "))];")
        }
        for edge in edges {
            var attributes: [String] = []
            if !edge.label.isEmpty { attributes.append("label=\(dotLabel(edge.label))") }
            switch edge.kind {
            case .solid: break
            case .missing: attributes += ["color=red", "fontcolor=red", "style=dashed"]
            case .isolation: attributes += ["dir=both", "arrowhead=tee", "arrowtail=tee", "style=dotted", "constraint=false"]
            case .annotation: attributes += ["style=dotted", "arrowhead=none"]
            }
            out.append("  \(edge.from) -> \(edge.to)" + (attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]") + ";")
        }
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    /// A quoted, left-justified dot label.
    public static func dotLabel(_ lines: [String]) -> String {
        let escaped = wrapped(lines).map { line in
            line.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
        }
        return "\"" + escaped.map { $0 + "\\l" }.joined() + "\""
    }

    // MARK: Mermaid

    public static func mermaid(_ topology: Topology) -> String {
        let (nodes, edges) = graph(topology)
        var out = ["flowchart TB"]
        for node in nodes {
            let label = mermaidLabel(node.lines)
            switch node.shape {
            case .box: out.append("    \(node.id)[\(label)]")
            case .outside: out.append("    \(node.id)((\(label)))")
            case .note: out.append("    \(node.id)>\(label)]")
            }
        }
        for edge in edges {
            let label = edge.label.isEmpty ? "" : "|\(mermaidLabel(edge.label))|"
            switch edge.kind {
            case .solid: out.append("    \(edge.from) -->\(label) \(edge.to)")
            case .missing: out.append("    \(edge.from) -.->\(label) \(edge.to)")
            case .isolation: out.append("    \(edge.from) x-.-x\(label) \(edge.to)")
            case .annotation: out.append("    \(edge.from) -.-\(label) \(edge.to)")
            }
        }
        let drifted = nodes.filter(\.drifted).map(\.id)
        out.append("    classDef drift stroke:#d00,stroke-width:2px,stroke-dasharray:5 5,color:#d00")
        if !drifted.isEmpty { out.append("    class \(drifted.joined(separator: ",")) drift") }
        return out.joined(separator: "\n") + "\n"
    }

    /// A quoted Mermaid label: lines joined by <br/>, quotes and angle brackets as entity codes
    /// (Mermaid reads `<` as HTML and `"` as the label's end).
    public static func mermaidLabel(_ lines: [String]) -> String {
        let escaped = wrapped(lines).map { line in
            line.replacingAll("#", with: "#35;").replacingAll("\"", with: "#quot;")
                .replacingAll("<", with: "#lt;").replacingAll(">", with: "#gt;")
        }
        return "\"" + escaped.joined(separator: "<br/>") + "\""
    }
}

extension String {
    /// Every occurrence of `target` replaced (Foundation-free).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
