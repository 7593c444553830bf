"""pyftpdlib serving the shared directory with one user; sendfile() stays at its default (on).
Usage: pyftpd.py PORT ROOT USER PASSWORD MIN-MAX"""
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

port, root, user, password, ports = sys.argv[1:6]
low, high = (int(p) for p in ports.split("-"))

authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elradfmwMT")
FTPHandler.authorizer = authorizer
FTPHandler.passive_ports = range(low, high + 1)
FTPHandler.banner = "pyftpdlib ready"

# Per-command INFO logging would measure the terminal, not the server.
logging.basicConfig(level=logging.WARNING)
server = FTPServer(("127.0.0.1", int(port)), FTPHandler)
server.max_cons = 4096
server.max_cons_per_ip = 0
server.serve_forever()
