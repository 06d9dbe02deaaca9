import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, apiError, makeDriftReport, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const admin = makeUser({ id: "u-admin00001", username: "ada", role: "admin" });
const me = http.get(`${API}/auth/me`, () => HttpResponse.json(admin));

// A store left behind in the cluster, a running store without its release, and one Argo CD reports
// out of sync with the two resources that differ.
const ITEMS: Schemas["DriftItem"][] = [
  {
    store_id: "st-gone000001",
    cluster: "fra-1",
    kind: "orphan",
    detail: "HelmRelease flux-system/st-gone000001 has no store in git",
    resources: [],
  },
  {
    store_id: "st-lost000002",
    cluster: "local",
    kind: "missing",
    detail: "ready in git, but the cluster has no release for it",
    resources: [],
  },
  {
    store_id: "st-skew000003",
    cluster: "local",
    kind: "out_of_sync",
    detail: "Argo CD reports 2 resources out of sync with git",
    resources: ["Deployment/wordpress", "ConfigMap/settings"],
  },
];

/** Answers each check with the next report (the last one again once they run out); returns how many
 *  checks were asked for. */
function serveDrift(...reports: Schemas["DriftReport"][]) {
  const asked = { count: 0 };
  server.use(
    me,
    http.get(`${API}/drift`, () => {
      const report = reports[Math.min(asked.count, reports.length - 1)];
      asked.count += 1;
      return HttpResponse.json(report);
    }),
  );
  return asked;
}

/** The figure a stat card shows under its label. */
function stat(counts: HTMLElement, label: string): Element | null {
  return within(counts).getByText(label, { selector: "dt" }).nextElementSibling;
}

function rowsOf(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole("row")
    .map((row) => Array.from(row.querySelectorAll("th, td"), (cell) => cell.textContent ?? ""));
}

describe("the drift page", () => {
  it("shows the counts per kind, explained, and a row per item", async () => {
    signIn(admin);
    serveDrift(makeDriftReport({ items: ITEMS, counts: { orphan: 1, missing: 1, out_of_sync: 1 } }));
    renderApp("/drift");
    const counts = await screen.findByLabelText("Drift counts");
    expect(stat(counts, "Orphans")).toHaveTextContent(/^1$/);
    expect(stat(counts, "Missing")).toHaveTextContent(/^1$/);
    expect(stat(counts, "Out of sync")).toHaveTextContent(/^1$/);
    expect(counts).toHaveTextContent("labelled with a store git does not have");
    expect(counts).toHaveTextContent("Running stores whose release the cluster lacks");
    expect(screen.getByText(/^Checked/).querySelector("time")).toHaveAttribute("datetime", "2026-03-01T12:00:00Z");

    const table = screen.getByRole("table", { name: "Where the cluster differs from git" });
    expect(rowsOf(table)).toEqual([
      ["Store", "Cluster", "Kind", "Detail", "Resources"],
      ["st-gone000001", "fra-1", "Orphan", ITEMS[0]!.detail, "—"],
      ["st-lost000002", "local", "Missing", ITEMS[1]!.detail, "—"],
      ["st-skew000003", "local", "Out of sync", ITEMS[2]!.detail, "Deployment/wordpressConfigMap/settings"],
    ]);
    expect(
      within(table)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["Deployment/wordpress", "ConfigMap/settings"]);
  });

  it("shows what Flux's drift detection did, and says which signals it could not read", async () => {
    signIn(admin);
    const flux: Schemas["DriftItem"][] = [
      {
        store_id: "st-fixd000004",
        cluster: "local",
        kind: "corrected",
        detail: "Flux corrected drift at 2026-03-01 11:58:00 UTC: Cluster state of release … has been corrected:",
        resources: ["Deployment/st-fixd000004/st-fixd000004-wordpress"],
      },
      {
        store_id: "st-stuk000005",
        cluster: "local",
        kind: "not_corrected",
        detail: "Flux found, not corrected drift at 2026-03-01 11:59:00 UTC: Failed to correct …",
        resources: [],
      },
    ];
    const unread = ["Flux drift events: the platform may not list Events (its ClusterRole)"];
    serveDrift(makeDriftReport({ items: flux, unread }));
    renderApp("/drift");
    const counts = await screen.findByLabelText("Drift counts");
    expect(stat(counts, "Corrected by Flux")).toHaveTextContent(/^1$/);
    expect(stat(counts, "Not corrected")).toHaveTextContent(/^1$/);
    expect(stat(counts, "Orphans")).toHaveTextContent(/^0$/);
    const table = screen.getByRole("table", { name: "Where the cluster differs from git" });
    expect(rowsOf(table).map((row) => row[2])).toEqual(["Kind", "Corrected", "Not corrected"]);
    const alert = screen.getByText("Part of the cluster could not be read").closest('[role="status"]');
    expect(alert).toHaveTextContent("may not list Events");
  });

  it("links the stores git has to their page, and shows an orphan's id as text", async () => {
    signIn(admin);
    serveDrift(makeDriftReport({ items: ITEMS }));
    renderApp("/drift");
    const table = await screen.findByRole("table", { name: "Where the cluster differs from git" });
    expect(
      within(table)
        .getAllByRole("link")
        .map((link) => link.getAttribute("href")),
    ).toEqual(["/stores/st-lost000002", "/stores/st-skew000003"]);
    expect(within(table).getByText("st-gone000001").closest("a")).toBeNull();
  });

  it("says when the cluster runs what git says", async () => {
    signIn(admin);
    serveDrift(makeDriftReport());
    renderApp("/drift");
    expect(await screen.findByText("No drift: the cluster runs what git says.")).toBeInTheDocument();
    expect(stat(screen.getByLabelText("Drift counts"), "Orphans")).toHaveTextContent(/^0$/);
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("checks again when asked, and shows the new report and its time", async () => {
    signIn(admin);
    const asked = serveDrift(
      makeDriftReport({ items: ITEMS }),
      makeDriftReport({ checked_at: "2026-03-01T12:05:00Z" }),
    );
    const { user } = renderApp("/drift");
    await screen.findByRole("table");
    expect(asked.count).toBe(1);
    await user.click(screen.getByRole("button", { name: "Check again" }));
    expect(await screen.findByText("No drift: the cluster runs what git says.")).toBeInTheDocument();
    expect(asked.count).toBe(2);
    expect(screen.getByText(/^Checked/).querySelector("time")).toHaveAttribute("datetime", "2026-03-01T12:05:00Z");
    expect(screen.getByRole("button", { name: "Check again" })).toBeEnabled();
  });

  it("explains that no cluster is configured, apart from other failures", async () => {
    signIn(admin);
    server.use(
      me,
      http.get(`${API}/drift`, () => apiError(503, "CLUSTER_NOT_CONFIGURED", "No Kubernetes cluster is configured.")),
    );
    renderApp("/drift");
    expect(await screen.findByText("No cluster is configured")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("nothing to compare with git");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.queryByText("Drift could not be checked")).not.toBeInTheDocument();
  });

  it("shows the API's words for any other failure", async () => {
    signIn(admin);
    server.use(
      me,
      http.get(`${API}/drift`, () =>
        apiError(503, "CLUSTER_UNAVAILABLE", "The cluster API did not answer.", undefined, { "Retry-After": "5" }),
      ),
    );
    renderApp("/drift");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Drift could not be checked");
    expect(alert).toHaveTextContent("The cluster API did not answer.");
    expect(screen.queryByText("No cluster is configured")).not.toBeInTheDocument();
  });

  it("is linked from the navigation for admins only, and refused to tenants", async () => {
    signIn(admin);
    serveDrift(makeDriftReport());
    const { unmount } = renderApp("/drift");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Drift" })).toHaveAttribute("href", "/drift");
    await screen.findByLabelText("Drift counts");
    unmount();

    signIn(makeUser());
    server.use(http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())));
    renderApp("/drift");
    expect(screen.getByRole("heading", { name: "Administrators only" })).toBeInTheDocument();
    expect(
      within(screen.getByRole("navigation", { name: "Main" })).queryByRole("link", { name: "Drift" }),
    ).not.toBeInTheDocument();
  });
});
