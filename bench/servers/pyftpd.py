"""pyftpdlib serving the shared directory with one user; sendfile() stays at its default (on).
With CERTFILE (certificate and key in one PEM file), explicit FTPS is offered, not required.
Usage: pyftpd.py PORT ROOT USER PASSWORD MIN-MAX [CERTFILE]"""
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

port, root, user, password, ports = sys.argv[1:6]
certfile = sys.argv[6] if len(sys.argv) > 6 else None
low, high = (int(p) for p in ports.split("-"))

authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elradfmwMT")
handler = FTPHandler
if certfile:
    from pyftpdlib.handlers import TLS_FTPHandler  # needs pyOpenSSL

    handler = TLS_FTPHandler
    handler.certfile = certfile
handler.authorizer = authorizer
handler.passive_ports = range(low, high + 1)
handler.banner = "pyftpdlib ready"

# Per-command INFO logging would measure the terminal, not the server.
logging.basicConfig(level=logging.WARNING)
server = FTPServer(("127.0.0.1", int(port)), handler)
server.max_cons = 4096
server.max_cons_per_ip = 0
server.serve_forever()
