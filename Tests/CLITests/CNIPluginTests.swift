import BridgeModel
import CNI
import Engine
import Testing
@testable import BridgectlCLI

private func request(_ command: String, _ extra: [String: String] = [:]) throws -> CNIRequest {
    try CNIRequest(environment: ["CNI_COMMAND": command, "CNI_CONTAINERID": "c1", "CNI_NETNS": "/run/netns/x",
                                 "CNI_IFNAME": "eth0"].merging(extra) { $1 })
}

private func refusal(_ command: String, _ config: String) -> CNIError? {
    do {
        _ = try CNIPlugin.run(try request(command), try CNINetworkConfig(parsing: config))
    } catch let error as CNIError {
        return error
    } catch {
        return nil
    }
    return nil
}

/// The plugin's refusals that come before any session (so before any lock or state access),
/// and the codes bridgectl's own errors get.
@Suite struct CNIPluginTests {
    @Test func gcAndStatusNeedA1_1_0Config() {
        let gc = refusal("GC", #"{"cniVersion":"1.0.0","name":"n","type":"bridgectl","cni.dev/valid-attachments":[]}"#)
        #expect(gc?.code == .incompatibleVersion)
        #expect(gc?.msg == "config version does not allow GC")
        #expect(refusal("STATUS", #"{"cniVersion":"0.4.0","name":"n","type":"bridgectl"}"#)?.code == .incompatibleVersion)
    }

    @Test func gcWithoutTheListRemovesNothing() {
        #expect(refusal("GC", #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl"}"#)?.msg == "GC needs cni.dev/valid-attachments")
    }

    @Test func checkNeedsPrevResult() {
        #expect(refusal("CHECK", #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl"}"#)?.code == .invalidNetworkConfig)
    }

    @Test func addRefusesBadSettingsBeforeOpeningTheStore() {
        #expect(refusal("ADD", #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","subnet":"nope"}"#)?.code == .invalidNetworkConfig)
    }

    @Test(arguments: [
        (EngineError.containerNotFound("c1 (eth0)"), 3),
        (EngineError.cniNetworkConflict(name: "n", reason: "subnet 10.88.0.0/16, the config asks for 10.99.0.0/16"), 101),
        (EngineError.notPrivileged, 103),
        (EngineError.inInitialNamespace("x"), 103),
        (EngineError.networkNotFound("n"), 100),
    ])
    func engineErrorsGetTheirCodes(error: EngineError, code: Int) {
        let mapped = CNIPlugin.cniError(error)
        #expect(mapped.code.rawValue == code)
        #expect(mapped.msg == error.message)
    }

    @Test func theConfigsStateRootAndFirewallAreThePluginsFlags() throws {
        // As flags, they win over BRIDGECTL_ROOT and BRIDGECTL_FIREWALL (SessionOptions).
        let config = try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl","stateRoot":"/srv/b","firewall":"nftables"}"#)
        let options = CNIPlugin.sessionOptions(config)
        #expect(options.root == "/srv/b" && options.stateRoot == "/srv/b")
        #expect(try options.requestedFirewall() == .nftables)
        let plain = CNIPlugin.sessionOptions(try CNINetworkConfig(parsing: #"{"cniVersion":"1.1.0","name":"n","type":"bridgectl"}"#))
        #expect(plain.root == nil && plain.firewall == nil)
    }

    @Test func invalidValuesAreCode7AndOurOwnErrorsPassThrough() {
        #expect(CNIPlugin.cniError(ModelError.invalidIPv4("x")).code == .invalidNetworkConfig)
        let own = CNIError(.unsupportedField, "unsupported field \"ipam\": {}")
        #expect(CNIPlugin.cniError(own) == own)
    }
}
