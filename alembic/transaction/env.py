from servicekit.migrations import run_env
from transaction_svc.adapters.tables import metadata

run_env(metadata, "transaction")
