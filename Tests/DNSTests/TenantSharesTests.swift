import Testing
@testable import DNS

@Suite struct TenantSharesTests {
    @Test func oneTenantStopsAtItsCap() {
        var shares = TenantShares<String>(perTenant: 3, total: 100)
        var taken = 0
        for _ in 0..<10 where shares.take("hostile") { taken += 1 }
        #expect(taken == 3)
        let other = shares.take("other")
        #expect(other)
        #expect(shares.inUse == 4)
    }

    @Test func releaseGivesBackAUnit() {
        var shares = TenantShares<String>(perTenant: 1, total: 10)
        let first = shares.take("a")
        let second = shares.take("a")
        #expect(first && !second)
        shares.release("a")
        #expect(shares.holding("a") == 0)
        let again = shares.take("a")
        #expect(again)
        shares.release("never-held")
        #expect(shares.inUse == 1)
    }

    @Test func manyGreedyTenantsLeaveRoomForANewcomer() {
        // 8 greedy tenants with a cap of 30 could take 240 of 100; the soft limit stops each
        // at its fair share once 75 are in use, so a newcomer still gets in.
        var shares = TenantShares<Int>(perTenant: 30, total: 100)
        for round in 0..<30 { for tenant in 0..<8 { _ = shares.take(tenant); _ = round } }
        #expect(shares.inUse < 100)
        let newcomer = shares.take(99)
        #expect(newcomer)
        #expect(shares.holding(99) == 1)
    }

    @Test func nothingBeyondTheTotal() {
        var shares = TenantShares<Int>(perTenant: 5, total: 5)
        for tenant in 0..<20 { _ = shares.take(tenant) }
        #expect(shares.inUse == 5)
        let beyond = shares.take(1000)
        #expect(!beyond)
        #expect(shares.inUse == 5)
    }
}
