import BridgeModel

/// One difference between the expected host and the observed one, naming the object and whose it
/// is. Orphans are only ever objects bridgectl marked (a link alias, a rule comment, a
/// BRIDGECTL- chain) that no record accounts for; an unmarked link is never one, whatever its name.
public struct Drift: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case bridgeMissing(bridge: String)
        /// `problem` in words: "has MTU 1400, expected 1500", "is down", ...
        case bridgeDiffers(bridge: String, problem: String)
        case addressMissing(address: InterfaceAddress, link: String, namespace: String?)
        case vethMissing(veth: String, bridge: String)
        /// `master`: the bridge it is on instead, nil when it is on none.
        case vethNotOnBridge(veth: String, bridge: String, master: String?)
        case vethDiffers(veth: String, problem: String)
        case namespaceMissing(namespace: String)
        case namespaceUnreadable(namespace: String, reason: String)
        /// A runtime's container whose own namespace (`path`, CNI_NETNS) is gone or is another
        /// one now: the runtime dropped it without a CNI DEL, and only bridgectl's bind mount
        /// keeps it (and the endpoint) alive. Never made again: `doctor --fix` removes the container.
        case runtimeNamespaceGone(namespace: String, path: String)
        case interfaceMissing(interface: String, namespace: String)
        case interfaceDiffers(interface: String, namespace: String, problem: String)
        case defaultRouteMissing(namespace: String, gateway: IPv4Address, link: String)
        case defaultRouteDiffers(namespace: String, gateway: IPv4Address, observed: IPv4Address?)
        case fileMissing(path: String)
        case fileDiffers(path: String)
        case chainMissing(table: String, chain: String)
        case ruleMissing(table: String, chain: String, spec: String)
        /// `observed` nil: the key cannot be read (br_netfilter not loaded, say).
        case sysctlDiffers(key: String, expected: String, observed: String?)
        case hairpinOff(link: String)
        /// A link carrying bridgectl's mark that no record accounts for.
        case orphanLink(name: String, kind: String?, mark: String)
        case orphanRule(table: String, chain: String, spec: String)
        case orphanChain(table: String, chain: String)
        /// Containers that need the embedded DNS (`count` of them) and no resolver runs.
        case resolverNotRunning(containers: Int)
        /// The resolver had died without stopping and this very command started it again.
        case resolverRestarted
        case resolverNotAnswering(reason: String)
        case resolverNotServing(namespace: String)
        /// A killed bridgectl left `count` plans half-applied; this command undid or finished them.
        case interruptedPlansFinished(count: Int)
        /// bridgectl's nftables table differs from what the records expect.
        case nftables(NftDifference)
    }

    /// Whose object it is; nil for an orphan (nothing in the state owns it).
    public var owner: HostOwner?
    public var kind: Kind

    public init(owner: HostOwner?, kind: Kind) { self.owner = owner; self.kind = kind }

    public var isOrphan: Bool {
        switch kind {
        case .orphanLink, .orphanRule, .orphanChain: return true
        case .nftables(let difference): return difference.isOrphan
        default: return false
        }
    }

    /// The sentence `doctor` prints: "container api: veth vethab12cd3 is missing from bridge br-1f2e…".
    public var description: String {
        let what: String
        switch kind {
        case .bridgeMissing(let bridge): what = "bridge \(bridge) is missing"
        case .bridgeDiffers(let bridge, let problem): what = "bridge \(bridge) \(problem)"
        case .addressMissing(let address, let link, let namespace):
            what = "address \(address) is missing from \(link)\(namespace.map { " in namespace \($0)" } ?? "")"
        case .vethMissing(let veth, let bridge): what = "veth \(veth) is missing from bridge \(bridge)"
        case .vethNotOnBridge(let veth, let bridge, let master):
            what = "veth \(veth) is \(master.map { "on bridge \($0)" } ?? "on no bridge"), expected on bridge \(bridge)"
        case .vethDiffers(let veth, let problem): what = "veth \(veth) \(problem)"
        case .namespaceMissing(let namespace): what = "namespace \(namespace) is missing"
        case .namespaceUnreadable(let namespace, let reason): what = "namespace \(namespace) cannot be entered: \(reason)"
        case .runtimeNamespaceGone(let namespace, let path):
            what = "the runtime's namespace \(path) is gone (only bridgectl's mount \(namespace) keeps it); "
                + "'bridgectl doctor --fix' removes the container"
        case .interfaceMissing(let interface, let namespace): what = "interface \(interface) is missing from namespace \(namespace)"
        case .interfaceDiffers(let interface, let namespace, let problem):
            what = "interface \(interface) in namespace \(namespace) \(problem)"
        case .defaultRouteMissing(let namespace, let gateway, let link):
            what = "default route via \(gateway) dev \(link) is missing from namespace \(namespace)"
        case .defaultRouteDiffers(let namespace, let gateway, let observed):
            what = "default route in namespace \(namespace) goes via \(observed.map { "\($0)" } ?? "no gateway"), expected via \(gateway)"
        case .fileMissing(let path): what = "file \(path) is missing"
        case .fileDiffers(let path): what = "file \(path) differs from what bridgectl wrote"
        case .chainMissing(let table, let chain): what = "chain \(table) \(chain) is missing"
        case .ruleMissing(let table, let chain, let spec):
            what = "rule '\(Self.ruleName(spec))' is missing from \(table) \(chain)"
        case .sysctlDiffers(let key, let expected, let observed):
            what = "sysctl \(key) is \(observed ?? "unreadable"), expected \(expected)"
        case .hairpinOff(let link): what = "hairpin mode is off on bridge port \(link)"
        case .orphanLink(let name, let kind, let mark):
            let noun = kind ?? "link"
            let owner = LinkMark.owner(ofAlias: mark)
            let missing: String
            switch owner {
            case .container: missing = "no container"
            case .network: missing = "no network"
            default: missing = "no owner"
            }
            return "orphan \(noun) \(name) ('\(mark)') has \(missing) in the state"
        case .orphanRule(let table, let chain, let spec):
            return "orphan rule '\(Self.ruleName(spec))' in \(table) \(chain) has no owner in the state"
        case .orphanChain(let table, let chain):
            return "orphan chain \(table) \(chain) has no network in the state"
        case .resolverNotRunning(let containers):
            what = "the DNS resolver is not running (\(containers) container(s) on user networks resolve no names)"
        case .resolverRestarted: what = "the DNS resolver had died without stopping; this command started it again"
        case .resolverNotAnswering(let reason): what = "the DNS resolver does not answer: \(reason)"
        case .resolverNotServing(let namespace): what = "the DNS resolver does not serve namespace \(namespace)"
        case .interruptedPlansFinished(let count):
            what = "\(count) change(s) left half-done by a killed bridgectl (journal) were undone or finished by this command"
        case .nftables(let difference): what = "\(difference)"
        }
        return "\(owner.map { "\($0)" } ?? "bridgectl"): \(what)"
    }

    /// The kind's name, for `doctor --format json`.
    public var kindName: String {
        switch kind {
        case .bridgeMissing: return "bridgeMissing"
        case .bridgeDiffers: return "bridgeDiffers"
        case .addressMissing: return "addressMissing"
        case .vethMissing: return "vethMissing"
        case .vethNotOnBridge: return "vethNotOnBridge"
        case .vethDiffers: return "vethDiffers"
        case .namespaceMissing: return "namespaceMissing"
        case .namespaceUnreadable: return "namespaceUnreadable"
        case .runtimeNamespaceGone: return "runtimeNamespaceGone"
        case .interfaceMissing: return "interfaceMissing"
        case .interfaceDiffers: return "interfaceDiffers"
        case .defaultRouteMissing: return "defaultRouteMissing"
        case .defaultRouteDiffers: return "defaultRouteDiffers"
        case .fileMissing: return "fileMissing"
        case .fileDiffers: return "fileDiffers"
        case .chainMissing: return "chainMissing"
        case .ruleMissing: return "ruleMissing"
        case .sysctlDiffers: return "sysctlDiffers"
        case .hairpinOff: return "hairpinOff"
        case .orphanLink: return "orphanLink"
        case .orphanRule: return "orphanRule"
        case .orphanChain: return "orphanChain"
        case .resolverNotRunning: return "resolverNotRunning"
        case .resolverRestarted: return "resolverRestarted"
        case .resolverNotAnswering: return "resolverNotAnswering"
        case .resolverNotServing: return "resolverNotServing"
        case .interruptedPlansFinished: return "interruptedPlansFinished"
        case .nftables: return "nftables"
        }
    }

    /// A rule in words: its bridgectl comment, or the whole spec when it has none.
    static func ruleName(_ spec: String) -> String {
        let marker = "--comment \""
        var rest = Substring(spec)
        while !rest.isEmpty && !rest.hasPrefix(marker) { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return spec }
        rest = rest.dropFirst(marker.count)
        return String(rest[..<(rest.firstIndex(of: "\"") ?? rest.endIndex)])
    }
}

extension ExpectedHost {
    /// Every difference between this expected host and `observed`, looking only at the parts the
    /// snapshot holds. A missing parent is reported once, not once per child: no drift about the
    /// interfaces of a missing namespace.
    public func drifts(from observed: HostSnapshot) -> [Drift] {
        var drifts: [Drift] = []
        let parts = observed.parts
        let host = observed.host
        func add(_ owner: HostOwner?, _ kind: Drift.Kind) { drifts.append(Drift(owner: owner, kind: kind)) }

        var absentNamespaces = Set<String>()
        if parts.contains(.namespaces) {
            for namespace in namespaces where !observed.namespaceNames.contains(namespace.name) {
                absentNamespaces.insert(namespace.name)
                add(namespace.owner, .namespaceMissing(namespace: namespace.name))
            }
        }

        var hostLinks: [String: HostSnapshot.Link] = [:]
        var hostLinkNames: [Int32: String] = [:]
        for link in host.links { hostLinks[link.name] = link; hostLinkNames[link.index] = link.name }
        var hostAddresses: [String: Set<InterfaceAddress>] = [:]
        for entry in host.addresses { hostAddresses[entry.link, default: []].insert(entry.address) }

        if parts.contains(.hostLinks) {
            for bridge in bridges {
                guard let link = hostLinks[bridge.name] else { add(bridge.owner, .bridgeMissing(bridge: bridge.name)); continue }
                for problem in Self.problems(link, kind: "bridge", mtu: bridge.mtu, mac: bridge.mac, alias: bridge.alias,
                                             isUp: bridge.isUp) {
                    add(bridge.owner, .bridgeDiffers(bridge: bridge.name, problem: problem))
                }
                if parts.contains(.hostAddresses) {
                    let present = hostAddresses[bridge.name] ?? []
                    for address in bridge.addresses where !present.contains(address) {
                        add(bridge.owner, .addressMissing(address: address, link: bridge.name, namespace: nil))
                    }
                }
            }
            // A deleted namespace takes its veths with it: the namespace is what is reported.
            for veth in veths where !absentNamespaces.contains(veth.namespace) {
                guard let link = hostLinks[veth.name] else { add(veth.owner, .vethMissing(veth: veth.name, bridge: veth.bridge)); continue }
                let master = link.masterIndex.flatMap { hostLinkNames[$0] }
                if master != veth.bridge {
                    add(veth.owner, .vethNotOnBridge(veth: veth.name, bridge: veth.bridge, master: master))
                }
                for problem in Self.problems(link, kind: "veth", mtu: veth.mtu, mac: nil, alias: veth.alias, isUp: veth.isUp) {
                    add(veth.owner, .vethDiffers(veth: veth.name, problem: problem))
                }
            }
            let expectedLinks = Set(bridges.map(\.name) + veths.map(\.name))
            for link in host.links where judgesOrphans && !expectedLinks.contains(link.name) {
                guard let alias = link.alias, LinkMark.owner(ofAlias: alias) != nil else { continue }
                add(nil, .orphanLink(name: link.name, kind: link.kind, mark: alias))
            }
        }

        if parts.contains(.containerNamespaces) {
            var reportedUnreadable = Set<String>()
            for interface in interfaces where !absentNamespaces.contains(interface.namespace) {
                if let reason = observed.unreadableNamespaces[interface.namespace] {
                    if reportedUnreadable.insert(interface.namespace).inserted {
                        add(interface.owner, .namespaceUnreadable(namespace: interface.namespace, reason: reason))
                    }
                    continue
                }
                guard let view = observed.containerNamespaces[interface.namespace] else { continue }
                guard let link = view.link(named: interface.name) else {
                    add(interface.owner, .interfaceMissing(interface: interface.name, namespace: interface.namespace))
                    continue
                }
                var problems: [String] = []
                if let mac = interface.mac, link.mac != mac { problems.append("has MAC \(link.mac.map { "\($0)" } ?? "none"), expected \(mac)") }
                if let mtu = interface.mtu, link.mtu != mtu { problems.append("has MTU \(link.mtu), expected \(mtu)") }
                if interface.isUp && !link.isUp { problems.append("is down") }
                for problem in problems {
                    add(interface.owner, .interfaceDiffers(interface: interface.name, namespace: interface.namespace, problem: problem))
                }
                let present = Set(view.addresses(on: interface.name))
                for address in interface.addresses where !present.contains(address) {
                    add(interface.owner, .addressMissing(address: address, link: interface.name, namespace: interface.namespace))
                }
            }
            for route in defaultRoutes where !absentNamespaces.contains(route.namespace) {
                guard let view = observed.containerNamespaces[route.namespace] else { continue }
                // A missing interface takes its route with it; that is already said.
                guard view.link(named: route.link) != nil else { continue }
                guard let present = view.defaultRoute else {
                    add(route.owner, .defaultRouteMissing(namespace: route.namespace, gateway: route.gateway, link: route.link))
                    continue
                }
                if present.gateway != route.gateway {
                    add(route.owner, .defaultRouteDiffers(namespace: route.namespace, gateway: route.gateway, observed: present.gateway))
                }
            }
        }

        if parts.contains(.etcNetns) {
            for file in files {
                guard let (namespace, name) = Self.etcNetnsEntry(file.path) else { continue }
                guard let contents = observed.etcNetns[namespace]?[name] else { add(file.owner, .fileMissing(path: file.path)); continue }
                if contents != file.contents { add(file.owner, .fileDiffers(path: file.path)) }
            }
        }

        if parts.contains(.firewall) {
            let firewall = observed.firewall
            let expectedChains = Set(chains.map { "\($0.table)/\($0.name)" })
            for chain in chains where !firewall.hasChain(chain.table, chain.name) {
                add(.bridgectl, .chainMissing(table: chain.table, chain: chain.name))
            }
            var expectedRules = Set<String>()
            for rule in rules {
                expectedRules.insert(rule.observationKey)
                if !firewall.rules.contains(rule.observationKey) {
                    add(rule.owner, .ruleMissing(table: rule.table, chain: rule.chain, spec: rule.spec))
                }
            }
            let userChain = FirewallPlanner.userChain
            // The user's chain stays, with its jump, while it holds the user's rules.
            let keepsUserChain = firewall.userRuleCount > 0
            for key in firewall.rules.sorted() where judgesOrphans && !expectedRules.contains(key) {
                guard let (table, chain, spec) = Self.splitRuleKey(key), spec.contains("--comment \"bridgectl ") else { continue }
                if chain == userChain { continue }
                if keepsUserChain && spec.hasSuffix("-j \(userChain)") { continue }
                add(nil, .orphanRule(table: table, chain: chain, spec: spec))
            }
            for key in firewall.chains.sorted() where judgesOrphans && !expectedChains.contains(key) {
                guard let slash = key.firstIndex(of: "/") else { continue }
                let table = String(key[..<slash]), chain = String(key[key.index(after: slash)...])
                guard chain.hasPrefix("BRIDGECTL-") else { continue }
                if chain == userChain && keepsUserChain { continue }
                add(nil, .orphanChain(table: table, chain: chain))
            }
        }

        // The table is shared by every network: only a whole-host expectation can judge it.
        if parts.contains(.nftables) && judgesOrphans {
            for difference in observed.nftables.differences(from: expectedNftTable(observed: observed.nftables)) {
                add(difference.isOrphan ? nil : .bridgectl, .nftables(difference))
            }
        }

        for sysctl in sysctls {
            let isForwarding = HostSnapshot.forwardingSysctlKeys.contains(sysctl.key)
            guard parts.contains(isForwarding ? .forwardingSysctls : .linkSysctls) else { continue }
            let value = observed.sysctls[sysctl.key]
            // A link's keys vanish with the link, which is reported already.
            if value == nil && !isForwarding { continue }
            if value != sysctl.value { add(sysctl.owner, .sysctlDiffers(key: sysctl.key, expected: sysctl.value, observed: value)) }
        }
        if parts.contains(.linkSysctls) {
            for hairpin in hairpins where observed.hairpin[hairpin.link] == false {
                add(hairpin.owner, .hairpinOff(link: hairpin.link))
            }
        }
        return drifts
    }

    /// How an existing link differs from what was made, in words.
    static func problems(_ link: HostSnapshot.Link, kind: String, mtu: Int, mac: MACAddress?, alias: String?,
                         isUp: Bool) -> [String] {
        var problems: [String] = []
        if link.kind != kind { problems.append("is a \(link.kind ?? "plain device"), not a \(kind)") }
        if link.mtu != mtu { problems.append("has MTU \(link.mtu), expected \(mtu)") }
        if let mac, link.mac != mac { problems.append("has MAC \(link.mac.map { "\($0)" } ?? "none"), expected \(mac)") }
        if let alias, link.alias != alias { problems.append("is not marked '\(alias)'") }
        if isUp && !link.isUp { problems.append("is down") }
        return problems
    }

    /// /etc/netns/NAME/FILE -> (NAME, FILE).
    static func etcNetnsEntry(_ path: String) -> (String, String)? {
        let prefix = EtcFiles.netnsRoot + "/"
        guard path.hasPrefix(prefix) else { return nil }
        let parts = path.dropFirst(prefix.count).split(separator: "/")
        guard parts.count == 2 else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// "table/CHAIN spec" (FirewallObservation's key) -> its parts.
    static func splitRuleKey(_ key: String) -> (String, String, String)? {
        guard let slash = key.firstIndex(of: "/") else { return nil }
        let rest = key[key.index(after: slash)...]
        let space = rest.firstIndex(of: " ") ?? rest.endIndex
        let spec = space < rest.endIndex ? String(rest[rest.index(after: space)...]) : ""
        return (String(key[..<slash]), String(rest[..<space]), spec)
    }
}

extension Drift.Kind {
    public var isFirewall: Bool {
        switch self {
        case .chainMissing, .ruleMissing, .orphanRule, .orphanChain, .nftables: return true
        default: return false
        }
    }

    /// Something this very command already put right (it only reports it).
    public var isPastEvent: Bool {
        switch self {
        case .resolverRestarted, .interruptedPlansFinished: return true
        default: return false
        }
    }

    public var isResolver: Bool {
        switch self {
        case .resolverNotRunning, .resolverNotAnswering, .resolverNotServing, .resolverRestarted: return true
        default: return false
        }
    }
}
