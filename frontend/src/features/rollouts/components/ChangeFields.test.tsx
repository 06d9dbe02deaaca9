import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, apiError, makeRollout, signIn } from "@/test/fixtures";
import { fill, makePlan, openRolloutForm, rolloutAdmin, serveNewRollout } from "@/test/rollout-form";
import { server } from "@/test/server";

const PATCH = { redis: { enabled: true }, resources: { limits: { memory: "1Gi" } }, ingress: { annotations: null } };

describe("what a new rollout changes", () => {
  it("offers the three kinds as one radio group, the chart version first", async () => {
    signIn(rolloutAdmin);
    serveNewRollout(() => HttpResponse.json(makePlan()));
    const { user, form } = await openRolloutForm();
    const group = within(form).getByRole("group", { name: "What to change" });
    const radios = within(group).getAllByRole("radio");
    expect(radios.map((radio) => radio.getAttribute("value"))).toEqual(["chart_version", "image_tag", "values_patch"]);
    expect(within(group).getByRole("radio", { name: "Chart version" })).toBeChecked();
    expect(within(group).getByLabelText("Version")).toBeInTheDocument();
    await user.click(within(group).getByRole("radio", { name: "Image tag" }));
    expect(within(group).queryByLabelText("Version")).not.toBeInTheDocument();
    expect(within(group).getByLabelText("Engine")).toHaveValue("woocommerce");
    expect(within(group).getByLabelText("Tag")).toBeInTheDocument();
    await user.click(within(group).getByRole("radio", { name: "Values patch" }));
    expect(within(group).getByLabelText("Patch (JSON)")).toBeInTheDocument();
    expect(within(group).queryByLabelText("Tag")).not.toBeInTheDocument();
  });

  it("sends an image tag alone, for the engine chosen", async () => {
    signIn(rolloutAdmin);
    const plan = makePlan({ kind: "image_tag", target: "v2.3.1", change: "image v2.3.1", chart_version: null });
    const sent = serveNewRollout(() => HttpResponse.json(plan));
    const { user, form } = await openRolloutForm();
    // Typed, then left: another kind's text is kept on the form but never sent.
    await fill(user, within(form).getByLabelText("Version"), "1.5.0");
    await user.click(within(form).getByRole("radio", { name: "Image tag" }));
    await user.selectOptions(within(form).getByLabelText("Engine"), "medusa");
    await fill(user, within(form).getByLabelText("Tag"), "v2.3.1");
    await user.click(within(form).getByRole("checkbox", { name: "All stores" }));
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));
    expect(await within(form).findByRole("region", { name: /Preview: 11 stores to image v2.3.1/ })).toBeInTheDocument();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ image: { engine: "medusa", tag: "v2.3.1" }, selector: { all: true } });
    expect(sent[0]).not.toHaveProperty("chart_version");
    expect(sent[0]).not.toHaveProperty("values_patch");
  });

  it("sends a values patch alone, as the object typed, and shows it on the new rollout's page", async () => {
    signIn(rolloutAdmin);
    const created = makeRollout({
      id: "ro-newrollout1",
      kind: "values_patch",
      target: PATCH,
      change: "values 1a2b3c4d5e6f",
      chart_version: null,
      waves: [],
    });
    const sent = serveNewRollout(() => HttpResponse.json(created, { status: 201 }));
    server.use(http.get(`${API}/rollouts/ro-newrollout1`, () => HttpResponse.json(created)));
    const { user, form } = await openRolloutForm();
    await user.click(within(form).getByRole("radio", { name: "Values patch" }));
    await fill(user, within(form).getByLabelText("Patch (JSON)"), JSON.stringify(PATCH, null, 2));
    await user.click(within(form).getByRole("checkbox", { name: "All stores" }));
    await user.click(within(form).getByRole("button", { name: "Start rollout" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Rollout: values 1a2b3c4d5e6f" })).toBeInTheDocument();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ values_patch: PATCH, dry_run: false });
    expect(sent[0]).not.toHaveProperty("chart_version");
    expect(sent[0]).not.toHaveProperty("image");
    const overview = screen.getByRole("region", { name: "Overview" });
    expect(overview).toHaveTextContent("values 1a2b3c4d5e6f");
    const patch = within(overview).getByRole("region", { name: "Values patch" });
    expect(patch.tagName).toBe("PRE");
    expect(patch.textContent).toBe(JSON.stringify(PATCH, null, 2));
  });

  it.each([
    ["{redis: true}", /^Not valid JSON: /],
    ["[1, 2]", "The patch must be a JSON object ({ … }), not an array."],
    ["null", "The patch must be a JSON object ({ … }), not null."],
    ['"redis"', "The patch must be a JSON object ({ … }), not a string."],
    ["", /^Enter the values patch/],
  ])("refuses the patch %j on its field, sending nothing", async (text, problem) => {
    signIn(rolloutAdmin);
    const sent = serveNewRollout(() => HttpResponse.json(makePlan()));
    const { user, form } = await openRolloutForm();
    await user.click(within(form).getByRole("radio", { name: "Values patch" }));
    const patch = within(form).getByLabelText("Patch (JSON)");
    if (text) await fill(user, patch, text);
    await user.click(within(form).getByRole("checkbox", { name: "All stores" }));
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));
    expect(patch).toHaveAttribute("aria-invalid", "true");
    expect(within(form).getByText(problem)).toBeInTheDocument();
    // The message is the field's description: a screen reader reads it with the field.
    const errorId = patch.getAttribute("aria-describedby")?.split(" ").at(-1) ?? "";
    expect(document.getElementById(errorId)).toHaveTextContent(problem);
    expect(sent).toEqual([]);
    // Mended, the message goes away at once.
    await fill(user, patch, '{"redis": {"enabled": true}}');
    expect(patch).toHaveAttribute("aria-invalid", "false");
  });

  it("refuses a malformed image tag before sending anything", async () => {
    signIn(rolloutAdmin);
    const sent = serveNewRollout(() => HttpResponse.json(makePlan()));
    const { user, form } = await openRolloutForm();
    await user.click(within(form).getByRole("radio", { name: "Image tag" }));
    const tag = within(form).getByLabelText("Tag");
    await fill(user, tag, "-6.7 latest");
    await user.click(within(form).getByRole("checkbox", { name: "All stores" }));
    await user.click(within(form).getByRole("button", { name: "Start rollout" }));
    expect(tag).toHaveAttribute("aria-invalid", "true");
    expect(tag).toHaveAccessibleDescription(expect.stringContaining("Letters, digits, _ . and - only"));
    expect(sent).toEqual([]);
    await fill(user, tag, "6.7.2-php8.2-apache");
    expect(tag).toHaveAttribute("aria-invalid", "false");
  });

  it.each([
    [
      "a chart refusing the patch",
      apiError(422, "CHART_VALUES_REJECTED", "the default chart rejects the values of a medusa store at redis: bad"),
      "the default chart rejects the values of a medusa store at redis: bad",
    ],
    [
      "a key the patch may not set",
      apiError(422, "VALIDATION_ERROR", "body: values_patch: store: set by the store's spec, not by a values patch", [
        { field: "body", message: "values_patch: store: set by the store's spec, not by a values patch", type: "x" },
      ]),
      "store: set by the store's spec, not by a values patch",
    ],
  ])("shows %s on the patch field", async (_case, answer, message) => {
    signIn(rolloutAdmin);
    serveNewRollout(() => answer);
    const { user, form } = await openRolloutForm();
    await user.click(within(form).getByRole("radio", { name: "Values patch" }));
    await fill(user, within(form).getByLabelText("Patch (JSON)"), '{"redis": {"enabled": "yes"}}');
    await user.click(within(form).getByRole("checkbox", { name: "All stores" }));
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));
    expect(await within(form).findByText(message)).toBeInTheDocument();
    expect(within(form).getByLabelText("Patch (JSON)")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).queryByText("The preview was refused")).not.toBeInTheDocument();
  });

  it("shows the API's word on an image rollout on the tag, and a selector of the other engine under the stores", async () => {
    signIn(rolloutAdmin);
    let calls = 0;
    serveNewRollout(() => {
      calls += 1;
      return calls === 1
        ? apiError(422, "VALIDATION_ERROR", "image.tag: String should match pattern", [
            { field: "image.tag", message: "String should match pattern", type: "string_pattern_mismatch" },
          ])
        : apiError(422, "INVALID_ROLLOUT_PLAN", "An image rollout changes woocommerce stores only.");
    });
    const { user, form } = await openRolloutForm();
    await user.click(within(form).getByRole("radio", { name: "Image tag" }));
    await fill(user, within(form).getByLabelText("Tag"), "6.7.2");
    await user.click(within(form).getByRole("checkbox", { name: "MedusaJS" }));
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));
    expect(await within(form).findByText("String should match pattern")).toBeInTheDocument();
    expect(within(form).getByLabelText("Tag")).toHaveAttribute("aria-invalid", "true");
    await user.click(within(form).getByRole("button", { name: "Preview (dry run)" }));
    const stores = within(form).getByRole("group", { name: "Stores" });
    expect(await within(stores).findByText("An image rollout changes woocommerce stores only.")).toBeInTheDocument();
  });
});
