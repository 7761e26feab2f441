/// Machines where bridgectl may only run inside a throwaway host (a developer's box, a CI
/// runner): any command there refuses in the machine's initial network namespace, so a binary
/// run by hand, or a test that lost its sandbox, cannot leave a bridge, namespace or rule on
/// the real host. BRIDGECTL_REQUIRE_THROWAWAY=1 guards one process tree (what the tests,
/// demo and bench export); the marker file guards every process on the machine (`.ci/run`
/// writes it). A sandbox sees the marker through its copy of /etc, but runs in a network
/// namespace of its own, so nothing inside one is refused.
public enum ThrowawayGuard {
    public static let markerPath = "/etc/bridgectl/throwaway-only"

    /// What requires a throwaway host, in words for the refusal; nil when nothing does.
    public static func requirement(environment: String?, markerExists: Bool) -> String? {
        if environment == "1" { return "BRIDGECTL_REQUIRE_THROWAWAY is set" }
        if markerExists { return "\(markerPath) exists: on this machine bridgectl runs only in throwaway hosts, such as bridgectl sandbox" }
        return nil
    }

    public static func requirementHere(environment: String?) -> String? {
        requirement(environment: environment, markerExists: Files.exists(markerPath))
    }
}
