import HostSystem
import Testing

@Suite struct ListeningSocketsTests {
    /// /proc/net/tcp and tcp6 as a host with sshd, a loopback-only dev server, a LAN-only service
    /// and one established connection prints them (addresses are the in-memory words, hex).
    @Test func parsesListeningTCPSocketsOfBothFamilies() {
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 23456 1 0000000000000000 100 0 0 10 0
               1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0
               2: 0A01A8C0:01BB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13579 1 0000000000000000 100 0 0 10 0
               3: 0A00000A:0016 0200000A:C350 01 00000000:00000000 02:0009F3A2 00000000     0        0 34567 4 0000000000000000 20 4 30 10 -1
               4: 0100007F:1F90 0100007F:D2F0 06 00000000:00000000 03:00001771 00000000     0        0 0 3 0000000000000000

            """
        let tcp6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 45678 1 0000000000000000 100 0 0 10 0
               1: 0000000000000000FFFF00000100007F:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 45679 1 0000000000000000 100 0 0 10 0
               2: 00000000000000000000000001000000:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 45680 1 0000000000000000 100 0 0 10 0
               3: 0000000000000000FFFF00000100007F:1F92 0000000000000000FFFF00000100007F:D2F1 01 00000000:00000000 00:00000000 00000000  1000        0 45681 1 0000000000000000 20 4 30 10 -1

            """
        func render(_ sockets: [ListeningSockets.Socket]) -> [String] {
            sockets.map { socket in
                let a = socket.address
                return "\(socket.transport) \(a >> 24).\((a >> 16) & 0xFF).\((a >> 8) & 0xFF).\(a & 0xFF):\(socket.port)"
            }
        }
        // 0100007F:1F90 is 127.0.0.1:8080; 0A01A8C0:01BB is 192.168.1.10:443; the established
        // (01) and TIME_WAIT (06) rows are not listeners.
        #expect(render(ListeningSockets.parse(tcp, transport: "tcp", listeningState: "0A", ipv6: false)) == [
            "tcp 127.0.0.1:8080", "tcp 0.0.0.0:22", "tcp 192.168.1.10:443",
        ])
        // :: is every address; ::ffff:127.0.0.1 is 127.0.0.1; ::1 names no IPv4 address and is skipped.
        #expect(render(ListeningSockets.parse(tcp6, transport: "tcp", listeningState: "0A", ipv6: true)) == [
            "tcp 0.0.0.0:8081", "tcp 127.0.0.1:8082",
        ])
        // The same text read with UDP's unconnected state (07) has no listener, and the header
        // alone gives nothing.
        #expect(ListeningSockets.parse(tcp, transport: "udp", listeningState: "07", ipv6: false).isEmpty)
        #expect(ListeningSockets.parse(String(tcp.prefix(while: { $0 != "\n" })), transport: "tcp", listeningState: "0A",
                                       ipv6: false).isEmpty)
        let udp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             1021: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 20101 2 0000000000000000 0

            """
        // systemd-resolved's stub: 127.0.0.53:53.
        #expect(render(ListeningSockets.parse(udp, transport: "udp", listeningState: "07", ipv6: false)) == ["udp 127.0.0.53:53"])
    }
}
