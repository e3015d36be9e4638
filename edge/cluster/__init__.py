"""Edge replicas working as one: a connection registry shared in Redis.

A charge point's socket lives in exactly one edge process, but an operator's call may
reach any replica (Envoy balances REST over all of them). Every replica therefore writes
a *route* for each socket it holds into Redis (:mod:`edge.cluster.directory`): the
replica's id and gRPC address and the connection's id, under a lease the replica renews
(:mod:`edge.cluster.replica`). A replica asked about a charge point it does not hold
forwards the very same EdgeService call to the replica named by the route
(:mod:`edge.cluster.forwarding`) and relays the answer, status and details included.

When a charge point connects again, to any replica, the new route replaces the old one
and the replica that held the old socket is told to close it: the newest connection wins
everywhere, as it does inside one process. A replica that dies stops renewing, so its
routes expire within one lease. Without Redis (``csms up`` with one edge), none of this
runs and the in-memory :class:`~edge.registry.SessionRegistry` is the whole registry.
"""
