import Testing
@testable import BridgectlCLI

@Suite struct TableShortRowTests {
    @Test func aShortRowIsPaddedNotATrap() {
        var table = Table(["ID", "NAME", "PORTS"])
        table.append(["abc", "torn"])
        #expect(table.render() == "ID    NAME   PORTS\nabc   torn   ")
    }
}
