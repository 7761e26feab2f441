import Testing
@testable import BridgectlCLI

@Suite struct TableShortRowTests {
    @Test func aShortRowIsPaddedNotATrap() {
        var table = Table(["ID", "NAME", "PORTS"])
        table.append(["abc", "torn"])
        #expect(table.render() == "ID    NAME   PORTS\nabc   torn")
    }

    @Test func columnsAlignLikeDockersAndNoLineEndsInBlanks() {
        var table = Table(["CONTAINER ID", "NAMES", "PORTS"])
        table.append(["63c6a406be7c", "api", "0.0.0.0:8080->80/tcp"])
        table.append(["3897fbf6246d", "database", ""])
        #expect(table.render() == """
            CONTAINER ID   NAMES      PORTS
            63c6a406be7c   api        0.0.0.0:8080->80/tcp
            3897fbf6246d   database
            """)
    }
}
