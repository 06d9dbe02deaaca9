import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, apiError, makeStore, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const medusa = makeStore({
  id: "st-medusa0001",
  name: "med-shop",
  engine: "medusa",
  theme: null,
  template: "fashion",
  branding: { display_name: "Med Shop", primary_color: "#1d4ed8", accent_color: null, logo_url: null },
  store_url: "http://med-shop.stores.example.com",
  admin_url: "http://med-shop.stores.example.com/app",
});

function capturePatch(answer: (body: unknown) => Response) {
  const sent: unknown[] = [];
  server.use(
    http.patch(`${API}/stores/${medusa.id}`, async ({ request }) => {
      const body = await request.json();
      sent.push(body);
      return answer(body);
    }),
  );
  return sent;
}

describe("a Medusa store's settings and overview", () => {
  it("shows the template read-only and opens Medusa's admin", async () => {
    signIn();
    server.use(...storeDetailHandlers(medusa));
    renderApp(`/stores/${medusa.id}`);
    const overview = await screen.findByRole("region", { name: "Overview" });
    expect(await within(overview).findByText("Fashion")).toBeInTheDocument();
    expect(within(overview).getByText("Seeded once at creation; it does not change.")).toBeInTheDocument();
    expect(within(overview).getByRole("link", { name: "Open admin (opens in a new tab)" })).toHaveAttribute(
      "href",
      "http://med-shop.stores.example.com/app",
    );
    const settings = screen.getByRole("region", { name: "Settings" });
    expect(within(settings).queryByRole("radiogroup")).not.toBeInTheDocument();
  });

  it("edits the branding and sends it whole", async () => {
    signIn();
    server.use(...storeDetailHandlers(medusa));
    const sent = capturePatch(() => HttpResponse.json({ ...medusa, status: "updating" }, { status: 202 }));
    const { user } = renderApp(`/stores/${medusa.id}`);
    const name = await screen.findByLabelText("Display name");
    expect(name).toHaveValue("Med Shop");
    expect(screen.getByLabelText("Primary colour")).toHaveValue("#1d4ed8");
    expect(screen.getByRole("button", { name: "Save changes" })).toBeDisabled();
    await user.type(screen.getByLabelText("Accent colour"), "#f97316");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("Updating")).toBeInTheDocument();
    expect(sent).toEqual([
      {
        branding: {
          display_name: "Med Shop",
          primary_color: "#1d4ed8",
          accent_color: "#f97316",
          logo_url: null,
          promo_text: null,
          newsletter_url: null,
        },
      },
    ]);
  });

  it("clears the branding with an empty object", async () => {
    signIn();
    server.use(...storeDetailHandlers(medusa));
    const sent = capturePatch(() => HttpResponse.json({ ...medusa, branding: null }, { status: 202 }));
    const { user } = renderApp(`/stores/${medusa.id}`);
    await user.clear(await screen.findByLabelText("Display name"));
    await user.clear(screen.getByLabelText("Primary colour"));
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await expect.poll(() => sent).toEqual([{ branding: {} }]);
  });

  it("shows the API's objection on the field it concerns", async () => {
    signIn();
    server.use(...storeDetailHandlers(medusa));
    capturePatch(() =>
      apiError(422, "VALIDATION_ERROR", "branding.logo_url: the logo is not reachable", [
        { field: "branding.logo_url", message: "the logo is not reachable", type: "value_error" },
      ]),
    );
    const { user } = renderApp(`/stores/${medusa.id}`);
    await user.type(await screen.findByLabelText("Logo URL"), "https://cdn.example.com/logo.svg");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("the logo is not reachable")).toBeInTheDocument();
    expect(screen.getByLabelText("Logo URL")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByText("The change was refused")).not.toBeInTheDocument();
  });

  it("shows any other refusal, such as a locked template, as an alert", async () => {
    signIn();
    server.use(...storeDetailHandlers(medusa));
    capturePatch(() =>
      apiError(
        409,
        "TEMPLATE_LOCKED",
        "the template seeded the store's catalogue; changing it would overwrite the owner's products",
      ),
    );
    const { user } = renderApp(`/stores/${medusa.id}`);
    await user.type(await screen.findByLabelText("Display name"), "!");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("The change was refused")).toBeInTheDocument();
    expect(screen.getByText(/changing it would overwrite the owner's products/)).toBeInTheDocument();
  });

  it("offers no branding for a WooCommerce store", async () => {
    signIn();
    const woo = makeStore();
    server.use(...storeDetailHandlers(woo));
    renderApp(`/stores/${woo.id}`);
    expect(await screen.findByLabelText("Theme")).toBeInTheDocument();
    expect(screen.queryByRole("group", { name: "Branding" })).not.toBeInTheDocument();
    expect(await screen.findByText("Classic")).toBeInTheDocument();
  });
});
