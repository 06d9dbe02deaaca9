import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, apiError, makeRollout, signIn } from "@/test/fixtures";
import { fill, makePlan, openRolloutForm, rolloutAdmin, serveNewRollout } from "@/test/rollout-form";
import { server } from "@/test/server";

const PLAN = makePlan();

describe("a new rollout", () => {
  it("previews the plan (a dry run) from what the form says", async () => {
    signIn(rolloutAdmin);
    const sent = serveNewRollout(() => HttpResponse.json(PLAN));
    const { user, form } = await openRolloutForm();
    await fill(user, within(form).getByLabelText("Version"), "1.5.0");
    await user.click(within(form).getByRole("checkbox", { name: "MedusaJS" }));
    await user.click(within(form).getByRole("checkbox", { name: "Small" }));
    await user.click(within(form).getByRole("checkbox", { name: "Fashion" }));
    await fill(user, within(form).getByLabelText("Tenants"), "u-one00001, u-two00002");
    await fill(user, within(form).getByLabelText("Steps"), "25%, 100%");
    await fill(user, within(form).getByLabelText("Soak (seconds)"), "60");
    await fill(user, within(form).getByLabelText("Probe path"), "/health");
    await fill(user, within(form).getByLabelText("Reason (optional)"), "security fix");
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));

    const preview = await within(form).findByRole("region", { name: /Preview: 11 stores to chart 1.5.0 in 2 waves/ });
    const waves = within(preview).getByRole("table", { name: "Planned waves" });
    expect(within(waves).getByRole("row", { name: "2 10 1" })).toBeInTheDocument();
    expect(within(preview).getByRole("list", { name: "Stores left out" })).toHaveTextContent("st-pinned0001: pinned");
    expect(within(preview).getByRole("list", { name: "Checks" })).toHaveTextContent("chart 1.5.0 found");
    expect(within(preview).getByRole("region", { name: "Diff of a sample store's files" })).toHaveTextContent(
      "+ version: 1.5.0",
    );
    expect(preview).toHaveTextContent("the first wave adds it to the fleet repo");
    expect(sent).toEqual([
      {
        chart_version: "1.5.0",
        selector: {
          all: false,
          engines: ["medusa"],
          plans: ["small"],
          templates: ["fashion"],
          tenants: ["u-one00001", "u-two00002"],
        },
        canary: { count: 1 },
        steps: ["25%", "100%"],
        gate: {
          soak_seconds: 60,
          probe_path: "/health",
          canary_max_failures: 0,
          max_failure_percent: 5,
          timeout_seconds: null,
        },
        reason: "security fix",
        dry_run: true,
      },
    ]);

    // A change after the preview: the plan shown is no longer the form's.
    await fill(user, within(form).getByLabelText("Store ids"), "st-abcdefgh23");
    expect(within(preview).getByText(/The form has changed since this preview/)).toBeInTheDocument();
  });

  it("starts the rollout and opens its page", async () => {
    signIn(rolloutAdmin);
    const created = makeRollout({ id: "ro-newrollout1", waves: [] });
    const sent = serveNewRollout(() => HttpResponse.json(created, { status: 201 }));
    server.use(http.get(`${API}/rollouts/ro-newrollout1`, () => HttpResponse.json(created)));
    const { user, form, router } = await openRolloutForm();
    await fill(user, within(form).getByLabelText("Version"), "1.5.0");
    await user.click(within(form).getByRole("checkbox", { name: "All stores" }));
    expect(within(form).getByRole("checkbox", { name: "WooCommerce" })).toBeDisabled();
    await user.click(within(form).getByRole("button", { name: "Start rollout" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Rollout: chart 1.5.0" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/rollouts/ro-newrollout1");
    expect(sent[0]).toMatchObject({ selector: { all: true }, dry_run: false });
  });

  it("says what is missing before sending anything", async () => {
    signIn(rolloutAdmin);
    const sent = serveNewRollout(() => HttpResponse.json(PLAN));
    const { user, form } = await openRolloutForm();
    await fill(user, within(form).getByLabelText("Steps"), "10%, half");
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));
    expect(within(form).getByLabelText("Version")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).getByText("Enter the chart version to roll out.")).toBeInTheDocument();
    expect(within(form).getByText("Pick at least one condition, or all stores.")).toBeInTheDocument();
    expect(within(form).getByText(/'half' is neither a percentage/)).toBeInTheDocument();
    expect(sent).toEqual([]);
  });

  it.each([
    [422, "UNKNOWN_CHART_VERSION", "No chart 9.9.9 in the fleet repo.", "Version"],
    [422, "CHART_VALUES_REJECTED", "chart 9.9.9 rejects the values of a medusa store at redis: bad", "Version"],
    [422, "STEPS_INCOMPLETE", "the last step must be 100% (every selected store)", "Steps"],
    [422, "CANARY_NOT_SELECTED", "canary stores not among the targets", "Canary stores"],
  ])("shows a %i %s on its field", async (status, code, message, label) => {
    signIn(rolloutAdmin);
    serveNewRollout(() => apiError(status, code, message));
    const { user, form } = await openRolloutForm();
    await fill(user, within(form).getByLabelText("Version"), "9.9.9");
    await user.click(within(form).getByRole("checkbox", { name: "All stores" }));
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));
    expect(await within(form).findByText(message)).toBeInTheDocument();
    expect(within(form).getByLabelText(label)).toHaveAttribute("aria-invalid", "true");
    expect(within(form).queryByText("The preview was refused")).not.toBeInTheDocument();
  });

  it.each([
    [422, "EMPTY_SELECTION", "the selector matches no store that can be rolled out"],
    [409, "ROLLOUT_OVERLAP", "3 of the stores are in an active rollout already (e.g. st-x in ro-y)"],
  ])("shows a %i %s under the store conditions", async (status, code, message) => {
    signIn(rolloutAdmin);
    serveNewRollout(() => apiError(status, code, message));
    const { user, form } = await openRolloutForm();
    await fill(user, within(form).getByLabelText("Version"), "1.5.0");
    await user.click(within(form).getByRole("checkbox", { name: "Large" }));
    await user.click(within(form).getByRole("button", { name: "Start rollout" }));
    const stores = within(form).getByRole("group", { name: "Stores" });
    expect(await within(stores).findByText(message)).toBeInTheDocument();
    // Once the conditions change, the API's verdict on the old ones goes away.
    await user.click(within(form).getByRole("checkbox", { name: "Medium" }));
    expect(within(stores).queryByText(message)).not.toBeInTheDocument();
  });

  it("puts a malformed-request detail on its field, and anything else above the form", async () => {
    signIn(rolloutAdmin);
    let calls = 0;
    serveNewRollout(() => {
      calls += 1;
      return calls === 1
        ? apiError(422, "VALIDATION_ERROR", "gate.timeout_seconds: Input should be less than or equal to 86400", [
            { field: "gate.timeout_seconds", message: "Input should be less than or equal to 86400", type: "x" },
          ])
        : apiError(503, "FLEET_NOT_CONFIGURED", "Rollouts need a fleet repo.");
    });
    const { user, form } = await openRolloutForm();
    await fill(user, within(form).getByLabelText("Version"), "1.5.0");
    await user.click(within(form).getByRole("checkbox", { name: "All stores" }));
    await fill(user, within(form).getByLabelText("Timeout (seconds)"), "86000");
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));
    expect(await within(form).findByText("Input should be less than or equal to 86400")).toBeInTheDocument();
    expect(within(form).getByLabelText("Timeout (seconds)")).toHaveAttribute("aria-invalid", "true");
    await user.click(within(form).getByRole("button", { name: "Start rollout" }));
    expect(await within(form).findByText("The rollout was refused")).toBeInTheDocument();
    expect(within(form).getByText("Rollouts need a fleet repo.")).toBeInTheDocument();
  });
});
