import { fireEvent, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { API, apiError, capturingCreateHandlers, createPageHandlers, makeStore, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const created = makeStore({ id: "st-new0000002", name: "med-shop", engine: "medusa", theme: null });

async function openMedusaForm() {
  const rendered = renderApp("/stores/new");
  const { user } = rendered;
  await user.type(await screen.findByLabelText("Store name"), "med-shop");
  await user.click(screen.getByRole("radio", { name: /MedusaJS/ }));
  return rendered;
}

describe("the branding fields of a Medusa store", () => {
  it("are offered for Medusa stores only", async () => {
    signIn();
    server.use(...createPageHandlers());
    const { user } = renderApp("/stores/new");
    await screen.findByLabelText("Store name");
    expect(screen.queryByRole("group", { name: "Branding" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("radio", { name: /MedusaJS/ }));
    expect(screen.getByRole("group", { name: "Branding" })).toBeInTheDocument();
    expect(screen.getByLabelText("Display name")).toHaveValue("");
    expect(screen.getByLabelText("Primary colour")).toHaveAttribute("placeholder", "#111827");
    expect(screen.getByLabelText("Accent colour, colour picker")).toHaveValue("#f59e0b");
  });

  it("sends what was typed or picked, and null for the fields left empty", async () => {
    signIn();
    const { handlers, sent } = capturingCreateHandlers(created);
    server.use(...handlers);
    const { user } = await openMedusaForm();
    await user.type(screen.getByLabelText("Display name"), "  Corner Shop ");
    await user.type(screen.getByLabelText("Primary colour"), "#1D4ED8");
    // A colour input cannot be typed into: the picker reports a whole value at once.
    fireEvent.change(screen.getByLabelText("Accent colour, colour picker"), { target: { value: "#ff0000" } });
    expect(screen.getByLabelText("Accent colour")).toHaveValue("#ff0000");
    await user.type(screen.getByLabelText("Newsletter sign-up URL"), "https://lists.example.com/join");
    await user.click(screen.getByRole("button", { name: "Create store" }));
    expect(await screen.findByRole("heading", { level: 1, name: "med-shop" })).toBeInTheDocument();
    expect(sent.body).toMatchObject({ engine: "medusa", theme: null, template: "classic" });
    expect(sent.body.branding).toEqual({
      display_name: "Corner Shop",
      primary_color: "#1D4ED8",
      accent_color: "#ff0000",
      logo_url: null,
      promo_text: null,
      newsletter_url: "https://lists.example.com/join",
    });
  });

  it("explains invalid values on their fields and sends nothing until they are fixed", async () => {
    signIn();
    let posted = false;
    server.use(
      ...createPageHandlers(),
      http.post(`${API}/stores`, () => {
        posted = true;
        return HttpResponse.json(created, { status: 202 });
      }),
    );
    const { user } = await openMedusaForm();
    await user.type(screen.getByLabelText("Primary colour"), "blue");
    await user.tab();
    expect(screen.getByText("Use a colour of the form #rrggbb, such as #1d4ed8.")).toBeInTheDocument();
    expect(screen.getByLabelText("Primary colour")).toHaveAttribute("aria-invalid", "true");
    await user.type(screen.getByLabelText("Logo URL"), "ftp://example.com/logo.png");
    await user.click(screen.getByRole("button", { name: "Create store" }));
    expect(screen.getByText("Use an http:// or https:// address without spaces or quotes.")).toBeInTheDocument();
    expect(posted).toBe(false);
    // The first field in error, in reading order, takes the focus.
    await vi.waitFor(() => expect(screen.getByLabelText("Logo URL")).toHaveFocus());
  });

  it("shows the API's problems on their fields, in words, until the value changes", async () => {
    signIn();
    server.use(
      ...createPageHandlers(),
      http.post(`${API}/stores`, () =>
        apiError(422, "VALIDATION_ERROR", "branding.logo_url: String should match pattern", [
          {
            field: "branding.logo_url",
            message: "String should match pattern '^https?://'",
            type: "string_pattern_mismatch",
          },
          { field: "branding.display_name", message: "The name is not allowed.", type: "value_error" },
        ]),
      ),
    );
    const { user } = await openMedusaForm();
    await user.type(screen.getByLabelText("Display name"), "Shop");
    await user.type(screen.getByLabelText("Logo URL"), "https://example.com/logo.svg");
    await user.click(screen.getByRole("button", { name: "Create store" }));
    expect(await screen.findByText("The name is not allowed.")).toBeInTheDocument();
    expect(screen.getByLabelText("Display name")).toHaveAccessibleDescription(/The name is not allowed\./);
    expect(screen.getByText("Use an http:// or https:// address without spaces or quotes.")).toBeInTheDocument();
    expect(screen.getByLabelText("Logo URL")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByText(/String should match pattern/)).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("Display name"), "s");
    expect(screen.queryByText("The name is not allowed.")).not.toBeInTheDocument();
  });

  it("shows a problem with the branding as a whole as an alert", async () => {
    signIn();
    const message = "applies to Medusa stores only (a WooCommerce store's look is its theme)";
    server.use(
      ...createPageHandlers(),
      http.post(`${API}/stores`, () =>
        apiError(422, "VALIDATION_ERROR", `branding: ${message}`, [
          { field: "branding", message, type: "value_error" },
        ]),
      ),
    );
    const { user } = await openMedusaForm();
    await user.click(screen.getByRole("button", { name: "Create store" }));
    expect(await screen.findByText(`branding: ${message}`)).toBeInTheDocument();
    expect(screen.getByText("Something went wrong")).toBeInTheDocument();
  });
});
