"""What a hostile tenant does to the shared resolver, run inside containers as `nobody`
(tests/integration/test_hostile_tenants.sh), plus a fake upstream for the fake internet.
Every loop is bounded in time; every socket goes to 127.0.0.11 (the resolver inside the
container's own namespace) or to the test's own addresses."""
import os, random, select, socket, struct, sys, time

RESOLVER = ("127.0.0.11", 53)


def query(name, qtype=1):
    header = struct.pack(">HHHHHH", random.randrange(65536), 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l)
    return header + labels + b"\0" + struct.pack(">HH", qtype, 1)


def framed(message):
    return struct.pack(">H", len(message)) + message


def tcp():
    s = socket.create_connection(RESOLVER, timeout=2)
    s.setblocking(False)
    return s


def reset(s):
    """Close with a TCP reset (SO_LINGER 0), as an abrupt client does."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def pipeline(name, megabytes, seconds):
    """Pipelines queries without reading answers, for at most `seconds`; returns the socket
    and the bytes the resolver accepted."""
    s = tcp()
    chunk = framed(query(name)) * 1024
    sent, deadline = 0, time.time() + seconds
    while sent < megabytes * 1_000_000 and time.time() < deadline:
        _, writable, _ = select.select([], [s], [], 0.2)
        if writable:
            try:
                sent += s.send(chunk)
            except BlockingIOError:
                pass
            except (ConnectionResetError, BrokenPipeError):
                break  # the resolver closed a connection whose answers were never read
    return s, sent


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "pipeline-reset":  # NAME MEGABYTES SECONDS
        s, sent = pipeline(args[0], float(args[1]), float(args[2]))
        reset(s)
        print(sent)
    elif command == "pipeline-hold":  # NAME SECONDS: keeps pushing, never reads
        s, sent = pipeline(args[0], 10_000, float(args[1]))
        print(sent)
        s.close()
    elif command == "abandon":  # NAME: asks over TCP and leaves at once
        s = socket.create_connection(RESOLVER, timeout=2)
        s.sendall(framed(query(args[0])))
        reset(s)
    elif command == "unsolicited":  # SECONDS: connects, asks nothing, counts bytes received
        s = socket.create_connection(RESOLVER, timeout=2)
        received, deadline = 0, time.time() + float(args[0])
        while time.time() < deadline:
            readable, _, _ = select.select([s], [], [], 0.1)
            if readable:
                data = s.recv(65536)
                if not data:
                    break
                received += len(data)
        print(received)
    elif command == "idle":  # COUNT SECONDS: holds COUNT idle connections
        held = []
        for _ in range(int(args[0])):
            try:
                held.append(socket.create_connection(RESOLVER, timeout=1))
            except OSError:
                break
        print(len(held), flush=True)
        time.sleep(float(args[1]))
    elif command == "flood":  # SUFFIX SECONDS: random names, as fast as possible, over UDP
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        sent, deadline = 0, time.time() + float(args[1])
        while time.time() < deadline:
            for _ in range(256):
                try:
                    s.sendto(query("%08x.%s" % (random.getrandbits(32), args[0])), RESOLVER)
                    sent += 1
                except BlockingIOError:
                    select.select([], [s], [], 0.01)
                try:
                    while s.recv(4096):
                        pass
                except BlockingIOError:
                    pass
        print(sent)
    elif command == "control-abandon":  # PATH COUNT: control clients that never read the reply
        for _ in range(int(args[1])):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(args[0])
            c.sendall(b"status\n")
            c.close()
    elif command == "upstream":  # ADDRESS: A 203.0.113.99 for any name; slow.* after 1.5 s;
        # *.blackhole.test never answered
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((args[0], 53))
        delayed = []
        while True:
            timeout = max(0, min(d[0] for d in delayed) - time.time()) if delayed else 1
            readable, _, _ = select.select([s], [], [], timeout)
            now = time.time()
            for item in [d for d in delayed if d[0] <= now]:
                s.sendto(item[1], item[2])
                delayed.remove(item)
            if not readable:
                continue
            q, peer = s.recvfrom(4096)
            i, labels = 12, []
            while i < len(q) and q[i]:
                labels.append(q[i + 1:i + 1 + q[i]].decode(errors="replace"))
                i += q[i] + 1
            name = ".".join(labels)
            if name.endswith("blackhole.test"):
                continue
            answer = q[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0) + q[12:i + 5] + \
                b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([203, 0, 113, 99])
            if name.startswith("slow"):
                delayed.append((now + 1.5, answer, peer))
            else:
                s.sendto(answer, peer)
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
