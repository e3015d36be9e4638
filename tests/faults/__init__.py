"""Faults injected into a running CSMS (in-process services and edges, real databases and
sockets): what a station is answered while a part is down, and what the database holds
after it came back."""
