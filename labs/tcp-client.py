"""python3 tcp-client.py ADDRESS PORT [TIMEOUT]: prints the server's line; exit 1 when the
connection fails (or times out, 3 s by default)."""
import socket
import sys

address, port = sys.argv[1], int(sys.argv[2])
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 3
try:
    connection = socket.create_connection((address, port), timeout=timeout)
    print(connection.makefile().readline().strip())
except Exception as error:
    print("connect %s:%s failed: %s" % (address, port, error), file=sys.stderr)
    sys.exit(1)
