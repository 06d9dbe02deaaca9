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

/** Handlers for a store's detail page: the store, its history, events and resources. */
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
