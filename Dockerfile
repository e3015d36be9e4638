# One image for every role; the command chooses it:
#   csms chargepoint | transaction | auth | edge | envoy | migrate | up
# docker-compose.yml runs each role as its own service; `docker run` of the image alone
# runs `csms up` (the whole system, embedded SQLite) for a quick try.
FROM python:3.11-slim

WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CSMS_DATA_DIR=/data \
    CSMS_INTERNAL_HOST=0.0.0.0

COPY pyproject.toml setup.py README.md alembic.ini ./
COPY proto ./proto
COPY launcher ./launcher
COPY servicekit ./servicekit
COPY edge ./edge
COPY chargepoint_svc ./chargepoint_svc
COPY transaction_svc ./transaction_svc
COPY auth_svc ./auth_svc
COPY simulator ./simulator
COPY alembic ./alembic

# Installing generates csms/ (stubs and Envoy's descriptor set) from proto/; the
# components run as an unprivileged user that owns only the data dir.
RUN pip install --no-cache-dir -e . \
    && csms generate \
    && useradd --system --uid 10001 --home-dir /data csms \
    && mkdir -p /data/pki \
    && chown -R csms /data \
    && chmod 700 /data/pki
USER csms

# Envoy's public ports (API gateway, OCPP, OCPP over TLS, charge point API), then the
# components' own (the console's 4020 among them), then their Prometheus /metrics
# (chargepoint, transaction, auth, edge).
EXPOSE 3000 4000 4001 4443 4010 4020 50051 50052 50053 50054 9101 9102 9103 9110
CMD ["csms", "up"]
