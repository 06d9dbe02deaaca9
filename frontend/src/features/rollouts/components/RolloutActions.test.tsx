import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, apiError, makeRollout, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";
import type { Rollout } from "../lib/status";

const admin = makeUser({ id: "u-admin00001", username: "ada", role: "admin" });
const PATH = "/rollouts/ro-abcdefgh23";

/** The rollout page, answering GET with `current` (which each accepted action replaces) and recording
 *  every action sent as `action` plus its body. */
function serve(initial: Rollout, answer: (action: string) => Response | Rollout) {
  let current = initial;
  const sent: { action: string; body: unknown }[] = [];
  server.use(
    http.get(`${API}/auth/me`, () => HttpResponse.json(admin)),
    http.get(`${API}/rollouts/${initial.id}`, () => HttpResponse.json(current)),
    http.post(`${API}/rollouts/${initial.id}/:action`, async ({ request, params }) => {
      const action = String(params.action);
      const text = await request.text();
      sent.push({ action, body: text ? JSON.parse(text) : null });
      const result = answer(action);
      if (result instanceof Response) return result;
      current = result;
      // As the API answers an action: the waves without their stores.
      return HttpResponse.json({ ...result, waves: result.waves.map((wave) => ({ ...wave, stores: null })) });
    }),
  );
  return sent;
}

describe("acting on a rollout", () => {
  it("pauses a running rollout and shows it paused, keeping the waves' stores", async () => {
    signIn(admin);
    const sent = serve(makeRollout(), () => makeRollout({ state: "paused", reason: "paused by ada" }));
    const { user } = renderApp(PATH);
    await user.click(await screen.findByRole("button", { name: "Pause" }));
    expect(await screen.findByRole("button", { name: "Resume" })).toBeInTheDocument();
    expect(screen.getByText("paused by ada")).toBeInTheDocument();
    expect(sent).toEqual([{ action: "pause", body: null }]);
    expect(
      within(screen.getByRole("region", { name: "Wave 2" })).getByRole("button", { name: /Stores \(2\)/ }),
    ).toBeInTheDocument();
  });

  it("resumes and retries with one click each", async () => {
    signIn(admin);
    const sent = serve(makeRollout({ state: "paused" }), () => makeRollout({ state: "running" }));
    const { user } = renderApp(PATH);
    await user.click(await screen.findByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("button", { name: "Pause" })).toBeInTheDocument();
    expect(sent.map((entry) => entry.action)).toEqual(["retry"]);
  });

  it("asks before aborting, says what abort reverts, and sends the reason", async () => {
    signIn(admin);
    const sent = serve(makeRollout(), () => makeRollout({ state: "aborted", reason: "bad chart" }));
    const { user } = renderApp(PATH);
    await user.click(await screen.findByRole("button", { name: "Abort" }));
    let dialog = await screen.findByRole("dialog", { name: "Abort rollout ro-abcdefgh23?" });
    expect(dialog).toHaveTextContent("Every wave committed so far is reverted, one commit each (2 waves)");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(sent).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Abort" }));
    dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByLabelText("Reason (optional)"), " bad chart ");
    await user.click(within(dialog).getByRole("button", { name: "Abort rollout" }));
    expect(await screen.findByText("Aborted", { selector: "p" })).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(sent).toEqual([{ action: "abort", body: { reason: "bad chart" } }]);
    expect(screen.queryByRole("group", { name: "Rollout actions" })).not.toBeInTheDocument();
  });

  it("shows the API's refusal of an abort in the dialog", async () => {
    signIn(admin);
    serve(makeRollout(), () => apiError(409, "INVALID_ROLLOUT_ACTION", "The rollout is already aborted."));
    const { user } = renderApp(PATH);
    await user.click(await screen.findByRole("button", { name: "Abort" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Abort rollout" }));
    expect(await within(dialog).findByText("The rollout is already aborted.")).toBeInTheDocument();
    expect(within(dialog).getByText("The rollout could not be aborted")).toBeInTheDocument();
  });

  it("shows the API's refusal of a pause next to the buttons", async () => {
    signIn(admin);
    serve(makeRollout(), () => apiError(409, "INVALID_ROLLOUT_ACTION", "Cannot pause a rollout that is paused."));
    const { user } = renderApp(PATH);
    await user.click(await screen.findByRole("button", { name: "Pause" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The rollout could not be paused");
    expect(alert).toHaveTextContent("Cannot pause a rollout that is paused.");
    expect(alert).toHaveTextContent("Reference: req-test");
  });
});
