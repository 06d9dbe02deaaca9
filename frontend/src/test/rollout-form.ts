import { screen } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import type { Schemas } from "@/lib/api/client";
import { API, makeUser } from "./fixtures";
import { renderApp } from "./render";
import { server } from "./server";

/** The admin who fills the new-rollout form. */
export const rolloutAdmin = makeUser({ id: "u-admin00001", username: "ada", role: "admin" });

/** A dry run's answer: chart 1.5.0 for 11 stores in 2 waves, one store left out. */
export function makePlan(overrides: Partial<Schemas["RolloutPlanOut"]> = {}): Schemas["RolloutPlanOut"] {
  return {
    dry_run: true,
    kind: "chart_version",
    target: "1.5.0",
    change: "chart 1.5.0",
    chart_version: "1.5.0",
    add_chart: true,
    store_count: 11,
    skipped: [{ store_id: "st-pinned0001", reason: "pinned" }],
    waves: [
      { number: 1, store_count: 1, max_failures: 0, store_ids: ["st-aaaaaaaa01"] },
      { number: 2, store_count: 10, max_failures: 1, store_ids: [] },
    ],
    diff: "--- a/st-aaaaaaaa01/helmrelease.yaml\n+++ b/st-aaaaaaaa01/helmrelease.yaml\n-      version: 1.4.0\n+      version: 1.5.0\n",
    checks: ["chart 1.5.0 found", "values accepted for woocommerce and medusa"],
    ...overrides,
  };
}

/** The rollouts page with an empty list; POST /rollouts answers with `answer`, recording each body. */
export function serveNewRollout(answer: (body: Record<string, unknown>) => Response) {
  const sent: Record<string, unknown>[] = [];
  server.use(
    http.get(`${API}/auth/me`, () => HttpResponse.json(rolloutAdmin)),
    http.get(`${API}/rollouts`, () => HttpResponse.json({ items: [], total: 0 })),
    http.post(`${API}/rollouts`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      sent.push(body);
      return answer(body);
    }),
  );
  return sent;
}

/** Types `text` in one go (pasted): a form this long would make typing it key by key slow. */
export async function fill(user: UserEvent, input: HTMLElement, text: string) {
  await user.clear(input);
  await user.click(input);
  await user.paste(text);
}

/** The rollouts page with its "New rollout" form open. */
export async function openRolloutForm() {
  const rendered = renderApp("/rollouts");
  await rendered.user.click(await screen.findByRole("button", { name: "New rollout" }));
  return { ...rendered, form: screen.getByRole("form", { name: "New rollout" }) };
}
