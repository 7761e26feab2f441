#!/usr/bin/env python3
"""bridgectl DNS benchmark (issue #4), inside a throwaway host only (scripts/bench dns makes one).

From inside a container: dnsperf with up to 100 queries in flight for 10 s, and a sequential
loop (one query at a time) for p50/p99 latency, for a container name with 1 and with 1000
registered containers; the resolver's RSS; forwarding overhead against a fake upstream; and
aardvark-dns (Podman's resolver) serving the same names in the same host, measured the same way.
"""
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import time

INIT_NET_INODE = 4026531833
BRIDGECTL = os.environ.get("BRIDGECTL", "bridgectl")


def refuse_on_real_host():
    if os.stat("/proc/self/ns/net").st_ino == INIT_NET_INODE or os.environ.get("THROWAWAY_HOST") != "1":
        sys.exit("bench dns: refusing to run outside a throwaway host (use scripts/bench dns)")


def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


# One-query-at-a-time loop, run inside a container's namespace: prints p50/p99 in microseconds.
SEQUENTIAL_PY = r'''
import socket, struct, sys, time, random
server, name, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2); s.connect((server, 53))
lat = []; end = time.perf_counter() + seconds; ident = 0; errors = 0
while time.perf_counter() < end:
    ident = (ident + 1) & 0xffff
    t = time.perf_counter_ns(); s.send(struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + q)
    try:
        r = s.recv(512)
        if r[:2] != struct.pack(">H", ident) or (r[3] & 0x0f) != 0: errors += 1
    except socket.timeout: errors += 1; continue
    lat.append((time.perf_counter_ns() - t) / 1000)
lat.sort()
print("%d %.1f %.1f %d" % (len(lat), lat[len(lat)//2], lat[int(len(lat)*0.99)], errors))
'''


def sequential(netns, server, name, seconds=5):
    count, p50, p99, errors = sh("ip", "netns", "exec", netns, "python3", "-c", SEQUENTIAL_PY, server, name, str(seconds)).split()
    return {"queries": int(count), "qps": round(int(count) / seconds), "p50_us": float(p50), "p99_us": float(p99), "errors": int(errors)}


def dnsperf(netns, server, name, seconds=10):
    path = f"/run/bench-{name}.queries"
    with open(path, "w") as handle:
        handle.write(f"{name} A\n")
    out = sh("ip", "netns", "exec", netns, "dnsperf", "-s", server, "-d", path, "-l", str(seconds), "-q", "100", "-c", "4")
    qps = float(next(line.split()[-1] for line in out.splitlines() if "Queries per second" in line))
    lost = next(line for line in out.splitlines() if "Queries lost" in line).split()[2]
    mean = next(line for line in out.splitlines() if "Average Latency" in line).split()[3]
    return {"qps": round(qps), "lost": int(lost), "mean_latency_s": float(mean)}


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def resolver_pid():
    status = sh(BRIDGECTL, "dns", "status")
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("pid ")))


FAKE_UPSTREAM_PY = r'''
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("203.0.113.1", 53))
while True:
    q, a = s.recvfrom(512); i = 12
    while q[i]: i += q[i] + 1
    s.sendto(q[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + q[12:i + 5] + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xcb\x00\x71\x63", a)
'''


def make_internet():
    sh("ip", "netns", "add", "inet")
    sh("ip", "link", "add", "uplink0", "type", "veth", "peer", "name", "eth0", "netns", "inet")
    for args in (["-n", "inet", "link", "set", "lo", "up"], ["-n", "inet", "addr", "add", "203.0.113.1/24", "dev", "eth0"],
                 ["-n", "inet", "link", "set", "eth0", "up"], ["addr", "add", "203.0.113.2/24", "dev", "uplink0"],
                 ["link", "set", "uplink0", "up"]):
        sh("ip", *args)
    with open("/etc/resolv.conf", "w") as handle:
        handle.write("nameserver 203.0.113.1\n")
    return subprocess.Popen(["ip", "netns", "exec", "inet", "python3", "-c", FAKE_UPSTREAM_PY])


def aardvark(names, gateway="10.210.0.1"):
    """Podman's resolver serving the same names on the gateway address, as netavark runs it."""
    binary = "/usr/lib/podman/aardvark-dns"
    if not os.path.exists(binary):
        return None
    config = "/run/aardvark-bench"
    os.makedirs(config, exist_ok=True)
    with open(f"{config}/dnsnet", "w") as handle:
        handle.write(f"{gateway}\n")
        for index, (name, ip) in enumerate(names):
            handle.write(f"{index:064x} {ip}  {name}\n")
    process = subprocess.Popen([binary, "--config", config, "-p", "53", "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            probe.bind((gateway, 53))
            probe.close()
            time.sleep(0.05)
        except OSError:
            break
    time.sleep(0.5)
    return process


def main():
    refuse_on_real_host()
    seconds = float(os.environ.get("DNS_BENCH_SECONDS", "10"))
    upstream = make_internet()
    results = {}
    try:
        sh(BRIDGECTL, "network", "create", "--subnet", "10.210.0.0/16", "dnsnet")
        sh(BRIDGECTL, "container", "create", "asker", "--network", "dnsnet")
        sh(BRIDGECTL, "container", "create", "target", "--network", "dnsnet")
        for label, total in (("1 container", 2), ("1000 containers", 1000)):
            for index in range(total - len(sh(BRIDGECTL, "container", "ls", "-q").split())):
                sh(BRIDGECTL, "container", "create", f"c{index}", "--network", "dnsnet")
            results[f"bridgectl, {label}: dnsperf"] = dnsperf("asker", "127.0.0.11", "target", seconds)
            results[f"bridgectl, {label}: sequential"] = sequential("asker", "127.0.0.11", "target", seconds / 2)
            results[f"bridgectl, {label}: resolver RSS KiB"] = rss_kib(resolver_pid())
        direct = sequential("asker", "203.0.113.1", "www.example.com", seconds / 2)
        forwarded = sequential("asker", "127.0.0.11", "www.example.com", seconds / 2)
        results["fake upstream, direct: sequential"] = direct
        results["fake upstream, through bridgectl: sequential"] = forwarded
        results["forwarding overhead p50 us"] = round(forwarded["p50_us"] - direct["p50_us"], 1)
        containers = json.loads(sh(BRIDGECTL, "network", "inspect", "dnsnet"))[0]["Containers"]
        names = [(c["Name"], c["IPv4Address"].split("/")[0]) for c in containers.values()]
        process = aardvark(names)
        if process:
            try:
                results["aardvark-dns 1.4.0, 1000 names: dnsperf"] = dnsperf("asker", "10.210.0.1", "target", seconds)
                results["aardvark-dns 1.4.0, 1000 names: sequential"] = sequential("asker", "10.210.0.1", "target", seconds / 2)
                # `run` daemonises: measure the process that stayed, found by its name.
                pids = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()
                        and open(f"/proc/{entry}/comm").read().strip() == "aardvark-dns"]
                results["aardvark-dns RSS KiB"] = max((rss_kib(pid) for pid in pids), default=0)
            finally:
                process.kill()
                process.wait()
                # Stop only the resolver this bench started (the daemonised child of `process`).
                for entry in os.listdir("/proc"):
                    if entry.isdigit() and open(f"/proc/{entry}/comm").read().strip() == "aardvark-dns":
                        os.kill(int(entry), 9)
    finally:
        upstream.kill()
    for name, value in results.items():
        print(f"{name:48} {value}")
    out = os.environ.get("BENCH_JSON")
    if out:
        with open(out, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
