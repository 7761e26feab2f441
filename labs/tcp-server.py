"""python3 tcp-server.py LABEL PORT: answers every TCP connection with one line,
"hello from LABEL to PEER-ADDRESS", until killed."""
import socket
import sys

label, port = sys.argv[1], int(sys.argv[2])
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", port))
server.listen(128)
while True:
    connection, peer = server.accept()
    connection.sendall(("hello from %s to %s\n" % (label, peer[0])).encode())
    connection.close()
