/// How bridgectl names a kernel parameter: the key `sysctl -w` takes and the file under /proc/sys
/// it stands for, so the two cannot disagree.
///
/// A key is dotted ("net.ipv4.ip_forward"), except when an interface name in it has a dot of its
/// own (a "br-x.1"): the dotted form cannot carry that, so the key is written with slashes
/// ("net/ipv6/conf/br-x.1/disable_ipv6"), which sysctl(8) reads as a path, dots literal.
public enum SysctlKey {
    public static func forInterface(_ prefix: String, _ interface: String, _ leaf: String) -> String {
        if interface.contains(".") {
            return slashed(prefix) + "/" + interface + "/" + leaf
        }
        return "\(prefix).\(interface).\(leaf)"
    }

    /// The file under /proc/sys for a key in either form.
    public static func procPath(_ key: String) -> String {
        "/proc/sys/" + (key.contains("/") ? key : slashed(key))
    }

    private static func slashed(_ dotted: String) -> String { String(dotted.map { $0 == "." ? "/" : $0 }) }
}
