import CNetlink
@testable import Netlink
import Testing

@Suite struct DumpRetryTests {
    @Test func interruptedDumpIsTakenAgain() throws {
        var calls = 0
        let value = try NetlinkSocket.retryingInterruptedDump { () throws(NetlinkError) -> Int in
            calls += 1
            if calls < 3 { throw NetlinkError(operation: "list links", code: -NLE_DUMP_INTR) }
            return 42
        }
        #expect(value == 42)
        #expect(calls == 3)
    }

    @Test func retriesAreBounded() {
        var calls = 0
        #expect(throws: NetlinkError.self) {
            try NetlinkSocket.retryingInterruptedDump(attempts: 5) { () throws(NetlinkError) -> Int in
                calls += 1
                throw NetlinkError(operation: "list links", code: -NLE_DUMP_INTR)
            }
        }
        #expect(calls == 5)
    }

    @Test func otherErrorsAreNotRetried() {
        var calls = 0
        #expect(throws: NetlinkError.self) {
            try NetlinkSocket.retryingInterruptedDump { () throws(NetlinkError) -> Int in
                calls += 1
                throw NetlinkError(operation: "list links", code: -NLE_NOMEM)
            }
        }
        #expect(calls == 1)
    }
}
