"""Holds a few of this host's TCP connections in SYN_SENT until its standard input closes.

A listener on 127.0.0.1 with a backlog of 0 that never accepts has a full accept queue after
its first client, so the kernel drops later clients' SYNs and they retransmit for about two
minutes (tcp_syn_retries). Every minute the clients are closed and opened again. Prints the
listener's port once the clients are connecting. Usage: python3 syn_sent.py [CLIENTS]
"""

import select
import socket
import sys

clients_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 4
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
clients = []
announced = False
while True:
    for c in clients:
        c.close()
    clients = []
    for _ in range(clients_wanted):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        clients.append(c)
    if not announced:
        print(port, flush=True)
        announced = True
    readable, _, _ = select.select([sys.stdin], [], [], 60)
    if readable and not sys.stdin.buffer.read1(1):
        break
