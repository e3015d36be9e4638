"""Plumbing shared by every CSMS process: settings, gRPC servers and channels,
databases and migrations, logging, time. No business rules live here."""
