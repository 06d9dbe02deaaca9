import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, apiError, makeStore, makeStoreUsage, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const store = makeStore({ plan: "medium" });

function serve(answer: () => Response) {
  server.use(...storeDetailHandlers(store));
  server.use(http.get(`${API}/stores/${store.id}/usage`, answer)); // added last: it wins
}

describe("a store's usage section", () => {
  it("shows what the store reserves and its estimated monthly cost", async () => {
    signIn();
    serve(() =>
      HttpResponse.json(
        makeStoreUsage({
          plan: "medium",
          requests: { cpu_cores: 0.5, memory_gib: 1 },
          limits: { cpu_cores: 2, memory_gib: 2 },
          storage_gib: 15,
          estimated_monthly_cost: { cpu: 11.53, memory: 3.07, storage: 1.5, total: 16.1, currency: "EUR" },
        }),
      ),
    );
    renderApp(`/stores/${store.id}`);
    const section = await screen.findByRole("region", { name: "Usage" });
    expect(await within(section).findByText("€16.10")).toBeInTheDocument();
    expect(section).toHaveTextContent("CPU €11.53 · memory €3.07 · storage €1.50");
    expect(section).toHaveTextContent("RequestsCPU 0.5 cores · memory 1 GiB");
    expect(section).toHaveTextContent("LimitsCPU 2 cores · memory 2 GiB");
    expect(section).toHaveTextContent("Storage15 GiB");
    expect(section).toHaveTextContent("An estimate from the medium plan");
  });

  it.each([
    [404, "STORE_NOT_FOUND"],
    [500, "INTERNAL_ERROR"],
  ])("says quietly when the figures cannot be read (%i), and the page carries on", async (status, code) => {
    signIn();
    serve(() => apiError(status, code, "No usage."));
    renderApp(`/stores/${store.id}`);
    const section = await screen.findByRole("region", { name: "Usage" });
    expect(await within(section).findByText("The usage figures could not be read.")).toBeInTheDocument();
    expect(within(section).queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: store.name, level: 1 })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Overview" })).toHaveTextContent("medium");
  });

  it("is not shown for a deleted store", async () => {
    signIn();
    const gone = makeStore({ status: "deleted", deleted_at: "2026-01-02T00:00:00Z" });
    server.use(...storeDetailHandlers(gone));
    renderApp(`/stores/${gone.id}`);
    await screen.findByRole("region", { name: "Overview" });
    expect(screen.queryByRole("region", { name: "Usage" })).not.toBeInTheDocument();
  });
});
