import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, apiError, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const admin = makeUser({ id: "u-admin00001", username: "ada", role: "admin" });
const me = http.get(`${API}/auth/me`, () => HttpResponse.json(admin));

type Group = Schemas["UsageGroup"];

function group(key: string, stores: number, cpu: number, memory: number, storage: number, cost: number[]): Group {
  const [cpuCost = 0, memoryCost = 0, storageCost = 0, total = 0] = cost;
  return {
    key,
    stores,
    requests: { cpu_cores: cpu, memory_gib: memory },
    limits: { cpu_cores: cpu * 4, memory_gib: memory * 2 },
    storage_gib: storage,
    estimated_monthly_cost: { cpu: cpuCost, memory: memoryCost, storage: storageCost, total, currency: "USD" },
  };
}

// Two small stores and a medium one for one tenant, a large one for another (default prices).
const TOTAL = group("all", 4, 1.9, 4, 83, [43.83, 12.26, 8.3, 64.39]);
const BY_TENANT: Schemas["UsageReport"] = {
  group_by: "tenant",
  source: "plan",
  groups: [
    group("u-owner0001", 3, 0.9, 2, 23, [20.76, 6.13, 2.3, 29.19]),
    group("u-other00002", 1, 1, 2, 60, [23.07, 6.13, 6, 35.2]),
  ],
  total: TOTAL,
};
const BY_PLAN: Schemas["UsageReport"] = {
  group_by: "plan",
  source: "plan",
  groups: [
    group("large", 1, 1, 2, 60, [23.07, 6.13, 6, 35.2]),
    group("medium", 1, 0.5, 1, 15, [11.53, 3.07, 1.5, 16.1]),
    group("small", 2, 0.4, 1, 8, [9.22, 3.06, 0.8, 13.08]),
  ],
  total: TOTAL,
};

/** Answers the report by its grouping; `asked` lists the groupings requested, in order. */
function serveUsage() {
  const asked: (string | null)[] = [];
  server.use(
    me,
    http.get(`${API}/usage`, ({ request }) => {
      const groupBy = new URL(request.url).searchParams.get("group_by");
      asked.push(groupBy);
      return HttpResponse.json(groupBy === "plan" ? BY_PLAN : BY_TENANT);
    }),
  );
  return asked;
}

/** The figure a stat card shows under its label. */
function stat(totals: HTMLElement, label: string): Element | null {
  return within(totals).getByText(label, { selector: "dt" }).nextElementSibling;
}

function rowsOf(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole("row")
    .map((row) => Array.from(row.querySelectorAll("th, td"), (cell) => cell.textContent ?? ""));
}

describe("the usage page", () => {
  it("shows the totals, a chart and a table of the groups, per tenant", async () => {
    signIn(admin);
    const asked = serveUsage();
    renderApp("/usage");
    const totals = await screen.findByLabelText("Totals");
    expect(stat(totals, "Stores")).toHaveTextContent(/^4$/);
    expect(stat(totals, "CPU requested")).toHaveTextContent("1.9 cores");
    expect(stat(totals, "Memory requested")).toHaveTextContent("4 GiB");
    expect(stat(totals, "Storage")).toHaveTextContent("83 GiB");
    expect(stat(totals, "Estimated monthly cost")).toHaveTextContent("$64.39");

    expect(screen.getByRole("img", { name: /^Estimated monthly cost per tenant:/ })).toHaveAccessibleName(
      "Estimated monthly cost per tenant: u-owner0001 $29.19, u-other00002 $35.20; $64.39 in all.",
    );
    expect(rowsOf(screen.getByRole("table", { name: "Usage per tenant" }))).toEqual([
      [
        "Tenant",
        "Stores",
        "CPU requested (cores)",
        "Memory requested (GiB)",
        "CPU limit (cores)",
        "Memory limit (GiB)",
        "Storage (GiB)",
        "Estimated monthly cost",
      ],
      ["u-owner0001", "3", "0.9", "2", "3.6", "4", "23", "$29.19"],
      ["u-other00002", "1", "1", "2", "4", "4", "60", "$35.20"],
      ["All", "4", "1.9", "4", "7.6", "8", "83", "$64.39"],
    ]);
    expect(asked).toEqual(["tenant"]);
  });

  it("groups by plan when asked, from the API, and keeps the choice in the URL", async () => {
    signIn(admin);
    const asked = serveUsage();
    const { user, router } = renderApp("/usage");
    await screen.findByRole("table", { name: "Usage per tenant" });
    const switcher = screen.getByRole("radiogroup", { name: "Group by" });
    expect(within(switcher).getByRole("radio", { name: "Tenant" })).toBeChecked();
    await user.click(within(switcher).getByRole("radio", { name: "Plan" }));

    const table = await screen.findByRole("table", { name: "Usage per plan" });
    expect(asked).toEqual(["tenant", "plan"]);
    expect(router.state.location.search).toBe("?group_by=plan");
    expect(within(switcher).getByRole("radio", { name: "Plan" })).toBeChecked();
    expect(rowsOf(table).map((row) => [row[0], row[1], row[7]])).toEqual([
      ["Plan", "Stores", "Estimated monthly cost"],
      ["large", "1", "$35.20"],
      ["medium", "1", "$16.10"],
      ["small", "2", "$13.08"],
      ["All", "4", "$64.39"],
    ]);
    expect(screen.getByRole("img", { name: /^Estimated monthly cost per plan:/ })).toHaveAccessibleName(
      "Estimated monthly cost per plan: large $35.20, medium $16.10, small $13.08; $64.39 in all.",
    );
  });

  it("opens on the grouping of its URL", async () => {
    signIn(admin);
    const asked = serveUsage();
    renderApp("/usage?group_by=plan");
    await screen.findByRole("table", { name: "Usage per plan" });
    expect(screen.getByRole("radio", { name: "Plan" })).toBeChecked();
    expect(asked).toEqual(["plan"]);
  });

  it("says when no store holds anything yet", async () => {
    signIn(admin);
    server.use(
      me,
      http.get(`${API}/usage`, () =>
        HttpResponse.json({ group_by: "tenant", groups: [], total: group("all", 0, 0, 0, 0, [0, 0, 0, 0]) }),
      ),
    );
    renderApp("/usage");
    expect(await screen.findByText("No live store yet: nothing is reserved.")).toBeInTheDocument();
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
    expect(stat(screen.getByLabelText("Totals"), "Estimated monthly cost")).toHaveTextContent("$0.00");
  });

  it("explains a failure to load the report", async () => {
    signIn(admin);
    server.use(
      me,
      http.get(`${API}/usage`, () => apiError(500, "INTERNAL_ERROR", "The database did not answer.")),
    );
    renderApp("/usage");
    expect(await screen.findByText("The usage could not be loaded")).toBeInTheDocument();
    expect(screen.getByText("The database did not answer.")).toBeInTheDocument();
  });

  it("is linked from the navigation for admins only, and refused to tenants", async () => {
    signIn(admin);
    serveUsage();
    const { unmount } = renderApp("/usage");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Usage" })).toHaveAttribute("href", "/usage");
    await screen.findByRole("table");
    unmount();

    signIn(makeUser());
    server.use(http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())));
    renderApp("/usage");
    expect(screen.getByRole("heading", { name: "Administrators only" })).toBeInTheDocument();
    expect(
      within(screen.getByRole("navigation", { name: "Main" })).queryByRole("link", { name: "Usage" }),
    ).not.toBeInTheDocument();
  });
});
