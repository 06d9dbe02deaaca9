import { z } from "zod";

/** Settings read once at start-up and checked, so a bad build setting fails loudly, not oddly. */
const configSchema = z.object({
  // Same origin by default: the platform serves the dashboard and the API (/api/v1) side by side.
  apiOrigin: z.string().url("must be an absolute URL such as http://127.0.0.1:8000").optional(),
  // Polling while a store is in a transitional state: start fast, back off to the maximum.
  pollMinMs: z.coerce.number().int().min(100).max(60_000).default(1_000),
  pollMaxMs: z.coerce.number().int().min(500).max(300_000).default(15_000),
});

export type AppConfig = Omit<z.infer<typeof configSchema>, "apiOrigin"> & { apiOrigin: string };

export function parseConfig(env: Record<string, string | undefined>, origin: string): AppConfig {
  const parsed = configSchema.parse({
    apiOrigin: env.VITE_API_ORIGIN || undefined,
    pollMinMs: env.VITE_POLL_MIN_MS || undefined,
    pollMaxMs: env.VITE_POLL_MAX_MS || undefined,
  });
  // Always absolute: fetch outside a browser (the tests) refuses relative URLs.
  return { ...parsed, apiOrigin: (parsed.apiOrigin ?? origin).replace(/\/$/, "") };
}

export const config: AppConfig = parseConfig(import.meta.env, window.location.origin);
