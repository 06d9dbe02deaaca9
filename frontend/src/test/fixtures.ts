import { http, HttpResponse } from "msw";
import type { Schemas } from "@/lib/api/client";
import { saveSession, type User } from "@/lib/session";

export const API = "http://localhost:3000/api/v1";

export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: "u-owner0001",
    email: "ana@example.com",
    username: "ana",
    role: "tenant",
    is_active: true,
    created_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

export function signIn(user: User = makeUser()): User {
  saveSession({ token: "test-token", expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user });
  return user;
}

export function makeStore(overrides: Partial<Schemas["StoreOut"]> = {}): Schemas["StoreOut"] {
  return {
    id: "st-aaaaaaaa01",
    name: "corner-shop",
    engine: "woocommerce",
    theme: "storefront",
    plan: "small",
    template: "classic",
    branding: null,
    status: "ready",
    status_message: "ready at 1234567abc",
    error: null,
    owner_id: "u-owner0001",
    spec_hash: "hash",
    last_commit_sha: "1234567abcdef1234567abcdef1234567abcdef0",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:01:00Z",
    deleted_at: null,
    ...overrides,
  };
}

/** The platform's catalogue templates, as GET /templates lists them. */
export const TEMPLATES: Schemas["TemplateOut"][] = [
  {
    name: "classic",
    title: "Classic",
    description: "A general store: a bit of everything.",
    products: 8,
    categories: 3,
  },
  {
    name: "minimal",
    title: "Minimal",
    description: "A handful of products to start from.",
    products: 3,
    categories: 1,
  },
  { name: "fashion", title: "Fashion", description: "Clothing and accessories.", products: 10, categories: 4 },
  { name: "electronics", title: "Electronics", description: "Gadgets and accessories.", products: 9, categories: 3 },
  { name: "food", title: "Food", description: "A delicatessen's shelves.", products: 12, categories: 4 },
];

export const templatesHandler = http.get(`${API}/templates`, () => HttpResponse.json({ templates: TEMPLATES }));

/** What the create page reads before anything is typed: the signed-in user and the templates. */
export function createPageHandlers() {
  return [http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())), templatesHandler];
}

export function makeCommit(overrides: Partial<Schemas["HistoryEntryOut"]> = {}): Schemas["HistoryEntryOut"] {
  return {
    sha: "1234567abcdef1234567abcdef1234567abcdef0",
    short_sha: "1234567",
    action: "create",
    summary: "store: create corner-shop",
    actor: "ana",
    time: "2026-01-01T00:00:00Z",
    request_id: null,
    change_id: 1,
    commit_url: null,
    ...overrides,
  };
}

export function apiError(
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
) {
  return HttpResponse.json({ error: { code, message, details }, request_id: "req-test" }, { status, headers });
}

/** A small-plan store's usage at the platform's default prices, as GET /stores/{id}/usage answers. */
export function makeStoreUsage(overrides: Partial<Schemas["StoreUsage"]> = {}): Schemas["StoreUsage"] {
  return {
    store_id: "st-aaaaaaaa01",
    plan: "small",
    source: "plan",
    requests: { cpu_cores: 0.2, memory_gib: 0.5 },
    limits: { cpu_cores: 1, memory_gib: 1 },
    storage_gib: 4,
    estimated_monthly_cost: { cpu: 4.61, memory: 1.53, storage: 0.4, total: 6.54, currency: "USD" },
    ...overrides,
  };
}

/** One Velero backup of a store as GET /stores/{id}/backups lists it (completed on schedule). */
export function makeBackup(overrides: Partial<Schemas["BackupOut"]> = {}): Schemas["BackupOut"] {
  return {
    name: "storefleet-st-aaaaaaaa01-20260301030000",
    trigger: "schedule",
    kept: false,
    phase: "Completed",
    created_at: "2026-03-01T03:00:00Z",
    started_at: "2026-03-01T03:00:01Z",
    completed_at: "2026-03-01T03:01:12Z",
    expires_at: "2026-03-08T03:00:01Z",
    items_backed_up: 42,
    total_items: 42,
    errors: 0,
    warnings: 0,
    failure_reason: null,
    validation_errors: [],
    ...overrides,
  };
}

/** A drift report as GET /drift answers it; the counts follow the items unless given. */
export function makeDriftReport(overrides: Partial<Schemas["DriftReport"]> = {}): Schemas["DriftReport"] {
  const items = overrides.items ?? [];
  const count = (kind: string) => new Set(items.filter((item) => item.kind === kind).map((i) => i.store_id)).size;
  return {
    checked_at: "2026-03-01T12:00:00Z",
    counts: {
      orphan: count("orphan"),
      missing: count("missing"),
      out_of_sync: count("out_of_sync"),
      not_corrected: count("not_corrected"),
      corrected: count("corrected"),
    },
    items,
    unread: [],
    ...overrides,
  };
}

/** Handlers for a store's detail page: the store, its history, events, resources, rollouts and usage. */
export function storeDetailHandlers(
  store: Schemas["StoreOut"],
  commits: Schemas["HistoryEntryOut"][] = [makeCommit()],
) {
  return [
    http.get(`${API}/stores/${store.id}`, () => HttpResponse.json(store)),
    http.get(`${API}/stores/${store.id}/history`, () => HttpResponse.json({ commits })),
    http.get(`${API}/audit`, () => HttpResponse.json({ events: [], total: 0, limit: 200, offset: 0 })),
    http.get(`${API}/stores/${store.id}/resources`, () =>
      HttpResponse.json({
        store_id: store.id,
        namespace: store.id,
        namespace_present: false,
        namespace_phase: null,
        unreadable: [],
        summary: {
          ready: false,
          pods: 0,
          pods_ready: 0,
          deployments: 0,
          deployments_ready: 0,
          statefulsets: 0,
          statefulsets_ready: 0,
          ingresses: 0,
          problems: [],
        },
        deployments: [],
        statefulsets: [],
        pods: [],
        ingresses: [],
      }),
    ),
    http.get(`${API}/stores/${store.id}/rollouts`, () => HttpResponse.json([])),
    http.get(`${API}/stores/${store.id}/usage`, () => HttpResponse.json(makeStoreUsage({ store_id: store.id }))),
    http.get(`${API}/stores/${store.id}/backups`, () =>
      HttpResponse.json({ store_id: store.id, enabled: false, schedule: null, backups: [] }),
    ),
    http.get(`${API}/stores/${store.id}/move`, () => HttpResponse.json(null)),
    http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())),
    templatesHandler,
  ];
}

/** The create page's handlers, answering a create with `created` (and its detail page); `sent.body`
 *  holds what the form sent. */
export function capturingCreateHandlers(created: Schemas["StoreOut"]) {
  const sent: { body: Record<string, unknown> } = { body: {} };
  const handlers = [
    ...createPageHandlers(),
    ...storeDetailHandlers(created),
    http.post(`${API}/stores`, async ({ request }) => {
      sent.body = (await request.json()) as Record<string, unknown>;
      return HttpResponse.json(created, { status: 202 });
    }),
  ];
  return { handlers, sent };
}

export function makeWaveStore(overrides: Partial<Schemas["WaveStoreOut"]> = {}): Schemas["WaveStoreOut"] {
  return {
    store_id: "st-aaaaaaaa01",
    name: "corner-shop",
    tenant: "u-owner0001",
    status: "ready",
    chart_version: "1.5.0",
    value: "1.5.0",
    from_value: "1.4.0",
    state: "committed",
    note: null,
    error: null,
    ...overrides,
  };
}

export function makeWave(overrides: Partial<Schemas["WaveOut"]> = {}): Schemas["WaveOut"] {
  return {
    number: 1,
    state: "passed",
    attempt: 0,
    store_count: 1,
    max_failures: 0,
    commit_sha: "c0ffee0123456789abcdef0123456789abcdef01",
    revert_sha: null,
    reverted_by: null,
    gate: { verdict: "pass", message: "1 stores ready", ready: 1, failed: 0, pending: 0, failing: [] },
    committed_at: "2026-02-01T10:00:00Z",
    ready_at: "2026-02-01T10:01:00Z",
    finished_at: "2026-02-01T10:02:00Z",
    stores: [makeWaveStore()],
    ...overrides,
  };
}

/** A rollout of chart 1.5.0 to 5 stores: a 1-store canary that passed, then 4 stores gating. */
export function makeRollout(overrides: Partial<Schemas["RolloutOut"]> = {}): Schemas["RolloutOut"] {
  return {
    id: "ro-abcdefgh23",
    state: "running",
    kind: "chart_version",
    target: "1.5.0",
    change: "chart 1.5.0",
    chart_version: "1.5.0",
    add_chart: false,
    selector: { engines: ["woocommerce"] },
    steps: ["100%"],
    gate: {
      soak_seconds: 30,
      probe_path: null,
      canary_max_failures: 0,
      max_failure_percent: 5,
      timeout_seconds: null,
      canary: { count: 1, store_ids: [] },
    },
    reason: "security fix",
    failing: [],
    created_by: "ada (u-admin00001)",
    created_at: "2026-02-01T09:59:00Z",
    updated_at: "2026-02-01T10:03:00Z",
    finished_at: null,
    store_count: 5,
    waves: [
      makeWave(),
      makeWave({
        number: 2,
        state: "gating",
        store_count: 4,
        commit_sha: "beef000123456789abcdef0123456789abcdef02",
        gate: { verdict: "wait", message: "2 of 4 stores ready", ready: 2, failed: 0, pending: 2, failing: [] },
        finished_at: null,
        stores: [
          makeWaveStore({ store_id: "st-bbbbbbbb02", name: "second-shop" }),
          makeWaveStore({ store_id: "st-cccccccc03", name: "third-shop", status: "updating" }),
        ],
      }),
    ],
    ...overrides,
  };
}

/** The status bar's answers on every signed-in page: a healthy platform with a real cluster. */
export const HEALTHY_REPORT: Schemas["HealthReport"] = {
  status: "ok",
  version: "1.0.0",
  cluster_configured: true,
  simulated: false,
  checks: { database: { status: "ok" } },
};

export const statusBarHandlers = [
  http.get(`${API}/health/summary`, () =>
    HttpResponse.json({ status: "ok", cluster_configured: true, simulated: false }),
  ),
  http.get(`${API}/health`, () => HttpResponse.json(HEALTHY_REPORT)),
];

const HOURS = ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"] as const;

/** GET /fleet/stats over three hourly buckets: 5 stores (1 failed, 1 degraded), a few changes. */
export function makeFleetStats(overrides: Partial<Schemas["FleetStats"]> = {}): Schemas["FleetStats"] {
  const edges = [0, 30, 60, 120, 300, 600, 1200, 1800];
  return {
    scope: "fleet",
    window: { since: HOURS[0], until: "2026-01-01T02:30:00Z", bucket: "hour" },
    counts: {
      total: 5,
      by_status: [
        { key: "failed", stores: 1 },
        { key: "degraded", stores: 1 },
        { key: "ready", stores: 3 },
      ],
      by_engine: [
        { key: "medusa", stores: 2 },
        { key: "woocommerce", stores: 3 },
      ],
      by_plan: [{ key: "small", stores: 5 }],
    },
    stores_over_time: [
      { at: HOURS[0], stores: 3, created: 1, deleted: 0 },
      { at: HOURS[1], stores: 4, created: 1, deleted: 0 },
      { at: HOURS[2], stores: 5, created: 1, deleted: 0 },
    ],
    provisioning: {
      count: 3,
      p50_seconds: 95,
      p95_seconds: 280,
      histogram: edges.map((from, i) => ({
        from_seconds: from,
        to_seconds: edges[i + 1] ?? null,
        stores: i === 3 ? 2 : i === 4 ? 1 : 0,
      })),
    },
    commit_to_ready: {
      count: 2,
      p50_seconds: 40,
      p95_seconds: 58,
      series: [
        { at: HOURS[0], count: 1, p50_seconds: 20, p95_seconds: 20 },
        { at: HOURS[1], count: 1, p50_seconds: 60, p95_seconds: 60 },
        { at: HOURS[2], count: 0, p50_seconds: null, p95_seconds: null },
      ],
    },
    changes: [
      { at: HOURS[0], create: 1, update: 2, delete: 0, rollback: 0, retry: 0 },
      { at: HOURS[1], create: 1, update: 0, delete: 0, rollback: 1, retry: 0 },
      { at: HOURS[2], create: 1, update: 0, delete: 0, rollback: 0, retry: 1 },
    ],
    failures: [{ reason: "timed_out", failures: 1 }],
    ...overrides,
  };
}
