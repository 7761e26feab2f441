import Foundation
import Testing
import BridgeModel
@testable import ResolverControl

@Suite struct ResolverMessagesTests {
    static let id = ObjectID("5279e83dde10e0dab1cacd877a113f8145aafacde0418547ee2ed8259864e204")!

    @Test(arguments: [ResolverRequest.sync(id), .remove(id), .reload, .status, .log(count: 5), .stop])
    func everyRequestSurvivesTheWire(_ request: ResolverRequest) throws {
        let line = ControlChannel.encodedLine(request)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(!line.dropLast().contains(UInt8(ascii: "\n")))
        #expect(try JSONDecoder().decode(ResolverRequest.self, from: Data(line)) == request)
    }

    @Test func repliesSurviveTheWire() throws {
        var counters = ResolverStatus.Counters()
        counters.queries = 7
        var shed = ResolverStatus.Shed()
        shed.container = "attacker"
        shed.connectionsRefused = 3
        let status = ResolverStatus(pid: 10, supervisor: 9, restarts: 1, lastExit: "killed by SIGKILL after 2.0 s",
                                    namespaces: ["a", "b"], upstreams: ["203.0.113.1"], counters: counters, inFlight: 0,
                                    tcpConnections: 2, bufferedBytes: 0,
                                    limits: .init(connectionsPerContainer: 16, connectionsTotal: 2048, forwardsPerContainer: 128,
                                                  forwardsTotal: 16384, descriptors: 1024),
                                    shed: [shed])
        for reply in [ResolverReply.serving(3), .status(status), .log(["a\tb"]), .failed("no")] {
            #expect(try JSONDecoder().decode(ResolverReply.self, from: Data(ControlChannel.encodedLine(reply))) == reply)
        }
    }

    @Test func aRequestFromSomethingElseIsNotMistakenForOne() {
        for text in ["sync 5279e83dde10", "{\"sync\":{}}", "", "{\"unknown\":{}}"] {
            #expect((try? JSONDecoder().decode(ResolverRequest.self, from: Data(text.utf8))) == nil)
        }
    }
}
