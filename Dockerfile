# syntax=docker/dockerfile:1
# The storefleet image: one image, the `storefleet` command picks the role (api, writer, watch,
# migrate, fleet init). Build from the repository root (.dockerignore lets in exactly what the stages
# read): docker build -t ghcr.io/storefleet/storefleet:<version> . (the version: src/storefleet/__init__.py)

# The dashboard's production build; the API serves it at /, so it needs no image of its own.
FROM node:20.18.1-bookworm-slim AS dashboard
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NPM_CONFIG_AUDIT=false NPM_CONFIG_FUND=false
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci
COPY frontend/ ./
RUN npm run build

# The wheel, built from the folders themselves (pyproject.toml maps them to storefleet.*; setup.py
# copies the chart, the gitops-template and the dashboard into it).
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/storefleet
COPY pyproject.toml setup.py MANIFEST.in constraints.txt README.md ./
COPY src/storefleet/ src/storefleet/
COPY api/ api/
COPY renderer/ renderer/
COPY reconciler-watch/ reconciler-watch/
COPY gitops-template/ gitops-template/
COPY helm/ecommerce-store/ helm/ecommerce-store/
COPY --from=dashboard /src/frontend/dist/ frontend/dist/
RUN /opt/storefleet/bin/pip install --no-compile -c constraints.txt . \
    && /opt/storefleet/bin/python -m compileall -q /opt/storefleet/lib

FROM python:3.11.11-slim-bookworm
# git: the fleet writer builds commits with git fast-import and pushes with git.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git=1:2.39.* ca-certificates=20230311* \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 storefleet \
    && useradd --system --uid 10001 --gid storefleet --home-dir /var/lib/storefleet --create-home storefleet
COPY --from=build /opt/storefleet /opt/storefleet
ENV PATH=/opt/storefleet/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    STOREFLEET_STATE_DIR=/var/lib/storefleet
USER 10001:10001
WORKDIR /var/lib/storefleet
EXPOSE 8000
ENTRYPOINT ["storefleet"]
CMD ["api", "--host", "0.0.0.0", "--port", "8000"]
