# syntax=docker/dockerfile:1
# The storefleet image: one image, the `storefleet` command picks the role (api, writer, migrate; watch
# later). Build from the repository root: docker build -t ghcr.io/storefleet/storefleet:0.1.0 .
# When the dashboard (frontend/) has a build, add a node stage here and copy its dist into the API's
# static directory: the API serves it at /, so it needs no image of its own.

FROM python:3.11.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/storefleet
COPY pyproject.toml constraints.txt README.md ./
COPY src/ src/
COPY api/ api/
COPY renderer/ renderer/
COPY reconciler-watch/ reconciler-watch/
COPY gitops-template/ gitops-template/
# src/storefleet holds symlinks into the folders above; a regular (non-editable) install copies them.
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
