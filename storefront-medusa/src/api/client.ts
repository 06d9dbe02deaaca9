// A small typed client for the Medusa v2 Store API: every request carries the publishable key, and
// every failure becomes a StoreApiError with the backend's own message.

export type StoreApiErrorKind = "network" | "publishable-key" | "not-found" | "invalid" | "server";

export class StoreApiError extends Error {
  constructor(
    message: string,
    readonly kind: StoreApiErrorKind,
    readonly status: number,
  ) {
    super(message);
    this.name = "StoreApiError";
  }
}

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

export interface ClientOptions {
  backendUrl: string;
  publishableKey: string;
  fetchImpl?: typeof fetch;
}

export function buildQueryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) for (const item of value) params.append(`${name}[]`, String(item));
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function errorKind(status: number, type: string | undefined, message: string): StoreApiErrorKind {
  // Medusa answers a missing or unknown publishable key with 400 "not_allowed" and a message about it.
  if (type === "not_allowed" && /publishable/i.test(message)) return "publishable-key";
  if (status === 401 || status === 403) return "publishable-key";
  if (status === 404) return "not-found";
  if (status >= 400 && status < 500) return "invalid";
  return "server";
}

async function toError(response: Response): Promise<StoreApiError> {
  let message = `The store answered ${response.status}`;
  let type: string | undefined;
  try {
    const body = (await response.json()) as { message?: string; type?: string };
    if (body.message) message = body.message;
    type = body.type;
  } catch {
    // Not JSON: keep the generic message.
  }
  return new StoreApiError(message, errorKind(response.status, type, message), response.status);
}

export function createStoreClient({ backendUrl, publishableKey, fetchImpl }: ClientOptions) {
  const doFetch = fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function request<T>(method: "GET" | "POST" | "DELETE", path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = { "x-publishable-api-key": publishableKey, accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await doFetch(`${backendUrl}${path}${buildQueryString(options.query)}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch {
      throw new StoreApiError("The store's backend cannot be reached.", "network", 0);
    }
    if (!response.ok) throw await toError(response);
    return (await response.json()) as T;
  }

  return {
    get: <T>(path: string, query?: Query) => request<T>("GET", path, { query }),
    post: <T>(path: string, body: unknown = {}, query?: Query) => request<T>("POST", path, { body, query }),
    delete: <T>(path: string, query?: Query) => request<T>("DELETE", path, { query }),
  };
}

export type StoreClient = ReturnType<typeof createStoreClient>;
