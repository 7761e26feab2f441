#!/usr/bin/env python3
"""bridgectl benchmark: per-command latency at scale, next to a floor built in the same run.

Runs only inside a throwaway host (scripts/bench makes one). Every timed operation is one
process spawned directly (os.posix_spawn, no shell), timed with perf_counter_ns around spawn and
wait, so process start-up is included exactly as a user pays it.

The floor is the same per-container kernel work done by iproute2 in the leanest way a person
could script it: one `ip -batch` for the host side (netns add + veth with the peer born in the
namespace) and one `ip -n NS -batch` for the inside (address, links up, default route).

The doctor/restore phase (issue #8) grows N containers on two user networks, half of them
publishing one port, and at N/4, N/2 and N times `doctor` on the clean host, `restore` after a
reboot made by hand (resolver killed, every namespace, bridge and veth deleted, the firewall
tables flushed and emptied, ip_forward off: only the state root and /etc/netns survive, as on a
real reboot), the no-op `restore` after it, and `restore` after a firewall flush only.

The firewall phase (issue #10, `scripts/bench --firewall nftables`) runs the same workload once
per backend, side by side in one throwaway host: 20 network creates and removals, then N
containers each publishing one port and their removal; first with `--firewall iptables`, then,
with no network left, `--firewall nftables`. Its floor does the nftables backend's element
changes with `nft -f`, one command per container (the port's DNAT element and its accept
element, in a table of the same shape), beside the iproute2 batches.

The CNI phase (issue #11, `scripts/bench cni`) runs bridgectl as a runtime runs a plugin (no
arguments, podman's CNI_* variables, the config on stdin): N ADDs, each into a namespace of its
own made beforehand and not timed, as a runtime makes it before calling the plugin, then the N
DELs; on each firewall backend, paired op by op with Debian's bridge plugin and host-local on an
equivalent config (bridgectl's ADD i, the bridge plugin's ADD i, ...), so both see the same
machine. Each round starts with an untimed ADD and DEL of each, so the network (or bridge) the
first ADD makes is not counted, and ends with a check that nothing is left behind.
"""
import hashlib
import json
import os
import re
import resource
import signal
import statistics
import sys
import time

INIT_NET_INODE = 4026531833


def refuse_on_real_host():
    inode = os.stat("/proc/self/ns/net").st_ino
    if inode == INIT_NET_INODE or os.environ.get("THROWAWAY_HOST") != "1":
        sys.exit("bench: refusing to run outside a throwaway host (use scripts/bench)")


def spawn(argv, stdin_text=None, env=None):
    """Runs argv with stdout/stderr to /dev/null (stdin from a pipe if given) in env (else this
    process's environment); returns (ns, status)."""
    actions = [(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
    read_end = None
    if stdin_text is not None:
        read_end, write_end = os.pipe()
        actions.append((os.POSIX_SPAWN_DUP2, read_end, 0))
        actions.append((os.POSIX_SPAWN_CLOSE, write_end))
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ if env is None else env, file_actions=actions)
    if stdin_text is not None:
        os.close(read_end)
        os.write(write_end, stdin_text.encode())
        os.close(write_end)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    return elapsed, os.waitstatus_to_exitcode(status)


def spawn_with_cpu(argv):
    """Like spawn, with the child's CPU time (user + system, its threads and children included):
    on a shared machine the wall time also counts waiting for a CPU, the CPU time does not."""
    actions = [(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed / 1e6, cpu * 1e3, os.waitstatus_to_exitcode(status)


def must(argv, stdin_text=None, env=None):
    elapsed, code = spawn(argv, stdin_text, env)
    if code != 0:
        sys.exit(f"bench: {' '.join(argv)} failed with {code}")
    return elapsed / 1e6


def output_of(argv):
    """Runs argv and returns (exit code, stdout+stderr), for the checks around the timed runs."""
    read_end, write_end = os.pipe()
    actions = [(os.POSIX_SPAWN_DUP2, write_end, 1), (os.POSIX_SPAWN_DUP2, write_end, 2),
               (os.POSIX_SPAWN_CLOSE, read_end)]
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode(errors="replace")


def settle(timeout_s=120):
    """Waits until the kernel has reaped every namespace and veth removed so far (its cleanup
    runs in background workers that would otherwise compete with the next phase), then a bit."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not any(name.startswith(("veth", "vf")) for name in os.listdir("/sys/class/net")):
            break
        time.sleep(0.2)
    time.sleep(2)


def summary(samples):
    ordered = sorted(samples)
    block = min(100, max(1, len(samples) // 10))
    first = statistics.median(samples[:block])
    last = statistics.median(samples[-block:])
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples), 3),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 3),
        "first_block_median_ms": round(first, 3),
        "last_block_median_ms": round(last, 3),
        "last_over_first": round(last / first, 3) if first else None,
        "block": block,
    }


def floor_bridge_up():
    must(["ip", "link", "add", "name", "floorbr", "type", "bridge"])
    must(["ip", "addr", "add", "10.201.0.1/16", "dev", "floorbr"])
    must(["ip", "link", "set", "floorbr", "up"])


def floor_address(i):
    return f"10.201.{(i + 2) >> 8}.{(i + 2) & 0xff}"


def floor_create(i):
    """One container's kernel work by hand: namespace, veth on floorbr, address, route."""
    # addrgenmode none keeps IPv6 link-local autoconfiguration (and its multicast) off, as
    # bridgectl's disable_ipv6 does, so the floor does not degrade with N for that reason.
    host = (f"netns add f{i}\n"
            f"link add vf{i} mtu 1500 master floorbr type veth peer name eth0 "
            f"mtu 1500 address 02:42:0a:c9:{(i + 2) >> 8:02x}:{(i + 2) & 0xff:02x} netns f{i}\n"
            f"link set vf{i} addrgenmode none\nlink set vf{i} up\n")
    inside = (f"link set eth0 addrgenmode none\naddr add {floor_address(i)}/16 dev eth0\n"
              "link set eth0 up\nlink set lo up\nroute add default via 10.201.0.1 dev eth0\n")
    return must(["ip", "-batch", "-"], host) + must(["ip", "-n", f"f{i}", "-batch", "-"], inside)


def port_rules(i, verb):
    """The iptables floor's two rules for container i's port (verb -A or -D)."""
    address = floor_address(i)
    return (f"*nat\n{verb} FLOOR-DNAT -p tcp -m tcp --dport {20000 + i} -j DNAT --to-destination {address}:80\nCOMMIT\n"
            f"*filter\n{verb} FLOOR-PORTS -d {address}/32 -o floorbr -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT -j ACCEPT\nCOMMIT\n")


# The nftables floor's table: the two containers of the nftables backend's layout that a
# published port changes (a DNAT map keyed by protocol and port, an accept set keyed by address,
# protocol and port), with the rules that use them, in a table of its own.
NFT_FLOOR_TABLE = """table ip floor {
    map published-any-address { type inet_proto . inet_service : ipv4_addr . inet_service; }
    set published-accept { type ipv4_addr . inet_proto . inet_service; }
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        fib daddr type local meta l4proto { tcp, udp } dnat ip to meta l4proto . th dport map @published-any-address
    }
    chain forward {
        type filter hook forward priority filter; policy accept;
        ct status dnat ip daddr . meta l4proto . th dport @published-accept accept
    }
}
"""


def nft_port_elements(i, verb):
    """The nftables floor's command for container i's port: one `nft -f` of both elements, with
    comments as bridgectl's carry (verb add or delete; a delete names the keys only)."""
    address = floor_address(i)
    if verb == "add":
        return (f'add element ip floor published-any-address {{ tcp . {20000 + i} comment "floor f{i}" : {address} . 80 }}\n'
                f'add element ip floor published-accept {{ {address} . tcp . 80 comment "floor f{i}" }}\n')
    return (f"delete element ip floor published-any-address {{ tcp . {20000 + i} }}\n"
            f"delete element ip floor published-accept {{ {address} . tcp . 80 }}\n")


def bench_core(bridgectl, n):
    results = {}
    startup = [must([bridgectl, "--version"]) for _ in range(50)]
    results["startup (--version)"] = summary(startup)

    nets = []
    for i in range(20):
        nets.append(must([bridgectl, "network", "create", f"bn{i}"]))
    results["network create"] = summary(nets)
    removes = [must([bridgectl, "network", "rm", f"bn{i}"]) for i in range(20)]
    results["network rm"] = summary(removes)

    must([bridgectl, "network", "create", "--subnet", "10.200.0.0/16", "benchnet"])
    creates = [must([bridgectl, "container", "create", f"b{i}", "--network", "benchnet"]) for i in range(n)]
    results[f"container create (N={n})"] = summary(creates)
    removes = [must([bridgectl, "container", "rm", f"b{i}"]) for i in range(n)]
    results[f"container rm (N={n})"] = summary(removes)
    settle()

    # The same with one published port each (issue #3): DNAT + forward accept per container.
    creates = [must([bridgectl, "container", "create", f"p{i}", "--network", "benchnet", "-p", f"{20000 + i}:80"])
               for i in range(n)]
    results[f"container create -p (N={n})"] = summary(creates)
    removes = [must([bridgectl, "container", "rm", f"p{i}"]) for i in range(n)]
    results[f"container rm -p (N={n})"] = summary(removes)
    peak_rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    must([bridgectl, "network", "rm", "benchnet"])
    settle()

    # Floor: the same kernel work through iproute2's batch mode, 2 processes per container.
    floor_bridge_up()
    floor_creates = [floor_create(i) for i in range(n)]
    results[f"floor create: 2x ip -batch (N={n})"] = summary(floor_creates)
    floor_removes = [must(["ip", "netns", "del", f"f{i}"]) for i in range(n)]
    results[f"floor rm: ip netns del (N={n})"] = summary(floor_removes)
    settle()

    # Floor with a port: the same plus one iptables-restore of the same two rules per container.
    must(["iptables-restore", "-w", "--noflush"], "*nat\n:FLOOR-DNAT - [0:0]\nCOMMIT\n*filter\n:FLOOR-PORTS - [0:0]\nCOMMIT\n")
    floor_creates = []
    for i in range(n):
        floor_creates.append(floor_create(i) + must(["iptables-restore", "-w", "--noflush"], port_rules(i, "-A")))
    results[f"floor create -p: + iptables-restore (N={n})"] = summary(floor_creates)
    floor_removes = [must(["iptables-restore", "-w", "--noflush"], port_rules(i, "-D")) + must(["ip", "netns", "del", f"f{i}"])
                     for i in range(n)]
    results[f"floor rm -p: iptables-restore + ip netns del (N={n})"] = summary(floor_removes)
    must(["ip", "link", "del", "floorbr"])
    results["peak RSS of one bridgectl process (KiB)"] = peak_rss_kib
    return results


def bench_firewall(bridgectl, n):
    """The same commands on each backend (issue #10), then the nft -f floor."""
    results = {}
    load_at_start = round(os.getloadavg()[0], 2)
    for backend in ("iptables", "nftables"):
        # The flag on every network create: the first fixes the backend (none is active then),
        # the others confirm it; containers use the kept one, as a user's would.
        chosen = [bridgectl, "--firewall", backend]
        nets = [must(chosen + ["network", "create", f"bn{i}"]) for i in range(20)]
        results[f"{backend}: network create"] = summary(nets)
        removes = [must([bridgectl, "network", "rm", f"bn{i}"]) for i in range(20)]
        results[f"{backend}: network rm"] = summary(removes)
        must(chosen + ["network", "create", "--subnet", "10.200.0.0/16", "benchnet"])
        creates = [must([bridgectl, "container", "create", f"p{i}", "--network", "benchnet", "-p", f"{20000 + i}:80"])
                   for i in range(n)]
        results[f"{backend}: container create -p (N={n})"] = summary(creates)
        removes = [must([bridgectl, "container", "rm", f"p{i}"]) for i in range(n)]
        results[f"{backend}: container rm -p (N={n})"] = summary(removes)
        must([bridgectl, "network", "rm", "benchnet"])
        code, text = output_of(["nft", "list", "tables"])
        if "bridgectl" in text:
            sys.exit(f"bench: table ip bridgectl left after the {backend} phase:\n{text}")
        settle()

    # Floor: iproute2's batches for the container, and one `nft -f` for its port's two elements.
    floor_bridge_up()
    must(["nft", "-f", "-"], NFT_FLOOR_TABLE)
    floor_creates = [floor_create(i) + must(["nft", "-f", "-"], nft_port_elements(i, "add")) for i in range(n)]
    results[f"floor create -p: + nft -f (N={n})"] = summary(floor_creates)
    floor_removes = [must(["nft", "-f", "-"], nft_port_elements(i, "delete")) + must(["ip", "netns", "del", f"f{i}"])
                     for i in range(n)]
    results[f"floor rm -p: nft -f + ip netns del (N={n})"] = summary(floor_removes)
    # The element changes alone, by the same one command per container, with N ports published.
    must(["nft", "-f", "-"], "".join(nft_port_elements(i, "add") for i in range(n)))
    adds = [must(["nft", "-f", "-"], nft_port_elements(n + i, "add")) for i in range(100)]
    deletes = [must(["nft", "-f", "-"], nft_port_elements(n + i, "delete")) for i in range(100)]
    results[f"floor nft -f add, {n} ports published"] = summary(adds)
    results[f"floor nft -f delete, {n} ports published"] = summary(deletes)
    must(["nft", "delete", "table", "ip", "floor"])
    must(["ip", "link", "del", "floorbr"])
    results["load average (1 min) at start, end"] = [load_at_start, round(os.getloadavg()[0], 2)]
    settle()
    return results


def print_summaries(results):
    """One row per timed operation (median, p90, first and last block), other figures as they are."""
    print(f"{'operation':44} {'median':>9} {'p90':>9} {'first':>9} {'last':>9} {'last/first':>10}")
    for name, value in results.items():
        if not isinstance(value, dict):
            print(f"{name:44} {value}")
            continue
        print(f"{name:44} {value['median_ms']:>8.2f}ms {value['p90_ms']:>8.2f}ms "
              f"{value['first_block_median_ms']:>8.2f}ms {value['last_block_median_ms']:>8.2f}ms "
              f"{value['last_over_first']:>10}")
    print()


def report_firewall(results, n):
    print_summaries(results)
    rows = [("container create -p", f"container create -p (N={n})", f"floor create -p: + nft -f (N={n})"),
            ("container rm -p", f"container rm -p (N={n})", f"floor rm -p: nft -f + ip netns del (N={n})"),
            ("network create", "network create", None),
            ("network rm", "network rm", None)]
    print(f"{f'side by side (N={n}), median':36} {'iptables':>10} {'nftables':>10} {'nft -f floor':>13}")
    for label, key, floor in rows:
        cells = [f"{results[f'{backend}: {key}']['median_ms']:>8.2f}ms" for backend in ("iptables", "nftables")]
        floor_cell = f"{results[floor]['median_ms']:>11.2f}ms" if floor else f"{'':>13}"
        print(f"{label:36} {cells[0]} {cells[1]} {floor_cell}")
        if key.startswith("container"):
            ratios = [f"{results[f'{backend}: {key}']['last_over_first']:>10}" for backend in ("iptables", "nftables")]
            floor_ratio = f"{results[floor]['last_over_first']:>13}"
            print(f"{'  last/first':36} {ratios[0]} {ratios[1]} {floor_ratio}")
    print()
    nft = {key: results[f"nftables: {key}"] for key in
           (f"container create -p (N={n})", f"container rm -p (N={n})", "network create")}
    ipt = {key: results[f"iptables: {key}"] for key in nft}
    publish, unpublish, network = nft.values()
    print("targets (issue #10, nftables backend; iptables in brackets):")
    for label, ok in [
        (f"create -p median <= 11 ms ({publish['median_ms']:.2f} ms "
         f"[{ipt[f'container create -p (N={n})']['median_ms']:.2f}])", publish["median_ms"] <= 11),
        (f"rm with port median <= 6 ms ({unpublish['median_ms']:.2f} ms "
         f"[{ipt[f'container rm -p (N={n})']['median_ms']:.2f}])", unpublish["median_ms"] <= 6),
        (f"create -p last/first <= 1.2 ({publish['last_over_first']} "
         f"[{ipt[f'container create -p (N={n})']['last_over_first']}])", publish["last_over_first"] <= 1.2),
        (f"rm with port last/first <= 1.2 ({unpublish['last_over_first']} "
         f"[{ipt[f'container rm -p (N={n})']['last_over_first']}])", unpublish["last_over_first"] <= 1.2),
        (f"network create median <= 10 ms ({network['median_ms']:.2f} ms "
         f"[{ipt['network create']['median_ms']:.2f}])", network["median_ms"] <= 10),
    ]:
        print(f"  {'met ' if ok else 'MISS'}  {label}")


CNI_NETWORK = "benchcni"
# The upstream peer's equivalent of bridgectl's config: the same subnet size, masquerade and the
# bridge as the gateway, a default route; host-local keeps its leases on the sandbox's /run.
BRIDGE_PLUGIN_CONFIG = json.dumps({
    "cniVersion": "1.0.0", "name": "benchbr", "type": "bridge", "bridge": "cni-bench0",
    "isGateway": True, "ipMasq": True,
    "ipam": {"type": "host-local", "subnet": "10.221.0.0/16", "gateway": "10.221.0.1",
             "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "/run/bench-cni-host-local"}})
BRIDGECTL_CNI_CONFIG = json.dumps({
    "cniVersion": "1.0.0", "name": CNI_NETWORK, "type": "bridgectl",
    "subnet": "10.220.0.0/16", "gateway": "10.220.0.1", "ipMasq": True})


def cni_environment(command, pod, netns, extra):
    """What podman passes a plugin, on top of this process's environment: a 64-digit container
    ID and the container's name as K8S_POD_NAME."""
    container_id = hashlib.sha256(pod.encode()).hexdigest()
    return {**os.environ, **extra, "CNI_COMMAND": command, "CNI_CONTAINERID": container_id,
            "CNI_NETNS": netns, "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni",
            "CNI_ARGS": f"IgnoreUnknown=1;K8S_POD_NAMESPACE={pod};K8S_POD_NAME={pod};K8S_POD_INFRA_CONTAINER_ID={container_id}"}


def cni_round(contenders, n):
    """N ADDs and then N DELs for each contender (label, plugin, config, extra environment), taken
    in turn op by op (ADD 0 of each, ADD 1 of each, ...), so a drift in the machine's speed (these
    machines are shared, and the kernel still frees the last round's namespaces for seconds) falls
    on all of them alike and their ratio stays fair. Each ADD goes into a namespace of its own
    made beforehand and not timed, as a runtime makes it before calling the plugin; one untimed ADD
    and DEL first, so the network or bridge the first ADD makes is not counted. Returns each
    contender's two summaries and the load."""
    names = {label: [f"{label}-ns{i}" for i in range(n)] for label, _, _, _ in contenders}
    batch = "".join(f"netns add {label}-warm\n" + "".join(f"netns add {name}\n" for name in names[label])
                    for label, _, _, _ in contenders)
    must(["ip", "-batch", "-"], batch)
    for label, plugin, config, extra in contenders:
        must([plugin], config, cni_environment("ADD", f"{label}-warm", f"/run/netns/{label}-warm", extra))
        must([plugin], config, cni_environment("DEL", f"{label}-warm", f"/run/netns/{label}-warm", extra))
    load = os.getloadavg()[0]
    timings = {label: {"ADD": [], "DEL": []} for label, _, _, _ in contenders}
    for op in ("ADD", "DEL"):
        for i in range(n):
            for label, plugin, config, extra in contenders:
                timings[label][op].append(
                    must([plugin], config, cni_environment(op, f"{label}-{i}", f"/run/netns/{names[label][i]}", extra)))
        if op == "ADD":
            attached = sum(1 for name in os.listdir("/sys/class/net") if name.startswith("veth"))
            if attached != n * len(contenders):
                sys.exit(f"bench: {attached} host veths after {n} ADDs of each of {len(contenders)} plugins")
    must(["ip", "-batch", "-"], batch.replace("netns add", "netns del"))
    settle()
    left = [name for name in os.listdir("/sys/class/net") if name.startswith("veth")]
    if left:
        sys.exit(f"bench: host veths left after the DELs: {left[:10]}")
    results = {}
    for label, _, _, _ in contenders:
        results[f"{label}: ADD (N={n})"] = summary(timings[label]["ADD"])
        results[f"{label}: DEL (N={n})"] = summary(timings[label]["DEL"])
    results[f"{' and '.join(label for label, _, _, _ in contenders)}: load average (1 min) at start, end"] = [
        round(load, 2), round(os.getloadavg()[0], 2)]
    return results


def bench_cni(bridgectl, n, backends):
    """bridgectl as a CNI plugin on each firewall backend, each paired op by op with the upstream
    bridge plugin and host-local (issue #11), in the same throwaway host."""
    results = {"startup (--version)": summary([must([bridgectl, "--version"]) for _ in range(50)])}
    for backend in backends:
        peer = f"bridge-plugin-beside-{backend}"
        results.update(cni_round([(f"bridgectl-{backend}", bridgectl, BRIDGECTL_CNI_CONFIG, {"BRIDGECTL_FIREWALL": backend}),
                                  (peer, "/usr/lib/cni/bridge", BRIDGE_PLUGIN_CONFIG, {})], n))
        code, text = output_of([bridgectl, "container", "ls", "--quiet"])
        if code != 0 or text.strip():
            sys.exit(f"bench: containers left after the DELs ({code}):\n{text[:2000]}")
        must_be_clean(bridgectl, f"the CNI DELs ({backend})")
        leases = [name for name in os.listdir("/run/bench-cni-host-local/benchbr")
                  if name not in ("lock",) and not name.startswith("last_reserved_ip")]
        if leases:
            sys.exit(f"bench: host-local leases left after the DELs: {leases[:10]}")
        # The next backend starts from a host with no network of bridgectl's (nor the peer's bridge).
        must([bridgectl, "network", "rm", CNI_NETWORK])
        must(["ip", "link", "del", "cni-bench0"])
        settle()
        results[f"bridgectl-{backend}: bridge plugin median / bridgectl median (ADD, DEL)"] = [
            round(results[f"{peer}: {op} (N={n})"]["median_ms"] / results[f"bridgectl-{backend}: {op} (N={n})"]["median_ms"], 2)
            for op in ("ADD", "DEL")]
    return results


def report_cni(results, n, backends):
    print_summaries(results)
    for backend in backends:
        print(f"targets (issue #11, bridgectl {backend} vs the bridge plugin + host-local):")
        for op, target in (("ADD", 12), ("DEL", 6)):
            ours = results[f"bridgectl-{backend}: {op} (N={n})"]["median_ms"]
            theirs = results[f"bridge-plugin-beside-{backend}: {op} (N={n})"]["median_ms"]
            print(f"  {'met ' if ours <= target else 'MISS'}  {op} median <= {target} ms ({ours:.2f} ms)")
            print(f"  {'met ' if theirs >= 4 * ours else 'MISS'}  {op} >= 4x faster than the bridge plugin "
                  f"({theirs:.2f} / {ours:.2f} ms = {theirs / ours:.2f}x)")


def must_be_clean(bridgectl, after):
    code, text = output_of([bridgectl, "doctor"])
    if code != 0:
        sys.exit(f"bench: doctor exited {code} after {after}, expected a clean host:\n{text[:4000]}")


def kill_resolver(bridgectl):
    """A reboot ends every process: the resolver's supervisor first (so it restarts nothing),
    then its worker, both by the PIDs `dns status` names. They hold sockets in the container
    namespaces, which would otherwise keep those namespaces (and their veths) alive."""
    _, text = output_of([bridgectl, "dns", "status"])
    found = re.search(r"^pid (\d+) \(supervisor (\d+)\)", text, re.MULTILINE)
    if not found:
        return
    worker, supervisor = int(found.group(1)), int(found.group(2))
    for pid in (supervisor, worker):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in (supervisor, worker)):
        time.sleep(0.05)


def namespaces_alive():
    """The machine's count of network namespaces (the net_namespace slab), or None if hidden."""
    try:
        with open("/proc/slabinfo") as handle:
            for line in handle:
                if line.startswith("net_namespace "):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reboot_by_hand(bridgectl):
    """What a reboot leaves: the state root and /etc/netns (on disk), nothing in the kernel."""
    kill_resolver(bridgectl)
    names = os.listdir("/run/netns") if os.path.isdir("/run/netns") else []
    before = namespaces_alive()
    if names:
        must(["ip", "-batch", "-"], "".join(f"netns del {name}\n" for name in names))
    # The kernel tears namespaces down in a background worker that holds the locks restore needs
    # (rtnl, pernet_ops_rwsem); a real reboot has none of that pending, so wait for it to finish
    # (the count is machine-wide: allow for others' namespaces coming and going).
    deadline = time.monotonic() + 120
    while before is not None and time.monotonic() < deadline and namespaces_alive() > before - len(names) + 20:
        time.sleep(0.2)
    settle()
    bridges = [name for name in os.listdir("/sys/class/net") if os.path.isdir(f"/sys/class/net/{name}/bridge")]
    if bridges:
        must(["ip", "-batch", "-"], "".join(f"link del {name}\n" for name in bridges))
    for table in ("filter", "nat"):
        must(["iptables", "-w", "-t", table, "-F"])
        must(["iptables", "-w", "-t", table, "-X"])
    with open("/proc/sys/net/ipv4/ip_forward", "w") as handle:
        handle.write("0\n")
    leftovers = [name for name in os.listdir("/sys/class/net") if name != "lo"]
    if leftovers:
        sys.exit(f"bench: links left after the reboot by hand: {leftovers[:10]}")


def flush_firewall():
    """What `iptables -F` by hand or a firewall reload does: every rule gone, chains kept."""
    must(["iptables", "-w", "-F"])
    must(["iptables", "-w", "-t", "nat", "-F"])


def bench_repair(bridgectl, n, doctor_runs=7):
    """Doctor and restore at N/4, N/2 and N containers (issue #8)."""
    sizes = sorted({max(1, n // 4), max(1, n // 2), n})
    networks = ["benchnet-a", "benchnet-b"]
    must([bridgectl, "network", "create", "--subnet", "10.210.0.0/16", networks[0]])
    must([bridgectl, "network", "create", "--subnet", "10.211.0.0/16", networks[1]])
    made = 0
    rows = []
    for size in sizes:
        while made < size:
            argv = [bridgectl, "container", "create", f"d{made}", "--network", networks[made % 2]]
            if made % 4 < 2:  # half publish one port each, on both networks
                argv += ["-p", f"{20000 + made}:80"]
            must(argv)
            made += 1
        time.sleep(2)  # let the kernel's background work for the last creates finish
        must_be_clean(bridgectl, f"creating {size} containers")
        doctor, doctor_cpu = [], []
        load = os.getloadavg()[0]
        for _ in range(doctor_runs):
            elapsed, cpu, code = spawn_with_cpu([bridgectl, "doctor"])
            if code != 0:
                sys.exit(f"bench: doctor exited {code} on a clean host with {size} containers")
            doctor.append(elapsed)
            doctor_cpu.append(cpu)

        reboot_by_hand(bridgectl)
        code, text = output_of([bridgectl, "doctor"])
        if code != 1:
            sys.exit(f"bench: doctor exited {code} after the reboot by hand, expected 1 (drift)")
        restore, restore_cpu, code = spawn_with_cpu([bridgectl, "restore"])
        if code != 0:
            sys.exit(f"bench: restore after the reboot by hand exited {code}")
        must_be_clean(bridgectl, f"restore after a reboot ({size} containers)")
        code, text = output_of([bridgectl, "restore"])
        if code != 0 or "nothing to restore" not in text:
            sys.exit(f"bench: a second restore should have nothing to do, it said ({code}): {text[:2000]}")
        noop = []
        for _ in range(3):
            noop.append(must([bridgectl, "restore"]))

        flush_firewall()
        code, _ = output_of([bridgectl, "doctor"])
        if code != 1:
            sys.exit(f"bench: doctor exited {code} after a firewall flush, expected 1 (drift)")
        restore_flush = must([bridgectl, "restore"])
        must_be_clean(bridgectl, f"restore after a firewall flush ({size} containers)")

        rows.append({
            "containers": size,
            "published": sum(1 for i in range(size) if i % 4 < 2),
            "doctor_median_ms": round(statistics.median(doctor), 3),
            "doctor_min_ms": round(min(doctor), 3),
            "doctor_per_container_ms": round(statistics.median(doctor) / size, 4),
            "doctor_runs": doctor_runs,
            "doctor_cpu_median_ms": round(statistics.median(doctor_cpu), 3),
            "load_average_1min": round(load, 2),
            "restore_after_reboot_ms": round(restore, 3),
            "restore_after_reboot_cpu_ms": round(restore_cpu, 3),
            "restore_after_reboot_per_container_ms": round(restore / size, 4),
            "restore_noop_median_ms": round(statistics.median(noop), 3),
            "restore_after_firewall_flush_ms": round(restore_flush, 3),
        })
    for i in range(made):
        must([bridgectl, "container", "rm", f"d{i}"])
    for name in networks:
        must([bridgectl, "network", "rm", name])
    settle()
    return {"sizes": rows}


def report_repair(repair):
    rows = repair["sizes"]
    print("doctor: median wall (and CPU) time on the clean host; restore: after a reboot made by hand;")
    print("no-op: restore again right after; fw flush: restore after iptables -F and -t nat -F")
    print(f"{'doctor / restore (issue #8)':28} {'doctor':>10} {'(cpu)':>9} {'/ctr':>8} {'restore':>10} {'(cpu)':>9} "
          f"{'/ctr':>8} {'no-op':>9} {'fw flush':>10} {'load':>5}")
    for row in rows:
        print(f"{str(row['containers']) + ' containers':28} {row['doctor_median_ms']:>8.1f}ms "
              f"{row['doctor_cpu_median_ms']:>7.1f}ms {row['doctor_per_container_ms']:>6.3f}ms "
              f"{row['restore_after_reboot_ms']:>8.1f}ms {row['restore_after_reboot_cpu_ms']:>7.1f}ms "
              f"{row['restore_after_reboot_per_container_ms']:>6.3f}ms {row['restore_noop_median_ms']:>7.1f}ms "
              f"{row['restore_after_firewall_flush_ms']:>8.1f}ms {row['load_average_1min']:>5.2f}")
    largest, smallest = rows[-1], rows[0]
    flat = largest["restore_after_reboot_per_container_ms"] / smallest["restore_after_reboot_per_container_ms"]
    doctor_flat = largest["doctor_per_container_ms"] / smallest["doctor_per_container_ms"]
    n = largest["containers"]
    print()
    print("targets (issue #8):")
    for label, ok in [
        (f"doctor at N={n} <= 250 ms ({largest['doctor_median_ms']:.1f} ms)", largest["doctor_median_ms"] <= 250),
        (f"doctor per container N={n} vs N={smallest['containers']} <= 1.2 ({doctor_flat:.2f})", doctor_flat <= 1.2),
        (f"restore after reboot <= 8 ms per container at N={n} "
         f"({largest['restore_after_reboot_per_container_ms']:.2f} ms)", largest["restore_after_reboot_per_container_ms"] <= 8),
        (f"restore per container N={n} vs N={smallest['containers']} <= 1.2 ({flat:.2f})", flat <= 1.2),
    ]:
        print(f"  {'met ' if ok else 'MISS'}  {label}")


def report(results, n):
    print(f"{'operation':44} {'median':>9} {'p90':>9} {'first':>9} {'last':>9} {'last/first':>10}")
    for name, value in results.items():
        if isinstance(value, dict):
            print(f"{name:44} {value['median_ms']:>8.2f}ms {value['p90_ms']:>8.2f}ms "
                  f"{value['first_block_median_ms']:>8.2f}ms {value['last_block_median_ms']:>8.2f}ms "
                  f"{value['last_over_first']:>10}")
        else:
            print(f"{name:44} {value}")
    print()
    publish = results[f"container create -p (N={n})"]
    unpublish = results[f"container rm -p (N={n})"]
    floor_publish = results[f"floor create -p: + iptables-restore (N={n})"]
    print("targets (issue #3):")
    for label, ok in [
        ("create+publish median <= 12 ms", publish["median_ms"] <= 12),
        (f"create+publish median vs floor ({publish['median_ms'] / floor_publish['median_ms']:.2f}x)", True),
        ("rm with port median <= 6 ms", unpublish["median_ms"] <= 6),
        (f"create+publish last/first <= 1.2 ({publish['last_over_first']})", publish["last_over_first"] <= 1.2),
        (f"rm with port last/first <= 1.2 ({unpublish['last_over_first']})", unpublish["last_over_first"] <= 1.2),
    ]:
        print(f"  {'met ' if ok else 'MISS'}  {label}")
    create = results[f"container create (N={n})"]
    remove = results[f"container rm (N={n})"]
    floor = results[f"floor create: 2x ip -batch (N={n})"]
    ratio = create["median_ms"] / floor["median_ms"]
    print()
    print("targets (issue #2):")
    checks = [
        ("create median <= 10 ms", create["median_ms"] <= 10),
        (f"create median <= 2x floor (ratio {ratio:.2f})", ratio <= 2),
        ("rm median <= 5 ms", remove["median_ms"] <= 5),
        (f"create last/first <= 1.2 ({create['last_over_first']})", create["last_over_first"] <= 1.2),
        (f"rm last/first <= 1.2 ({remove['last_over_first']})", remove["last_over_first"] <= 1.2),
    ]
    for label, ok in checks:
        print(f"  {'met ' if ok else 'MISS'}  {label}")


def main():
    refuse_on_real_host()
    bridgectl = os.environ.get("BRIDGECTL", "bridgectl")
    arguments = sys.argv[1:]
    only_repair = arguments[:1] == ["doctor"]
    only_firewall = arguments[:1] == ["firewall"]
    only_cni = arguments[:1] == ["cni"]
    if only_repair or only_firewall or only_cni:
        arguments = arguments[1:]
    n = int(arguments[0]) if arguments else (200 if only_cni else 1000)
    if only_cni:
        backends = os.environ.get("BENCH_CNI_BACKENDS", "iptables nftables").split()
        results = bench_cni(bridgectl, n, backends)
        report_cni(results, n, backends)
    elif only_firewall:
        results = bench_firewall(bridgectl, n)
        report_firewall(results, n)
    elif only_repair:
        results = {f"doctor and restore (N={n})": bench_repair(bridgectl, n)}
        report_repair(results[f"doctor and restore (N={n})"])
    else:
        results = bench_core(bridgectl, n)
        repair = bench_repair(bridgectl, n)
        report(results, n)
        print()
        report_repair(repair)
        results[f"doctor and restore (N={n})"] = repair
    out = os.environ.get("BENCH_JSON")
    if out:
        with open(out, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
