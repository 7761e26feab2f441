import Testing
import BridgeModel

@Suite struct SysctlKeyTests {
    @Test func aPlainKeyIsDottedAndItsFileIsUnderProcSys() {
        #expect(SysctlKey.procPath("net.ipv4.ip_forward") == "/proc/sys/net/ipv4/ip_forward")
        #expect(SysctlKey.forInterface("net.ipv4.conf", "br-0123456789ab", "route_localnet") == "net.ipv4.conf.br-0123456789ab.route_localnet")
        #expect(SysctlKey.procPath("net.ipv4.conf.br-0123456789ab.route_localnet") == "/proc/sys/net/ipv4/conf/br-0123456789ab/route_localnet")
    }

    /// The dotted form would split "br-x.1" into two levels; the slash form keeps its dot.
    @Test func anInterfaceWithADotGetsTheSlashForm() {
        let key = SysctlKey.forInterface("net.ipv6.conf", "br-x.1", "disable_ipv6")
        #expect(key == "net/ipv6/conf/br-x.1/disable_ipv6")
        #expect(SysctlKey.procPath(key) == "/proc/sys/net/ipv6/conf/br-x.1/disable_ipv6")
    }
}
