import BridgeModel
import Planning

/// `xtables-monitor -4 --trace` as it printed real packets in a throwaway host (networks front,
/// back, quiet with enable_icc=false, internal data; web publishes 8080:80; fake internet
/// 203.0.113.1 on uplink0), for the trace parser and verdict tests.
enum TraceCapture {
    /// q1 to q2 on `quiet` (enable_icc=false), ICMP echo.
    static let iccOff = """
        PACKET: 2 b5a3fcb5 IN=br-1c0e61801082 MACSRC=2:42:ac:12:0:2 MACDST=2:42:ac:12:0:3 MACPROTO=0800 SRC=172.18.0.2 DST=172.18.0.3 LEN=84 TOS=0x0 TTL=64 ID=57128 DF
         TRACE: 2 b5a3fcb5 bridgectl-trace-77:prerouting:rule:0x3:CONTINUE  -4 -t bridgectl-trace-77 -A prerouting -s 172.18.0.2/32 -d 172.18.0.3/32 -p icmp -m icmp --icmp-type 8 -j TRACE
         TRACE: 2 b5a3fcb5 bridgectl-trace-77:prerouting:policy:ACCEPT
        PACKET: 2 b5a3fcb5 IN=br-1c0e61801082 MACSRC=2:42:ac:12:0:2 MACDST=2:42:ac:12:0:3 MACPROTO=0800 SRC=172.18.0.2 DST=172.18.0.3 LEN=84 TOS=0x0 TTL=64 ID=57128 DF
         TRACE: 2 b5a3fcb5 nat:PREROUTING:policy:ACCEPT
        PACKET: 2 b5a3fcb5 IN=br-1c0e61801082 OUT=br-1c0e61801082 MACSRC=2:42:ac:12:0:2 MACDST=2:42:ac:12:0:3 MACPROTO=0800 SRC=172.18.0.2 DST=172.18.0.3 LEN=84 TOS=0x0 TTL=64 ID=57128 DF
         TRACE: 2 b5a3fcb5 filter:FORWARD:rule:0xc:JUMP:BRIDGECTL-USER  -4 -t filter -A FORWARD -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER
         TRACE: 2 b5a3fcb5 filter:FORWARD:rule:0xb:JUMP:BRIDGECTL-FORWARD  -4 -t filter -A FORWARD -m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD
         TRACE: 2 b5a3fcb5 filter:BRIDGECTL-FORWARD:rule:0x7:JUMP:BRIDGECTL-CT  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl replies" -j BRIDGECTL-CT
         TRACE: 2 b5a3fcb5 filter:BRIDGECTL-FORWARD:rule:0x8:JUMP:BRIDGECTL-PORTS  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl published ports" -j BRIDGECTL-PORTS
         TRACE: 2 b5a3fcb5 filter:BRIDGECTL-FORWARD:rule:0x9:JUMP:BRIDGECTL-ISOLATION-1  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl isolation between networks" -j BRIDGECTL-ISOLATION-1
         TRACE: 2 b5a3fcb5 filter:BRIDGECTL-FORWARD:rule:0x10:DROP  -4 -t filter -A BRIDGECTL-FORWARD -i br-1c0e61801082 -o br-1c0e61801082 -m comment --comment "bridgectl net=quiet icc off" -j DROP
        """

    /// q1 on `quiet` to api on `back`, ICMP echo.
    static let isolation = """
        PACKET: 2 f1029716 IN=br-f33c0667c0fa MACSRC=2:42:ac:15:0:2 MACDST=2:42:ac:15:0:1 MACPROTO=0800 SRC=172.21.0.2 DST=172.20.0.3 LEN=84 TOS=0x0 TTL=64 ID=5419 DF
         TRACE: 2 f1029716 bridgectl-trace-1:prerouting:rule:0x3:CONTINUE  -4 -t bridgectl-trace-1 -A prerouting -p icmp -m icmp --icmp-type 8 -j TRACE
         TRACE: 2 f1029716 bridgectl-trace-1:prerouting:policy:ACCEPT
        PACKET: 2 f1029716 IN=br-f33c0667c0fa MACSRC=2:42:ac:15:0:2 MACDST=2:42:ac:15:0:1 MACPROTO=0800 SRC=172.21.0.2 DST=172.20.0.3 LEN=84 TOS=0x0 TTL=64 ID=5419 DF
         TRACE: 2 f1029716 nat:PREROUTING:policy:ACCEPT
        PACKET: 2 d5dfc69e IN=br-f33c0667c0fa OUT=br-ba14cbe7639b MACSRC=2:42:ac:15:0:2 MACDST=2:42:ac:15:0:1 MACPROTO=0800 SRC=172.21.0.2 DST=172.20.0.3 LEN=84 TOS=0x0 TTL=63 ID=5419 DF
         TRACE: 2 d5dfc69e filter:FORWARD:rule:0xc:JUMP:BRIDGECTL-USER  -4 -t filter -A FORWARD -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER
         TRACE: 2 d5dfc69e filter:FORWARD:rule:0xb:JUMP:BRIDGECTL-FORWARD  -4 -t filter -A FORWARD -m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD
         TRACE: 2 d5dfc69e filter:BRIDGECTL-FORWARD:rule:0x7:JUMP:BRIDGECTL-CT  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl replies" -j BRIDGECTL-CT
         TRACE: 2 d5dfc69e filter:BRIDGECTL-FORWARD:rule:0x8:JUMP:BRIDGECTL-PORTS  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl published ports" -j BRIDGECTL-PORTS
         TRACE: 2 d5dfc69e filter:BRIDGECTL-FORWARD:rule:0x9:JUMP:BRIDGECTL-ISOLATION-1  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl isolation between networks" -j BRIDGECTL-ISOLATION-1
         TRACE: 2 d5dfc69e filter:BRIDGECTL-ISOLATION-1:rule:0x20:JUMP:BRIDGECTL-ISOLATION-2  -4 -t filter -A BRIDGECTL-ISOLATION-1 -i br-f33c0667c0fa ! -o br-f33c0667c0fa -m comment --comment "bridgectl net=quiet leaving: check isolation" -j BRIDGECTL-ISOLATION-2
         TRACE: 2 d5dfc69e filter:BRIDGECTL-ISOLATION-2:rule:0x1b:DROP  -4 -t filter -A BRIDGECTL-ISOLATION-2 -o br-ba14cbe7639b -m comment --comment "bridgectl net=back isolated from other networks" -j DROP
        """

    /// web on `front` to d1 on the internal `data`, TCP :80: the SYN and its retransmission.
    static let internalWithRetransmission = """
        PACKET: 2 80959df5 IN=br-72f940a7ee98 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=52354 DF SPORT=42294 DPORT=80 SYN
         TRACE: 2 80959df5 bridgectl-trace-1:prerouting:rule:0x4:CONTINUE  -4 -t bridgectl-trace-1 -A prerouting -p tcp -m tcp ! --tcp-flags SYN NONE -j TRACE
         TRACE: 2 80959df5 bridgectl-trace-1:prerouting:policy:ACCEPT
        PACKET: 2 80959df5 IN=br-72f940a7ee98 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=52354 DF SPORT=42294 DPORT=80 SYN
         TRACE: 2 80959df5 nat:PREROUTING:policy:ACCEPT
        PACKET: 2 17d3b0a2 IN=br-72f940a7ee98 OUT=br-df5f40fe2a16 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=63 ID=52354 DF SPORT=42294 DPORT=80 SYN
         TRACE: 2 17d3b0a2 filter:FORWARD:rule:0xc:JUMP:BRIDGECTL-USER  -4 -t filter -A FORWARD -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER
         TRACE: 2 17d3b0a2 filter:FORWARD:rule:0xb:JUMP:BRIDGECTL-FORWARD  -4 -t filter -A FORWARD -m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD
         TRACE: 2 17d3b0a2 filter:BRIDGECTL-FORWARD:rule:0x7:JUMP:BRIDGECTL-CT  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl replies" -j BRIDGECTL-CT
         TRACE: 2 17d3b0a2 filter:BRIDGECTL-FORWARD:rule:0x8:JUMP:BRIDGECTL-PORTS  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl published ports" -j BRIDGECTL-PORTS
         TRACE: 2 17d3b0a2 filter:BRIDGECTL-FORWARD:rule:0x9:JUMP:BRIDGECTL-ISOLATION-1  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl isolation between networks" -j BRIDGECTL-ISOLATION-1
         TRACE: 2 17d3b0a2 filter:BRIDGECTL-ISOLATION-1:rule:0xf:DROP  -4 -t filter -A BRIDGECTL-ISOLATION-1 ! -i br-df5f40fe2a16 -o br-df5f40fe2a16 -m comment --comment "bridgectl net=data internal: nothing in" -j DROP
        PACKET: 2 73f9debe IN=br-72f940a7ee98 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=52355 DF SPORT=42294 DPORT=80 SYN
         TRACE: 2 73f9debe bridgectl-trace-1:prerouting:rule:0x4:CONTINUE  -4 -t bridgectl-trace-1 -A prerouting -p tcp -m tcp ! --tcp-flags SYN NONE -j TRACE
         TRACE: 2 73f9debe bridgectl-trace-1:prerouting:policy:ACCEPT
        PACKET: 2 73f9debe IN=br-72f940a7ee98 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=52355 DF SPORT=42294 DPORT=80 SYN
         TRACE: 2 73f9debe nat:PREROUTING:policy:ACCEPT
        PACKET: 2 79bafd91 IN=br-72f940a7ee98 OUT=br-df5f40fe2a16 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=63 ID=52355 DF SPORT=42294 DPORT=80 SYN
         TRACE: 2 79bafd91 filter:FORWARD:rule:0xc:JUMP:BRIDGECTL-USER  -4 -t filter -A FORWARD -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER
         TRACE: 2 79bafd91 filter:FORWARD:rule:0xb:JUMP:BRIDGECTL-FORWARD  -4 -t filter -A FORWARD -m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD
         TRACE: 2 79bafd91 filter:BRIDGECTL-FORWARD:rule:0x7:JUMP:BRIDGECTL-CT  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl replies" -j BRIDGECTL-CT
         TRACE: 2 79bafd91 filter:BRIDGECTL-FORWARD:rule:0x8:JUMP:BRIDGECTL-PORTS  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl published ports" -j BRIDGECTL-PORTS
         TRACE: 2 79bafd91 filter:BRIDGECTL-FORWARD:rule:0x9:JUMP:BRIDGECTL-ISOLATION-1  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl isolation between networks" -j BRIDGECTL-ISOLATION-1
         TRACE: 2 79bafd91 filter:BRIDGECTL-ISOLATION-1:rule:0xf:DROP  -4 -t filter -A BRIDGECTL-ISOLATION-1 ! -i br-df5f40fe2a16 -o br-df5f40fe2a16 -m comment --comment "bridgectl net=data internal: nothing in" -j DROP
        """

    /// the fake internet (203.0.113.1) to the host's 8080, published by web as 80/tcp.
    static let publishedFromInternet = """
        PACKET: 2 9b55751b IN=uplink0 MACSRC=6:84:4d:65:bb:d3 MACDST=fe:19:9:9b:50:6e MACPROTO=0800 SRC=203.0.113.1 DST=203.0.113.2 LEN=60 TOS=0x0 TTL=64 ID=6693 DF SPORT=53610 DPORT=8080 SYN
         TRACE: 2 9b55751b bridgectl-trace-1:prerouting:rule:0x4:CONTINUE  -4 -t bridgectl-trace-1 -A prerouting -p tcp -m tcp ! --tcp-flags SYN NONE -j TRACE
         TRACE: 2 9b55751b bridgectl-trace-1:prerouting:policy:ACCEPT
        PACKET: 2 9b55751b IN=uplink0 MACSRC=6:84:4d:65:bb:d3 MACDST=fe:19:9:9b:50:6e MACPROTO=0800 SRC=203.0.113.1 DST=203.0.113.2 LEN=60 TOS=0x0 TTL=64 ID=6693 DF SPORT=53610 DPORT=8080 SYN
         TRACE: 2 9b55751b nat:PREROUTING:rule:0x6:JUMP:BRIDGECTL-DNAT  -4 -t nat -A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment "bridgectl published ports" -j BRIDGECTL-DNAT
         TRACE: 2 9b55751b nat:BRIDGECTL-DNAT:rule:0x16:ACCEPT  -4 -t nat -A BRIDGECTL-DNAT -p tcp -m tcp --dport 8080 -m comment --comment "bridgectl container=web publish 0.0.0.0:8080->80/tcp" -j DNAT --to-destination 172.19.0.2:80
        PACKET: 2 9b55751b IN=uplink0 OUT=br-72f940a7ee98 MACSRC=6:84:4d:65:bb:d3 MACDST=fe:19:9:9b:50:6e MACPROTO=0800 SRC=203.0.113.1 DST=172.19.0.2 LEN=60 TOS=0x0 TTL=63 ID=6693 DF SPORT=53610 DPORT=80 SYN
         TRACE: 2 9b55751b filter:FORWARD:rule:0xc:JUMP:BRIDGECTL-USER  -4 -t filter -A FORWARD -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER
         TRACE: 2 9b55751b filter:FORWARD:rule:0xb:JUMP:BRIDGECTL-FORWARD  -4 -t filter -A FORWARD -m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD
         TRACE: 2 9b55751b filter:BRIDGECTL-FORWARD:rule:0x7:JUMP:BRIDGECTL-CT  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl replies" -j BRIDGECTL-CT
         TRACE: 2 9b55751b filter:BRIDGECTL-FORWARD:rule:0x8:JUMP:BRIDGECTL-PORTS  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl published ports" -j BRIDGECTL-PORTS
         TRACE: 2 9b55751b filter:BRIDGECTL-PORTS:rule:0x25:ACCEPT  -4 -t filter -A BRIDGECTL-PORTS -d 172.19.0.2/32 -o br-72f940a7ee98 -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT -m comment --comment "bridgectl container=web publish 0.0.0.0:8080->80/tcp" -j ACCEPT
        PACKET: 2 9b55751b IN=uplink0 OUT=br-72f940a7ee98 MACSRC=6:84:4d:65:bb:d3 MACDST=fe:19:9:9b:50:6e MACPROTO=0800 SRC=203.0.113.1 DST=172.19.0.2 LEN=60 TOS=0x0 TTL=63 ID=6693 DF SPORT=53610 DPORT=80 SYN
         TRACE: 2 9b55751b nat:POSTROUTING:rule:0xa:JUMP:BRIDGECTL-POSTROUTING  -4 -t nat -A POSTROUTING -m comment --comment "bridgectl masquerade and hairpin" -j BRIDGECTL-POSTROUTING
         TRACE: 2 9b55751b nat:POSTROUTING:policy:ACCEPT
        """

    /// the host to 127.0.0.1:8080.
    static let publishedFromHost = """
        PACKET: 2 7915cc8d OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=60 TOS=0x0 TTL=64 ID=37551 DF SPORT=44176 DPORT=8080 SYN
         TRACE: 2 7915cc8d bridgectl-trace-1:output:rule:0x7:CONTINUE  -4 -t bridgectl-trace-1 -A output -p tcp -m tcp ! --tcp-flags SYN NONE -j TRACE
         TRACE: 2 7915cc8d bridgectl-trace-1:output:policy:ACCEPT
        PACKET: 2 7915cc8d OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=60 TOS=0x0 TTL=64 ID=37551 DF SPORT=44176 DPORT=8080 SYN
         TRACE: 2 7915cc8d nat:OUTPUT:rule:0x8:JUMP:BRIDGECTL-DNAT-OUTPUT  -4 -t nat -A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment "bridgectl published ports from this host" -j BRIDGECTL-DNAT-OUTPUT
         TRACE: 2 7915cc8d nat:BRIDGECTL-DNAT-OUTPUT:rule:0x4:JUMP:BRIDGECTL-DNAT  -4 -t nat -A BRIDGECTL-DNAT-OUTPUT -m comment --comment "bridgectl all-address bindings" -j BRIDGECTL-DNAT
         TRACE: 2 7915cc8d nat:BRIDGECTL-DNAT:rule:0x16:ACCEPT  -4 -t nat -A BRIDGECTL-DNAT -p tcp -m tcp --dport 8080 -m comment --comment "bridgectl container=web publish 0.0.0.0:8080->80/tcp" -j DNAT --to-destination 172.19.0.2:80
        PACKET: 2 7915cc8d OUT=br-72f940a7ee98 SRC=127.0.0.1 DST=172.19.0.2 LEN=60 TOS=0x0 TTL=64 ID=37551 DF SPORT=44176 DPORT=80 SYN
         TRACE: 2 7915cc8d nat:POSTROUTING:rule:0xa:JUMP:BRIDGECTL-POSTROUTING  -4 -t nat -A POSTROUTING -m comment --comment "bridgectl masquerade and hairpin" -j BRIDGECTL-POSTROUTING
         TRACE: 2 7915cc8d nat:BRIDGECTL-POSTROUTING:rule:0xe:ACCEPT  -4 -t nat -A BRIDGECTL-POSTROUTING -o br-72f940a7ee98 -m addrtype --src-type LOCAL -m comment --comment "bridgectl net=front host to published ports" -j MASQUERADE
        """

    /// web to 203.0.113.1:53/udp, out through uplink0.
    static let masqueradeUDP = """
        PACKET: 2 8d140e36 IN=br-72f940a7ee98 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=203.0.113.1 LEN=30 TOS=0x0 TTL=64 ID=63369 DF SPORT=53601 DPORT=53
         TRACE: 2 8d140e36 bridgectl-trace-1:prerouting:rule:0x5:CONTINUE  -4 -t bridgectl-trace-1 -A prerouting -p udp -m udp --dport 53 -j TRACE
         TRACE: 2 8d140e36 bridgectl-trace-1:prerouting:policy:ACCEPT
        PACKET: 2 8d140e36 IN=br-72f940a7ee98 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=203.0.113.1 LEN=30 TOS=0x0 TTL=64 ID=63369 DF SPORT=53601 DPORT=53
         TRACE: 2 8d140e36 nat:PREROUTING:policy:ACCEPT
        PACKET: 2 5d9feaba IN=br-72f940a7ee98 OUT=uplink0 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=203.0.113.1 LEN=30 TOS=0x0 TTL=63 ID=63369 DF SPORT=53601 DPORT=53
         TRACE: 2 5d9feaba filter:FORWARD:rule:0xc:JUMP:BRIDGECTL-USER  -4 -t filter -A FORWARD -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER
         TRACE: 2 5d9feaba filter:FORWARD:rule:0xb:JUMP:BRIDGECTL-FORWARD  -4 -t filter -A FORWARD -m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD
         TRACE: 2 5d9feaba filter:BRIDGECTL-FORWARD:rule:0x7:JUMP:BRIDGECTL-CT  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl replies" -j BRIDGECTL-CT
         TRACE: 2 5d9feaba filter:BRIDGECTL-FORWARD:rule:0x8:JUMP:BRIDGECTL-PORTS  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl published ports" -j BRIDGECTL-PORTS
         TRACE: 2 5d9feaba filter:BRIDGECTL-FORWARD:rule:0x9:JUMP:BRIDGECTL-ISOLATION-1  -4 -t filter -A BRIDGECTL-FORWARD -m comment --comment "bridgectl isolation between networks" -j BRIDGECTL-ISOLATION-1
         TRACE: 2 5d9feaba filter:BRIDGECTL-ISOLATION-1:rule:0x14:JUMP:BRIDGECTL-ISOLATION-2  -4 -t filter -A BRIDGECTL-ISOLATION-1 -i br-72f940a7ee98 ! -o br-72f940a7ee98 -m comment --comment "bridgectl net=front leaving: check isolation" -j BRIDGECTL-ISOLATION-2
         TRACE: 2 5d9feaba filter:BRIDGECTL-FORWARD:rule:0x17:ACCEPT  -4 -t filter -A BRIDGECTL-FORWARD -i br-72f940a7ee98 ! -o br-72f940a7ee98 -m comment --comment "bridgectl net=front outbound" -j ACCEPT
        PACKET: 2 5d9feaba IN=br-72f940a7ee98 OUT=uplink0 MACSRC=2:42:ac:13:0:2 MACDST=2:42:ac:13:0:1 MACPROTO=0800 SRC=172.19.0.2 DST=203.0.113.1 LEN=30 TOS=0x0 TTL=63 ID=63369 DF SPORT=53601 DPORT=53
         TRACE: 2 5d9feaba nat:POSTROUTING:rule:0xa:JUMP:BRIDGECTL-POSTROUTING  -4 -t nat -A POSTROUTING -m comment --comment "bridgectl masquerade and hairpin" -j BRIDGECTL-POSTROUTING
         TRACE: 2 5d9feaba nat:BRIDGECTL-POSTROUTING:rule:0xd:ACCEPT  -4 -t nat -A BRIDGECTL-POSTROUTING -s 172.19.0.0/16 ! -o br-72f940a7ee98 -m comment --comment "bridgectl net=front masquerade" -j MASQUERADE
        """

    /// /proc/net/nf_conntrack right after masqueradeUDP.
    static let conntrackAfterMasqueradeUDP = """
        ipv4     2 icmp     1 28 src=172.19.0.2 dst=203.0.113.1 type=8 code=0 id=88 src=203.0.113.1 dst=203.0.113.2 type=0 code=0 id=88 mark=0 zone=0 use=2
        ipv4     2 unknown  2 591 src=172.21.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.21.0.1 mark=0 zone=0 use=2
        ipv4     2 udp      17 29 src=172.19.0.2 dst=203.0.113.1 sport=53601 dport=53 [UNREPLIED] src=203.0.113.1 dst=203.0.113.2 sport=53 dport=53601 mark=0 zone=0 use=2
        ipv4     2 unknown  2 591 src=172.20.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.20.0.1 mark=0 zone=0 use=2
        ipv4     2 unknown  2 591 src=172.19.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.19.0.1 mark=0 zone=0 use=2
        ipv4     2 unknown  2 591 src=172.18.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=172.18.0.1 mark=0 zone=0 use=2
        """

    /// iptables-save of the quiet network's host (the rules iccOff went through).
    static let iptablesSaveForIccOff = """
        *filter
        -A FORWARD -m comment --comment "bridgectl user rules first" -j BRIDGECTL-USER
        -A FORWARD -m comment --comment "bridgectl forwarding for bridgectl networks" -j BRIDGECTL-FORWARD
        -A BRIDGECTL-CT -o br-1c0e61801082 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "bridgectl net=quiet replies" -j ACCEPT
        -A BRIDGECTL-FORWARD -m comment --comment "bridgectl replies" -j BRIDGECTL-CT
        -A BRIDGECTL-FORWARD -m comment --comment "bridgectl published ports" -j BRIDGECTL-PORTS
        -A BRIDGECTL-FORWARD -m comment --comment "bridgectl isolation between networks" -j BRIDGECTL-ISOLATION-1
        -A BRIDGECTL-FORWARD -i br-1c0e61801082 -o br-1c0e61801082 -m comment --comment "bridgectl net=quiet icc off" -j DROP
        -A BRIDGECTL-FORWARD -i br-1c0e61801082 ! -o br-1c0e61801082 -m comment --comment "bridgectl net=quiet outbound" -j ACCEPT
        -A BRIDGECTL-FORWARD -o br-1c0e61801082 -m comment --comment "bridgectl net=quiet nothing else in" -j DROP
        -A BRIDGECTL-ISOLATION-1 -i br-1c0e61801082 ! -o br-1c0e61801082 -m comment --comment "bridgectl net=quiet leaving: check isolation" -j BRIDGECTL-ISOLATION-2
        -A BRIDGECTL-ISOLATION-2 -o br-1c0e61801082 -m comment --comment "bridgectl net=quiet isolated from other networks" -j DROP
        COMMIT
        *nat
        -A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment "bridgectl published ports" -j BRIDGECTL-DNAT
        -A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment "bridgectl published ports from this host" -j BRIDGECTL-DNAT-OUTPUT
        -A POSTROUTING -m comment --comment "bridgectl masquerade and hairpin" -j BRIDGECTL-POSTROUTING
        -A BRIDGECTL-DNAT-OUTPUT -m comment --comment "bridgectl all-address bindings" -j BRIDGECTL-DNAT
        -A BRIDGECTL-POSTROUTING -s 172.18.0.0/16 ! -o br-1c0e61801082 -m comment --comment "bridgectl net=quiet masquerade" -j MASQUERADE
        -A BRIDGECTL-POSTROUTING -o br-1c0e61801082 -m addrtype --src-type LOCAL -m comment --comment "bridgectl net=quiet host to published ports" -j MASQUERADE
        -A BRIDGECTL-POSTROUTING -s 172.18.0.0/16 -o br-1c0e61801082 -m conntrack --ctstate DNAT -m comment --comment "bridgectl net=quiet hairpin" -j MASQUERADE
        COMMIT
        """
}
