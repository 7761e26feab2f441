import Testing
import Foundation
import BridgeModel

@Suite struct RedoIntentTests {
    static let container = ObjectID("c0ffee" + String(repeating: "1", count: 58))!
    static let network = ObjectID("beef" + String(repeating: "2", count: 60))!

    @Test(arguments: [
        (RedoIntent.removeContainer(container), "container-\(container.hex)"),
        (.removeNetwork(network), "network-\(network.hex)"),
        (.disconnect(container: container, network: network), "disconnect-\(container.hex)-\(network.hex)"),
    ])
    func journalNameRoundTrips(intent: RedoIntent, name: String) throws {
        #expect(intent.journalName == name)
        #expect(RedoIntent(journalName: name) == intent)
        let json = try JSONEncoder().encode(intent)
        #expect(String(decoding: json, as: UTF8.self) == "\"\(name)\"")
        #expect(try JSONDecoder().decode(RedoIntent.self, from: json) == intent)
    }

    @Test(arguments: [
        "", "container", "container-", "container-abc", "network-\(container.hex)-\(network.hex)",
        "disconnect-\(container.hex)", "disconnect-\(container.hex)-", "restart-\(container.hex)",
        "container-\(container.hex.uppercased())", "container-\(container.hex)-",
    ])
    func anUnknownNameIsNoIntent(name: String) throws {
        #expect(RedoIntent(journalName: name) == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RedoIntent.self, from: Data("\"\(name)\"".utf8)) }
    }
}
