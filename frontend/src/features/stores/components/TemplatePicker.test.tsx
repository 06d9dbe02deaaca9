import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import {
  API,
  apiError,
  capturingCreateHandlers,
  createPageHandlers,
  makeStore,
  makeUser,
  signIn,
} from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const created = makeStore({ id: "st-new0000001", name: "fresh-shop", status: "requested", template: "fashion" });

describe("the catalogue template picker", () => {
  it("offers every template as a radio card with its description and counts, classic first", async () => {
    signIn();
    server.use(...createPageHandlers());
    renderApp("/stores/new");
    const group = await screen.findByRole("radiogroup", { name: "Catalogue template" });
    const cards = within(group).getAllByRole("radio");
    expect(cards.map((card) => card.getAttribute("aria-checked"))).toEqual([
      "true",
      "false",
      "false",
      "false",
      "false",
    ]);
    const fashion = within(group).getByRole("radio", { name: "Fashion" });
    expect(fashion).toHaveAccessibleDescription(/Clothing and accessories\.\s*10 products · 4 categories/);
    expect(within(group).getByRole("radio", { name: "Minimal" })).toHaveAccessibleDescription(
      /3 products · 1 category$/,
    );
    expect(within(group).getByRole("radio", { name: "Classic" })).toHaveAccessibleDescription(/· default$/);
  });

  // Arrow keys between the cards are Radix's, exercised in a real browser by the e2e keyboard test.
  it("sends the chosen template", async () => {
    signIn();
    const { handlers, sent } = capturingCreateHandlers(created);
    server.use(...handlers);
    const { user } = renderApp("/stores/new");
    await user.type(await screen.findByLabelText("Store name"), "fresh-shop");
    await user.click(screen.getByRole("radio", { name: "Fashion" }));
    expect(screen.getByRole("radio", { name: "Fashion" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Classic" })).not.toBeChecked();
    await user.click(screen.getByRole("button", { name: "Create store" }));
    expect(await screen.findByRole("heading", { level: 1, name: "fresh-shop" })).toBeInTheDocument();
    expect(sent.body.template).toBe("fashion");
  });

  it("shows the API's objection to the template on the picker, not as an alert", async () => {
    signIn();
    const message = "Input should be 'classic', 'minimal', 'fashion', 'electronics' or 'food'";
    server.use(
      ...createPageHandlers(),
      http.post(`${API}/stores`, () =>
        apiError(422, "VALIDATION_ERROR", `template: ${message}`, [{ field: "template", message, type: "enum" }]),
      ),
    );
    const { user } = renderApp("/stores/new");
    await user.type(await screen.findByLabelText("Store name"), "fresh-shop");
    await user.click(screen.getByRole("button", { name: "Create store" }));
    const group = screen.getByRole("radiogroup", { name: "Catalogue template" });
    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(group).toHaveAccessibleDescription(message);
    expect(screen.queryByText(`template: ${message}`)).not.toBeInTheDocument();
  });

  it("still lets a store be created when the templates cannot be listed", async () => {
    signIn();
    server.use(
      http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())),
      http.get(`${API}/templates`, () => apiError(503, "UNAVAILABLE", "The platform is starting.")),
    );
    renderApp("/stores/new");
    expect(await screen.findByText("The catalogue templates could not be loaded")).toBeInTheDocument();
    expect(screen.getByText("Without a choice, the store starts with the classic catalogue.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Create store" })).toBeEnabled();
  });
});
