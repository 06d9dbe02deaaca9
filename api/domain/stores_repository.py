"""All SQL touching stores. Rows come back frozen and typed (`store_rows`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

from psycopg import sql
from psycopg.rows import BaseRowFactory, RowMaker, kwargs_row
from psycopg.types.json import Jsonb

from storefleet.api.db.pool import Connection
from storefleet.api.db.statement import Statement
from storefleet.api.db.statement import with_writes as statement_with_writes
from storefleet.api.db.where import Where
from storefleet.api.domain import audit_repository
from storefleet.api.domain.store_rows import (
    SETTINGS_SCOPE as SETTINGS_SCOPE,
)
from storefleet.api.domain.store_rows import (
    STORE_COLUMNS,
    ConvergingStore,
    ListPosition,
    NewStore,
    StorePage,
    StoreQuery,
    StoreRow,
    StoreSummary,
    StoreWrites,
    Whole,
    converging_store,
    row_maker,
    scope_filter,
)
from storefleet.renderer.catalogue import DEFAULT_TEMPLATE

_COLUMNS = STORE_COLUMNS
_LIST_COLUMNS = ", ".join(f"stores.{c.strip()}" for c in _COLUMNS.split(",") if c.strip() != "spec")
_ALIASED_COLUMNS = ", ".join(f"s.{c.strip()}" for c in _COLUMNS.split(","))
LIVE_NAME_CONSTRAINT = "stores_owner_live_name_key"


def _jsonb_or_null(document: dict[str, Any] | None) -> Jsonb | None:
    return Jsonb(document) if document is not None else None


def _positional(cls: type[Whole]) -> BaseRowFactory[Whole]:
    """Rows of `cls` (`store_rows.row_maker`), for a query selecting `STORE_COLUMNS` (or all but
    the spec, for a summary) in any order."""

    def factory(cursor: Any) -> RowMaker[Whole]:  # a cursor of either kind
        return row_maker(cls, [column.name for column in cursor.description or ()])

    return factory


_STORE = _positional(StoreRow)
_SUMMARY = _positional(StoreSummary)
_CONVERGING = kwargs_row(converging_store)


async def insert_store(
    conn: Connection, store: NewStore, status: str, *, with_writes: Sequence[Statement] = ()
) -> StoreRow:
    """Insert the store; `with_writes` (its outbox and audit rows) go in the same statement, so a
    create is one round trip and all of it or none is written, even outside a transaction."""
    insert = Statement(
        "INSERT INTO stores"
        " (id, owner_id, name, engine, theme, plan, template, branding, status, status_message, spec,"
        " spec_hash, cluster_id)"
        f" VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING {_COLUMNS}",
        (
            store.id,
            store.owner_id,
            store.name,
            store.engine,
            store.theme,
            store.plan,
            store.template,
            _jsonb_or_null(store.branding),
            status,
            store.status_message,
            Jsonb(store.spec),
            store.spec_hash,
            store.cluster_id,
        ),
    )
    statement = statement_with_writes(insert, list(with_writes)) if with_writes else insert
    cur = conn.cursor(row_factory=_STORE)
    await cur.execute(statement.query, statement.params)
    row = await cur.fetchone()
    assert row is not None
    return row


async def get_store(conn: Connection, store_id: str, *, for_update: bool = False) -> StoreRow | None:
    """The store row; `for_update` locks it until the transaction ends (read-modify-write)."""
    lock = " FOR UPDATE" if for_update else ""
    cur = conn.cursor(row_factory=_STORE)
    await cur.execute(f"SELECT {_COLUMNS} FROM stores WHERE id = %s{lock}", (store_id,))
    return await cur.fetchone()


def _contains_pattern(text: str | None) -> str | None:
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def list_stores(conn: Connection, query: StoreQuery) -> StorePage:
    where = (
        Where()
        .add_if("owner_id = %s", query.owner_id)
        .add_if("engine = %s", query.engine)
        .add_if("template = %s", query.template)
        .add_if("name LIKE %s", _contains_pattern(query.name_contains))
        .add_if("(pinned_at IS NOT NULL) = %s", query.pinned)
    )
    if query.status:
        where.add("status = %s", query.status)
    else:
        where.add("status <> 'deleted'")  # deleted stores are history: shown only when asked for
    total = await _count(conn, where) if query.count_total else None
    if query.after is not None:
        # Keyset page: a row comparison the (created_at DESC, id DESC) indexes start from, so a page
        # deep in 100,000 stores costs what the first one does (an OFFSET walks every row before it).
        where.add("(created_at, id) < (%s, %s)", query.after.created_at, query.after.id)
    # Deferred join: find the page's ids on the (partial) index first, then fetch only those rows,
    # so a deep offset never sorts whole rows. The list omits `spec`: no list response shows it.
    # One row more than the page tells whether another page follows.
    page = sql.SQL(
        "WITH page AS (SELECT id, created_at FROM stores{}"
        " ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s)"
        " SELECT {} FROM stores JOIN page USING (id, created_at) ORDER BY created_at DESC, id DESC"
    ).format(where.sql(), sql.SQL(_LIST_COLUMNS))
    cur = conn.cursor(row_factory=_SUMMARY)
    rows = await (await cur.execute(page, [*where.params, query.limit + 1, query.offset])).fetchall()
    stores = rows[: query.limit]
    more = len(rows) > query.limit
    next_after = ListPosition(stores[-1].created_at, stores[-1].id) if more else None
    return StorePage(stores, total, next_after)


async def _count(conn: Connection, where: Where) -> int:
    count = sql.SQL("SELECT count(*) AS n FROM stores{}").format(where.sql())
    total_row = await (await conn.execute(count, where.params)).fetchone()
    return int(total_row["n"]) if total_row else 0


async def update_spec(conn: Connection, store_id: str, spec: dict[str, Any], spec_hash: str) -> StoreRow:
    """Replace the desired spec (and the columns mirrored from it)."""
    cur = conn.cursor(row_factory=_STORE)
    await cur.execute(
        "UPDATE stores SET spec = %s, spec_hash = %s, name = %s, engine = %s, theme = %s, plan = %s,"
        f" template = %s, branding = %s, updated_at = now() WHERE id = %s RETURNING {_COLUMNS}",
        (
            Jsonb(spec),
            spec_hash,
            spec["name"],
            spec["engine"],
            spec.get("theme"),
            spec["plan"],
            spec.get("template") or DEFAULT_TEMPLATE.value,
            _jsonb_or_null(spec.get("branding")),
            store_id,
        ),
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def update_specs(conn: Connection, changes: Sequence[tuple[str, dict[str, Any], str]]) -> None:
    """`update_spec` of many stores in one statement: (store id, spec, spec hash) each, one per store
    (the git-side sync's batch of hand edits)."""
    if not changes:
        return
    specs = [spec for _, spec, _ in changes]
    await conn.execute(
        "UPDATE stores s SET spec = c.spec, spec_hash = c.hash, name = c.name, engine = c.engine,"
        " theme = c.theme, plan = c.plan, template = c.template, branding = c.branding, updated_at = now()"
        " FROM unnest(%b::text[], %b::jsonb[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[],"
        " %b::text[], %b::jsonb[]) AS c(id, spec, hash, name, engine, theme, plan, template, branding)"
        " WHERE s.id = c.id",
        (
            [store_id for store_id, _, _ in changes],
            [Jsonb(spec) for spec in specs],
            [spec_hash for _, _, spec_hash in changes],
            [spec["name"] for spec in specs],
            [spec["engine"] for spec in specs],
            [spec.get("theme") for spec in specs],
            [spec["plan"] for spec in specs],
            [spec.get("template") or DEFAULT_TEMPLATE.value for spec in specs],
            [_jsonb_or_null(spec.get("branding")) for spec in specs],
        ),
    )


async def set_chart_versions(conn: Connection, changes: Sequence[tuple[str, dict[str, Any], str]]) -> None:
    """(store id, spec, spec hash) of stores whose spec changed only in its chart version, in one
    statement (a rollout wave of thousands of stores)."""
    if not changes:
        return
    ids, specs, hashes = (list(column) for column in zip(*changes, strict=True))
    # Arrays in binary (%b): psycopg writes the text form of an array in Python, quoting and
    # escaping element by element (every quote of a jsonb value, every message with a space).
    await conn.execute(
        "UPDATE stores s SET spec = c.spec, spec_hash = c.hash, updated_at = now()"
        " FROM unnest(%b::text[], %b::jsonb[], %b::text[]) AS c(id, spec, hash) WHERE s.id = c.id",
        (ids, [Jsonb(spec) for spec in specs], hashes),
    )


async def get_stores(
    conn: Connection, store_ids: list[str], *, for_update: bool = False
) -> dict[str, StoreRow]:
    """Several stores by id; `for_update` locks them in id order (no deadlock between two batches)."""
    lock = " FOR UPDATE" if for_update else ""
    cur = conn.cursor(row_factory=_STORE)
    await cur.execute(f"SELECT {_COLUMNS} FROM stores WHERE id = ANY(%b) ORDER BY id{lock}", (store_ids,))
    return {row.id: row for row in await cur.fetchall()}


async def get_store_summaries(
    conn: Connection, store_ids: list[str], *, for_update: bool = False
) -> dict[str, StoreSummary]:
    """`get_stores` without the specs: for a batch that only reports lifecycle events (a wave's
    5,000 specs were most of what the writer read, sent and decoded to record its commit)."""
    lock = " FOR UPDATE" if for_update else ""
    cur = conn.cursor(row_factory=_SUMMARY)
    await cur.execute(
        f"SELECT {_LIST_COLUMNS} FROM stores WHERE id = ANY(%b) ORDER BY id{lock}", (store_ids,)
    )
    return {row.id: row for row in await cur.fetchall()}


def _write_columns(writes: StoreWrites, ids: Sequence[str]) -> list[list[Any]]:
    """Per store of `ids`, in order: spec (binary), spec hash, commit, request id; NULL: keep."""
    specs = [writes.specs.get(i) for i in ids]
    commits = [writes.commits.get(i) for i in ids]
    return [
        [Jsonb(s[0]) if s else None for s in specs],
        [s[1] if s else None for s in specs],
        [c[0] if c else None for c in commits],
        [c[1] if c else None for c in commits],
    ]


# Aliased `w`: the columns of `StoreWrites.columns`, a NULL keeping the column as it is.
_WRITES_SET = (
    " spec = coalesce(w.spec, s.spec), spec_hash = coalesce(w.spec_hash, s.spec_hash),"
    " last_commit_sha = coalesce(w.sha, s.last_commit_sha),"
    " committed_at = CASE WHEN w.sha IS NULL THEN s.committed_at ELSE now() END,"
    " last_request_id = CASE WHEN w.sha IS NULL THEN s.last_request_id ELSE w.request_id END,"
)
_WRITES_FROM = ", unnest(%b::text[], %b::jsonb[], %b::text[], %b::text[], %b::text[])"
_WRITES_FROM += " AS w(id, spec, spec_hash, sha, request_id)"


def _with_writes(ids: list[str], writes: StoreWrites | None) -> tuple[str, str, str, list[Any]]:
    """(SET part, FROM part, WHERE part, parameters) writing `writes` where the statement updates."""
    if writes is None:
        return "", "", "", []
    return _WRITES_SET, _WRITES_FROM, " AND w.id = s.id", [ids, *_write_columns(writes, ids)]


# (id, expected status, target status, message, error, lifecycle event, audit detail) per store
StatusMoves = list[tuple[str, str, str, str | None, str | None, str, dict[str, Any] | None]]
# The moves as a relation of the statement, numbered in list order (their audit rows follow it).
_MOVES = (
    "d AS (SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[],"
    " %b::jsonb[]) WITH ORDINALITY AS d(id, expected, target, message, error, event, detail, n))"
)
_TRANSITIONS = (
    f"{audit_repository.TRANSITIONS} ({audit_repository.TRANSITION_COLUMNS}) AS (SELECT d.id,"
    " moved.owner_id, d.expected, d.target, d.message, d.error, d.event, d.detail, d.n"
    " FROM d JOIN moved ON moved.id = d.id)"
)


def _moves_params(moves: StatusMoves) -> tuple[list[str], list[Any]]:
    ids, expected, targets, messages, errors, events, details = (list(c) for c in zip(*moves, strict=True))
    return ids, [ids, expected, targets, messages, errors, events, [_jsonb_or_null(d) for d in details]]


@overload
async def update_status_many(
    conn: Connection,
    moves: StatusMoves,
    audit: Statement,
    writes: StoreWrites | None = None,
    *,
    ids_only: Literal[False] = False,
) -> list[StoreRow]: ...
@overload
async def update_status_many(
    conn: Connection,
    moves: StatusMoves,
    audit: Statement,
    writes: StoreWrites | None = None,
    *,
    ids_only: Literal[True],
) -> list[str]: ...
async def update_status_many(
    conn: Connection,
    moves: StatusMoves,
    audit: Statement,
    writes: StoreWrites | None = None,
    *,
    ids_only: bool = False,
) -> list[StoreRow] | list[str]:
    """Stores appearing once each: each moves only if it is still in its expected status (optimistic
    lock), with its `writes`, and `audit` (`audit_repository.insert_transitions`) writes the audit
    rows of the moves that happened, in the same statement: no move without its row, and one round
    trip. Returns the rows that moved (their ids with `ids_only`: a batch that does not read them back
    saves decoding every spec). Called by the lifecycle service only: it is the one writer of a
    store's status."""
    ids, moves_params = _moves_params(moves)
    set_writes, from_writes, where_writes, params = _with_writes(ids, writes)
    returning = "s.id, s.owner_id" if ids_only else _ALIASED_COLUMNS
    query = (
        f"WITH {_MOVES}, moved AS (UPDATE stores s SET{set_writes} status = d.target,"
        " status_message = d.message, error = d.error, updated_at = now(), status_changed_at = now(),"
        " deleted_at = CASE WHEN d.target = 'deleted' THEN now() ELSE s.deleted_at END"
        f" FROM d{from_writes} WHERE s.id = d.id AND s.status = d.expected{where_writes}"
        f" RETURNING {returning}), {_TRANSITIONS}, audited AS ({audit.query})"
    )
    values = (*moves_params, *params, *audit.params)
    if ids_only:
        moved = await conn.execute(query + " SELECT id FROM moved", values)
        return [row["id"] for row in await moved.fetchall()]
    cur = conn.cursor(row_factory=_STORE)
    await cur.execute(query + f" SELECT {_COLUMNS} FROM moved", values)
    return await cur.fetchall()


async def set_messages(
    conn: Connection, messages: Mapping[str, tuple[str, str]], writes: StoreWrites | None = None
) -> set[str]:
    """store id -> (expected status, message): only where the store is still in that status, with its
    `writes`; returns the ids written. Called by the lifecycle service only."""
    if not messages:
        return set()
    ids = list(messages)
    set_writes, from_writes, where_writes, params = _with_writes(ids, writes)
    cur = await conn.execute(
        f"UPDATE stores s SET{set_writes} status_message = d.message, updated_at = now()"
        f" FROM unnest(%b::text[], %b::text[], %b::text[]) AS d(id, expected, message){from_writes}"
        f" WHERE s.id = d.id AND s.status = d.expected{where_writes} RETURNING s.id",
        (ids, [messages[i][0] for i in ids], [messages[i][1] for i in ids], *params),
    )
    return {row["id"] for row in await cur.fetchall()}


async def write_columns(conn: Connection, writes: StoreWrites) -> None:
    """`writes` on their own, for stores whose status did not change with them."""
    await set_chart_versions(conn, [(i, spec, spec_hash) for i, (spec, spec_hash) in writes.specs.items()])
    await set_store_fields(conn, "last_commit_sha", {i: sha for i, (sha, _) in writes.commits.items()})
    requests = {i: request for i, (_, request) in writes.commits.items() if request}
    await set_store_fields(conn, "last_request_id", requests)


async def mark_retry(conn: Connection, store_id: str, *, automatic: bool = False) -> None:
    """A retry: the applier must handle a new request token before its old status counts again, and
    the post-install setup, if it runs, runs as a new Job. The platform's own retries are counted; a
    person's gives the automatic ones their budget back."""
    await conn.execute(
        "UPDATE stores SET retry_requested_at = now(),"
        " retry_token = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
        " setup_generation = setup_generation + 1,"
        " auto_retries = CASE WHEN %s THEN auto_retries + 1 ELSE 0 END WHERE id = %s",
        (automatic, store_id),
    )


# ---- the writer, the pull-request writer and the git-side sync ----------------------------------
async def set_store_fields(conn: Connection, column: str, values: dict[str, str]) -> None:
    """One text column of many stores in one statement (`last_commit_sha`, `last_request_id` or
    `pull_request_url`)."""
    assert column in ("last_commit_sha", "last_request_id", "pull_request_url"), column
    if values:
        # A new commit drops the previous one's request id: a person's commit has none.
        committed = ", committed_at = now(), last_request_id = NULL" if column == "last_commit_sha" else ""
        await conn.execute(
            f"UPDATE stores s SET {column} = d.value, updated_at = now(){committed}"
            " FROM unnest(%b::text[], %b::text[]) AS d(id, value) WHERE s.id = d.id",
            (list(values), list(values.values())),
        )


async def set_pin(conn: Connection, store_id: str, reason: str | None, by: str | None) -> StoreRow:
    """Pin the store (a reason and who) or, with None, lift its pin; a repeated pin keeps its time."""
    cur = conn.cursor(row_factory=_STORE)
    await cur.execute(
        "UPDATE stores SET pin_reason = %(reason)s, pinned_by = %(by)s,"
        " pinned_at = CASE WHEN %(reason)s::text IS NULL THEN NULL ELSE coalesce(pinned_at, now()) END,"
        f" updated_at = now() WHERE id = %(id)s RETURNING {_COLUMNS}",
        {"reason": reason, "by": by, "id": store_id},
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def set_store_pull_request_url(conn: Connection, store_id: str, url: str | None) -> None:
    await conn.execute(
        "UPDATE stores SET pull_request_url = %s, updated_at = now() WHERE id = %s", (url, store_id)
    )


# ---- the cluster watcher ------------------------------------------------------------------------
CONVERGING = ("provisioning", "updating", "restoring", "deleting")
RUNNING = ("ready", "degraded")

_WATCH_COLUMNS = (
    "s.id, s.owner_id, s.engine, s.status, s.status_message, s.spec, s.spec_hash, s.last_commit_sha,"
    " s.status_changed_at, s.committed_at, s.setup_done_key, s.setup_generation, s.retry_token,"
    " s.retry_requested_at, s.updated_at, s.last_request_id, s.setup_started_key, s.final_backup,"
    # A change is pending while it waits in the outbox or in an open pull request (pull-request mode).
    " (EXISTS (SELECT 1 FROM outbox o WHERE o.store_id = s.id AND o.processed_at IS NULL)"
    "  OR EXISTS (SELECT 1 FROM pull_requests p WHERE p.store_id = s.id AND p.state = 'open'))"
    " AS change_pending"
)


async def converging_stores(
    conn: Connection,
    store_ids: list[str] | None = None,
    scope: str | None = None,
    *,
    after: str | None = None,
    limit: int | None = None,
) -> list[ConvergingStore]:
    """Stores the cluster still has to converge (all of them), or those of `store_ids` that it has to
    converge or that run (`ready`, `degraded`: a change of their objects may be a change of health);
    only those of the watcher's `scope` (`store_rows.scope_filter`). By id: those after `after`, at
    most `limit` (a page of a walk over them all)."""
    only = " AND s.id = ANY(%(ids)s)" if store_ids is not None else ""
    if after is not None:
        only += " AND s.id > %(after)s"
    page = " LIMIT %(limit)s" if limit is not None else ""
    statuses = list(CONVERGING) if store_ids is None else [*CONVERGING, *RUNNING]
    cur = conn.cursor(row_factory=_CONVERGING)
    await cur.execute(
        f"SELECT {_WATCH_COLUMNS} FROM stores s WHERE s.status = ANY(%(statuses)s){only}"
        f"{scope_filter(scope)} ORDER BY s.id{page}",
        {"statuses": statuses, "ids": store_ids, "scope": scope, "after": after, "limit": limit},
    )
    return await cur.fetchall()


async def place_by_spec(conn: Connection, store_id: str) -> None:
    """Put the store on the cluster its spec names (none: the home cluster), as a person's commit
    placed it; NULL when no such cluster is registered."""
    await conn.execute(
        "UPDATE stores SET cluster_id = (SELECT c.id FROM clusters c WHERE CASE WHEN stores.spec->>'cluster'"
        " IS NULL THEN c.home ELSE c.name = stores.spec->>'cluster' END) WHERE id = %s",
        (store_id,),
    )


async def running_store_specs(conn: Connection, scope: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(id, spec) of every running store (`ready`, `degraded`) of the watcher's `scope`: what the
    HTTP probe visits."""
    cur = await conn.execute(
        f"SELECT s.id, s.spec FROM stores s WHERE s.status = ANY(%(statuses)s){scope_filter(scope)}"
        " ORDER BY s.id",
        {"statuses": list(RUNNING), "scope": scope},
    )
    return [(row["id"], row["spec"]) for row in await cur.fetchall()]


async def record_ready(conn: Connection, store_id: str, setup_key: str, revision: str | None) -> None:
    """A completed setup moves the setup generation on: the next setup change gets a Job of its own.
    A ready store's automatic retries start again from none."""
    await record_ready_many(conn, [(store_id, setup_key, revision)])


async def record_ready_many(conn: Connection, ready: Sequence[tuple[str, str, str | None]]) -> None:
    """`record_ready` of several stores, (id, setup key, observed revision) each, in one statement."""
    if not ready:
        return
    ids, keys, revisions = (list(column) for column in zip(*ready, strict=True))
    await conn.execute(
        "UPDATE stores s SET setup_generation = s.setup_generation"
        " + (s.setup_done_key IS DISTINCT FROM r.setup_key)::int, setup_done_key = r.setup_key,"
        " observed_revision = coalesce(r.revision, s.observed_revision), auto_retries = 0"
        " FROM unnest(%b::text[], %b::text[], %b::text[]) AS r(id, setup_key, revision) WHERE s.id = r.id",
        (ids, keys, revisions),
    )


async def set_final_backup(conn: Connection, store_id: str, backup: str | None) -> None:
    """The final Backup a deleted store's removal waits for (None: none awaited)."""
    await conn.execute("UPDATE stores SET final_backup = %s WHERE id = %s", (backup, store_id))


async def final_backup(conn: Connection, store_id: str) -> str | None:
    cur = await conn.execute("SELECT final_backup FROM stores WHERE id = %s", (store_id,))
    row = await cur.fetchone()
    return row["final_backup"] if row else None


async def record_setup_done(conn: Connection, store_id: str, setup_key: str) -> None:
    """The store's data is set up for `setup_key` without a Job of the platform's (data restored
    from a backup): no setup runs until its setup inputs change."""
    await conn.execute("UPDATE stores SET setup_done_key = %s WHERE id = %s", (setup_key, store_id))


# ---- the cluster watcher: setup bookkeeping -------------------------------------------------------
@dataclass(frozen=True)
class SetupStart:
    """A setup Job about to start: for `key`, under `generation`, judged on the row as it was read."""

    store_id: str
    key: str
    generation: int
    read_status: str
    read_generation: int
    read_spec_hash: str | None


async def record_setup_starts(conn: Connection, starts: Sequence[SetupStart]) -> set[str]:
    """Before their Jobs are created: each start's key is the started one and the done key stops
    counting (the Job is about to change the store, so a change back to the done inputs needs a Job of
    its own). One statement for a whole evaluation's starts (one commit, not one per store). Returns
    the ids recorded; a store that moved since it was read is left alone (judge it again)."""
    if not starts:
        return set()
    cur = await conn.execute(
        "UPDATE stores s SET setup_started_key = d.key, setup_generation = d.generation,"
        " setup_done_key = NULL"
        " FROM unnest(%s::text[], %s::text[], %s::int[], %s::text[], %s::int[], %s::text[])"
        " AS d(id, key, generation, read_status, read_generation, read_spec_hash)"
        " WHERE s.id = d.id AND s.status = d.read_status AND s.setup_generation = d.read_generation"
        " AND s.spec_hash IS NOT DISTINCT FROM d.read_spec_hash RETURNING s.id",
        (
            [s.store_id for s in starts],
            [s.key for s in starts],
            [s.generation for s in starts],
            [s.read_status for s in starts],
            [s.read_generation for s in starts],
            [s.read_spec_hash for s in starts],
        ),
    )
    return {row["id"] for row in await cur.fetchall()}
