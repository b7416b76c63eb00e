# syntax=docker/dockerfile:1
# The slaforge exporter: probes the endpoints declared in the SLA files mounted at /etc/slaforge
# and serves /metrics on port 9105.
#
#   docker build -t slaforge .
#   docker run -d --name slaforge -p 9105:9105 -v "$PWD/slas:/etc/slaforge:ro" slaforge
#
# The base image is pinned by exact tag. Pin it by digest as well (FROM python:3.11.13-slim-bookworm@sha256:...)
# where a registry can be queried: `docker buildx imagetools inspect python:3.11.13-slim-bookworm`.

# --- build: the slaforge wheel and wheels of all its dependencies -----------------------------
# Every dependency, and setuptools that builds slaforge, at the exact version and hash of requirements.lock.
FROM python:3.11.13-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY slaforge ./slaforge
RUN python -m pip wheel --require-hashes --no-deps --wheel-dir /wheels -r requirements.lock \
    && python -m pip install --require-hashes --no-deps --no-index --find-links /wheels -r requirements.lock \
    && python -m pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

# --- runtime: a virtualenv with those wheels, no compilers, not root ---------------------------
FROM python:3.11.13-slim-bookworm
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="slaforge" \
      org.opencontainers.image.description="slaforge exporter: probes SLA endpoints and serves Prometheus metrics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11.13-slim-bookworm" \
      org.opencontainers.image.documentation="docs/deploying.md"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# the virtualenv gets no pip of its own: the base image's pip installs into it, offline, from the wheels
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    /usr/local/bin/python -m venv --without-pip /opt/slaforge \
    && /usr/local/bin/python -m pip --python /opt/slaforge/bin/python install --no-index --find-links /wheels /wheels/slaforge-*.whl \
    && mkdir -p /etc/slaforge
ENV PATH=/opt/slaforge/bin:$PATH
USER 65532:65532
WORKDIR /tmp
EXPOSE 9105
# python, not curl: slim images have no curl. Change the port here if you change --listen.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:9105/-/healthy', timeout=4).status != 200)"]
ENTRYPOINT ["slaforge", "exporter"]
CMD ["/etc/slaforge", "--listen", "0.0.0.0:9105"]
