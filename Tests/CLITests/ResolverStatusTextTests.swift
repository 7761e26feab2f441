import Testing
import ResolverControl
@testable import BridgectlCLI

@Suite struct ResolverStatusTextTests {
    @Test func statusReadsAsBefore() {
        var counters = ResolverStatus.Counters()
        counters.queries = 12
        counters.answered = 10
        counters.retriedOverTCP = 1
        var shed = ResolverStatus.Shed()
        shed.container = "attacker"
        shed.connectionsRefused = 584
        shed.idleClosed = 16
        let status = ResolverStatus(pid: 310, supervisor: 80, restarts: 1, lastExit: "killed by SIGKILL after 3.1 s",
                                    namespaces: ["attacker", "client"], upstreams: [], counters: counters, inFlight: 0,
                                    tcpConnections: 0, bufferedBytes: 0,
                                    limits: .init(connectionsPerContainer: 16, connectionsTotal: 2048, forwardsPerContainer: 128,
                                                  forwardsTotal: 16384, descriptors: 20000),
                                    shed: [shed])
        #expect(ResolverStatusText.lines(status) == [
            "pid 310 (supervisor 80)",
            "restarts 1, last exit: killed by SIGKILL after 3.1 s",
            "listening 127.0.0.11:53 (udp, tcp) in 2 namespace(s)",
            "upstreams none",
            "queries 12 answered 10 nxdomain 0 forwarded 0 servfail 0 malformed 0",
            "in flight 0 (at most 128 per container, 16384 in all), tcp connections 0 (at most 16 per container, 2048 in all), buffered 0 bytes",
            "file descriptors: limit 20000, answers dropped for closed connections 0, truncated answers asked again over TCP 1",
            "shed attacker: 584 connections refused, 16 idle closed, 0 unread closed, 0 closed for memory, 0 forwards refused",
            "namespace attacker",
            "namespace client",
        ])
    }
}
