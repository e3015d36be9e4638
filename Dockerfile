# One image for every role: the command chooses it (csms chargepoint|transaction|auth|edge|envoy|migrate|up).
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

# Installing generates csms/ (stubs and Envoy's descriptor set) from proto/.
RUN pip install --no-cache-dir -e . && csms generate && mkdir -p /data

EXPOSE 3000 4000 4001
CMD ["csms", "up"]
