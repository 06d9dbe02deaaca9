import createClient, { type Middleware } from "openapi-fetch";
import { config } from "@/lib/config";
import { clearSession, readSession } from "@/lib/session";
import { networkError, toApiError } from "./errors";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const session = readSession();
    if (session) request.headers.set("Authorization", `Bearer ${session.token}`);
    return request;
  },
  onResponse({ request, response }) {
    // A 401 to a request that carried a token means the session ended (expired or revoked).
    if (response.status === 401 && request.headers.has("Authorization")) clearSession("expired");
    return response;
  },
};

/** The typed client generated from the platform's OpenAPI document (see openapi.json). */
export const api = createClient<paths>({
  baseUrl: config.apiOrigin,
  // Looked up per call, so a fetch replaced after start-up (the test server) is the one used.
  fetch: (request) => globalThis.fetch(request),
});
api.use(authMiddleware);

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/** Await an openapi-fetch call: its data on success, an ApiError (with the API's words) otherwise. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return result.data as T;
}
