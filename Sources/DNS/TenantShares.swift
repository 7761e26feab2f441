/// How much of a resource shared by every container (TCP connections, in-flight forwards) one
/// container may hold, so that one hostile tenant can never take it from the others.
///
/// Each tenant has a fixed cap. Once three quarters of the total are in use, a tenant already
/// holding its fair share (the total divided among the tenants holding any) gets no more: the
/// last quarter stays for tenants that hold little, however many greedy ones there are.
public struct TenantShares<Tenant: Hashable>: Sendable where Tenant: Sendable {
    public let perTenant: Int
    public let total: Int
    public private(set) var inUse = 0
    private var held: [Tenant: Int] = [:]

    public init(perTenant: Int, total: Int) {
        precondition(perTenant > 0 && total >= perTenant)
        self.perTenant = perTenant
        self.total = total
    }

    public func holding(_ tenant: Tenant) -> Int { held[tenant, default: 0] }

    public func admits(_ tenant: Tenant) -> Bool {
        let mine = holding(tenant)
        guard mine < perTenant, inUse < total else { return false }
        guard inUse * 4 >= total * 3 else { return true }
        let tenants = held.count + (mine == 0 ? 1 : 0)
        return mine < max(1, total / tenants)
    }

    /// Takes one unit when admitted; false (and nothing taken) otherwise.
    public mutating func take(_ tenant: Tenant) -> Bool {
        guard admits(tenant) else { return false }
        held[tenant, default: 0] += 1
        inUse += 1
        return true
    }

    public mutating func release(_ tenant: Tenant) {
        guard let mine = held[tenant] else { return }
        held[tenant] = mine > 1 ? mine - 1 : nil
        inUse -= 1
    }
}
