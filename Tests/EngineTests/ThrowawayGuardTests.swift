import HostSystem
import Testing

@Suite struct ThrowawayGuardTests {
    @Test func theEnvironmentOrTheMachinesMarkerRequiresAThrowawayHost() {
        #expect(ThrowawayGuard.requirement(environment: nil, markerExists: false) == nil)
        #expect(ThrowawayGuard.requirement(environment: "0", markerExists: false) == nil)
        #expect(ThrowawayGuard.requirement(environment: "1", markerExists: false) == "BRIDGECTL_REQUIRE_THROWAWAY is set")
        let marker = ThrowawayGuard.requirement(environment: nil, markerExists: true)
        #expect(marker?.contains("/etc/bridgectl/throwaway-only exists") == true)
        #expect(ThrowawayGuard.requirement(environment: "0", markerExists: true) == marker, "the marker holds whatever the environment says")
    }
}
