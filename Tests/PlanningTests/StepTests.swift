import BridgeModel
import Foundation
import Planning
import Testing

@Suite struct StepInverseTests {
    static let container = ContainerRecord(id: Fixture.containerID, name: "c1", created: "t", hostname: "c1", mode: .bridged)

    @Test func creatingStepsHaveInverses() {
        let mac = MACAddress(derivedFrom: ip("172.18.0.2"))
        var renamed = Fixture.front
        renamed.labels = ["v": "2"]
        var updatedContainer = Self.container
        updatedContainer.hostname = "web"
        let pairs: [(Step, Step)] = [
            (.createBridge(name: "br0", mtu: 1500, mac: mac), .deleteLink(name: "br0", namespace: nil)),
            (.createVethPair(host: "veth12345670", peer: "eth0", namespace: "c1", master: "br0", mtu: 1500, peerMAC: mac),
             .deleteLink(name: "veth12345670", namespace: nil)),
            (.createNamespace(name: "c1", disableIPv6: true), .deleteNamespace(name: "c1")),
            (.aliasHostNamespace(name: "h1"), .deleteNamespace(name: "h1")),
            (.createDirectory(path: "/etc/netns/c1"), .removeDirectory(path: "/etc/netns/c1")),
            (.writeFile(path: "/etc/netns/c1/hosts", contents: "new", previous: nil),
             .removeFile(path: "/etc/netns/c1/hosts", previous: "new")),
            (.writeFile(path: "/etc/netns/c1/hosts", contents: "new", previous: "old"),
             .writeFile(path: "/etc/netns/c1/hosts", contents: "old", previous: "new")),
            (.putNetwork(Fixture.front, previous: nil), .removeNetwork(Fixture.front)),
            (.putNetwork(renamed, previous: Fixture.front), .putNetwork(Fixture.front, previous: renamed)),
            (.putContainer(Self.container, previous: nil), .removeContainer(Self.container)),
            (.putContainer(updatedContainer, previous: Self.container),
             .putContainer(Self.container, previous: updatedContainer)),
            (.claimAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
             .releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID)),
        ]
        for (step, inverse) in pairs {
            #expect(step.inverse == inverse, "inverse of \(step)")
        }
    }

    @Test func removalsAndDependentStepsHaveNone() {
        let steps: [Step] = [
            .disableIPv6(link: "br0"),
            .addAddress(InterfaceAddress(ip: ip("172.18.0.1"), prefixLength: 16), link: "br0", namespace: nil),
            .setLinkUp(link: "br0", namespace: nil),
            .addDefaultRoute(via: ip("172.18.0.1"), link: "eth0", namespace: "c1"),
            .deleteLink(name: "br0", namespace: nil),
            .deleteNamespace(name: "c1"),
            .killProcesses(namespace: "c1"),
            .removeDirectory(path: "/etc/netns/c1"),
            .removeFile(path: "/etc/netns/c1/hosts", previous: nil),
            .removeNetwork(Fixture.front),
            .removeContainer(Self.container),
            .releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID),
        ]
        for step in steps {
            #expect(step.inverse == nil, "inverse of \(step)")
        }
    }

    @Test func removeFileWithKnownContentsCanBeRestored() {
        #expect(Step.removeFile(path: "/etc/netns/c1/hosts", previous: "old").inverse
                == .writeFile(path: "/etc/netns/c1/hosts", contents: "old", previous: nil))
    }

    @Test func everyStepOfACreatePlanUndoesInReverse() throws {
        let (_, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1"), targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        let undo = plan.steps.reversed().compactMap(\.inverse)
        #expect(undo.first == .removeContainer(plan.steps.last.flatMap { if case .putContainer(let r, _) = $0 { r } else { nil } }!))
        #expect(undo.last == .deleteNamespace(name: "c1"))
        #expect(undo.contains(.deleteLink(name: "veth12345670", namespace: nil)))
        #expect(undo.contains(.removeDirectory(path: "/etc/netns/c1")))
        #expect(undo.contains(.releaseAddress(ip("172.18.0.2"), network: Fixture.front.id, container: Fixture.containerID)))
    }

    @Test func planCodableRoundTrip() throws {
        let (_, plan) = try ContainerPlanner.create(
            ContainerCreateRequest(name: "c1", extraHosts: [ExtraHost(name: "gw", target: .hostGateway)]),
            targets: [AttachTarget(network: Fixture.front, usedAddresses: [])])
        let data = try JSONEncoder().encode(plan)
        #expect(try JSONDecoder().decode(Plan.self, from: data) == plan)
    }
}

@Suite struct LinkMarkTests {
    /// A journal written before links were marked still decodes: the mark is simply absent.
    @Test func journalWithoutAliasStillDecodes() throws {
        let old = #"{"createBridge":{"name":"br0","mtu":1500,"mac":"02:42:ac:12:00:01"}}"#
        let step = try JSONDecoder().decode(Step.self, from: Data(old.utf8))
        #expect(step == .createBridge(name: "br0", mtu: 1500, mac: MACAddress(derivedFrom: ip("172.18.0.1"))))
        let marked = Step.createBridge(name: "br0", mtu: 1500, mac: MACAddress(derivedFrom: ip("172.18.0.1")),
                                       alias: LinkMark.network("web"))
        #expect(try JSONDecoder().decode(Step.self, from: JSONEncoder().encode(marked)) == marked)
    }

    @Test func ownersAreReadFromTheMarkOnly() {
        #expect(LinkMark.owner(ofAlias: "bridgectl net=web") == .network("web"))
        #expect(LinkMark.owner(ofAlias: "bridgectl container=api") == .container("api"))
        #expect(LinkMark.owner(ofAlias: "my bridge") == nil)
        #expect(LinkMark.owner(ofAlias: nil) == nil)
    }
}
