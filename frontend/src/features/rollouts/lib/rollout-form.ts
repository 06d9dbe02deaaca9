import type { Schemas } from "@/lib/api/client";
import { isApiError, type ApiError } from "@/lib/api/errors";
import type { CreateRolloutInput } from "../api/create-rollout";
import {
  CHANGE_FIELDS,
  changeProblems,
  changeRequest,
  EMPTY_CHANGE,
  isFieldShown,
  type ChangeDraft,
  type ChangeKind,
} from "./rollout-change";

export type Engine = Schemas["Engine"];
export type Plan = Schemas["Plan"];
export type Template = Schemas["Template"];

// Records, so a value the API adds to one of these enums fails the type-check until it is named here.
export const ENGINE_LABELS: Record<Engine, string> = { woocommerce: "WooCommerce", medusa: "MedusaJS" };
export const PLAN_LABELS: Record<Plan, string> = { small: "Small", medium: "Medium", large: "Large" };
export const TEMPLATE_LABELS: Record<Template, string> = {
  classic: "Classic",
  minimal: "Minimal",
  fashion: "Fashion",
  electronics: "Electronics",
  food: "Food",
};

/** The form as typed: every number is kept as text until it is sent. */
export type RolloutDraft = ChangeDraft & {
  all: boolean;
  engines: Engine[];
  plans: Plan[];
  templates: Template[];
  tenants: string;
  storeIds: string;
  canaryCount: string;
  steps: string;
  soakSeconds: string;
  probePath: string;
  canaryMaxFailures: string;
  maxFailurePercent: string;
  timeoutSeconds: string;
  reason: string;
};

export type DraftField = Exclude<keyof RolloutDraft, "all" | "engines" | "plans" | "templates"> | "selector";
export type DraftProblems = Partial<Record<DraftField, string>>;

/** The API's defaults (api/rollouts/schemas.py), with a one-store canary. */
export const EMPTY_DRAFT: RolloutDraft = {
  ...EMPTY_CHANGE,
  all: false,
  engines: [],
  plans: [],
  templates: [],
  tenants: "",
  storeIds: "",
  canaryCount: "1",
  steps: "10%, 50%, 100%",
  soakSeconds: "0",
  probePath: "",
  canaryMaxFailures: "0",
  maxFailurePercent: "5",
  timeoutSeconds: "",
  reason: "",
};

// Mirrors of the API's patterns (api/rollouts/schemas.py).
const STORE_ID = /^st-[a-z2-7]{10}$/;
const STEP = /^[0-9]+(\.[0-9]+)?%?$/;
const PROBE_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const MAX_STEPS = 20;
const MAX_SECONDS = 86_400;

/** "a, b c" → ["a", "b", "c"]: commas, spaces and line breaks all separate. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

function numberProblem(text: string, { min, max, integer }: { min: number; max?: number; integer?: boolean }) {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value)) return "Enter a number.";
  if (integer && !Number.isInteger(value)) return "Enter a whole number.";
  if (value < min) return `At least ${min}.`;
  if (max !== undefined && value > max) return `At most ${max}.`;
  return null;
}

function selectorGiven(draft: RolloutDraft): boolean {
  return (
    draft.all ||
    draft.engines.length > 0 ||
    draft.plans.length > 0 ||
    draft.templates.length > 0 ||
    splitList(draft.tenants).length > 0 ||
    splitList(draft.storeIds).length > 0
  );
}

/** What the API would refuse for its form alone, said before anything is sent. Whether the version
 *  exists, the chart accepts the change, the steps end at 100 % or the selection matches a store is
 *  the API's to say. */
export function draftProblems(draft: RolloutDraft): DraftProblems {
  const problems: DraftProblems = changeProblems(draft);
  if (!selectorGiven(draft)) problems.selector = "Pick at least one condition, or all stores.";
  if (!draft.all) {
    const badId = splitList(draft.storeIds).find((id) => !STORE_ID.test(id));
    if (badId) problems.storeIds = `'${badId.slice(0, 20)}' is not a store id (st- and 10 letters or digits).`;
    const longTenant = splitList(draft.tenants).find((tenant) => tenant.length > 64);
    if (longTenant) problems.tenants = "A tenant id has at most 64 characters.";
  }
  const canary = numberProblem(draft.canaryCount, { min: 0, max: 1000, integer: true });
  if (canary) problems.canaryCount = canary;
  const steps = splitList(draft.steps);
  if (steps.length === 0) problems.steps = "Give at least one step, such as 100%.";
  else if (steps.length > MAX_STEPS) problems.steps = `At most ${MAX_STEPS} steps.`;
  else {
    const bad = steps.find((step) => !STEP.test(step));
    if (bad) problems.steps = `'${bad.slice(0, 12)}' is neither a percentage (25%) nor a count of stores (10).`;
  }
  const soak = numberProblem(draft.soakSeconds, { min: 0, max: MAX_SECONDS });
  if (soak) problems.soakSeconds = soak;
  const probe = draft.probePath.trim();
  if (probe && (!PROBE_PATH.test(probe) || probe.length > 200))
    problems.probePath = "A path such as /health: it starts with / and has no spaces or query.";
  const canaryFailures = numberProblem(draft.canaryMaxFailures, { min: 0, integer: true });
  if (canaryFailures) problems.canaryMaxFailures = canaryFailures;
  const percent = numberProblem(draft.maxFailurePercent, { min: 0, max: 100 });
  if (percent) problems.maxFailurePercent = percent;
  if (draft.timeoutSeconds.trim()) {
    const timeout = numberProblem(draft.timeoutSeconds, { min: 0, max: MAX_SECONDS });
    if (timeout) problems.timeoutSeconds = timeout;
    else if (Number(draft.timeoutSeconds) === 0) problems.timeoutSeconds = "More than 0, or leave it empty.";
  }
  if (draft.reason.length > 500) problems.reason = "At most 500 characters.";
  return problems;
}

/** The request the draft stands for (the chosen change alone; only the conditions given; `all` alone
 *  when it is ticked). */
export function toRequest(draft: RolloutDraft): CreateRolloutInput {
  const selector: CreateRolloutInput["selector"] = draft.all
    ? { all: true }
    : {
        all: false,
        ...(draft.engines.length ? { engines: draft.engines } : {}),
        ...(draft.plans.length ? { plans: draft.plans } : {}),
        ...(draft.templates.length ? { templates: draft.templates } : {}),
        ...(splitList(draft.tenants).length ? { tenants: splitList(draft.tenants) } : {}),
        ...(splitList(draft.storeIds).length ? { store_ids: splitList(draft.storeIds) } : {}),
      };
  return {
    ...changeRequest(draft),
    selector,
    canary: { count: Number(draft.canaryCount) },
    steps: splitList(draft.steps),
    gate: {
      soak_seconds: Number(draft.soakSeconds),
      probe_path: draft.probePath.trim() || null,
      canary_max_failures: Number(draft.canaryMaxFailures),
      max_failure_percent: Number(draft.maxFailurePercent),
      timeout_seconds: draft.timeoutSeconds.trim() ? Number(draft.timeoutSeconds) : null,
    },
    reason: draft.reason.trim() || null,
  };
}

/** The API's refusals that belong to one field of the form (api/rollouts/endpoints.py); "change": the
 *  field of the change sent (the chart rejects the version, the image tag or the values patch). */
const CODE_FIELDS: Record<string, DraftField | "change"> = {
  UNKNOWN_CHART_VERSION: "chartVersion",
  CHART_VALUES_REJECTED: "change",
  // An image rollout's selector names the other engine.
  INVALID_ROLLOUT_PLAN: "selector",
  EMPTY_SELECTION: "selector",
  ROLLOUT_OVERLAP: "selector",
  STEPS_INCOMPLETE: "steps",
  INVALID_STEPS: "steps",
  CANARY_NOT_SELECTED: "canaryCount",
};

const GATE_FIELDS: Record<string, DraftField> = {
  soak_seconds: "soakSeconds",
  probe_path: "probePath",
  canary_max_failures: "canaryMaxFailures",
  max_failure_percent: "maxFailurePercent",
  timeout_seconds: "timeoutSeconds",
};

const SELECTOR_FIELDS: Record<string, DraftField> = { store_ids: "storeIds", tenants: "tenants" };

type Detail = { field: string; message: string };

/** The form field a 422 detail names by its path (`gate.soak_seconds`, `steps.2`, `image.tag`,
 *  `selector.store_ids.0`); the request's own rules (one change, a patch's keys) say `body`. */
function fieldOf({ field: path, message }: Detail): DraftField | null {
  const [head = "", next = ""] = path.split(".");
  if (head === "body" && message.startsWith("values_patch:")) return "valuesPatch";
  if (head === "body" && message.startsWith("give exactly one change")) return "kind";
  if (head === "chart_version") return "chartVersion";
  if (head === "image") return next === "engine" ? "imageEngine" : "imageTag";
  if (head === "values_patch") return "valuesPatch";
  if (head === "steps") return "steps";
  if (head === "canary") return "canaryCount";
  if (head === "reason") return "reason";
  if (head === "gate") return GATE_FIELDS[next] ?? null;
  if (head === "selector") return SELECTOR_FIELDS[next] ?? "selector";
  return null;
}

function details(error: unknown): Detail[] {
  if (!isApiError(error) || !Array.isArray(error.details)) return [];
  return error.details.filter((d): d is Detail => typeof d?.field === "string" && typeof d?.message === "string");
}

/** The API's words on each field, with `rest` true when something fits no field. */
function problemsOf(error: ApiError, kind: ChangeKind): { fields: DraftProblems; rest: boolean } {
  const field = CODE_FIELDS[error.code];
  if (field) return { fields: { [field === "change" ? CHANGE_FIELDS[kind] : field]: error.message }, rest: false };
  if (error.status !== 422) return { fields: {}, rest: true };
  const fields: DraftProblems = {};
  let rest = false;
  for (const detail of details(error)) {
    const target = fieldOf(detail);
    // "values_patch: store: set by the store's spec": the field already says which.
    if (target) fields[target] ??= detail.message.replace(/^values_patch: /, "");
    else rest = true;
  }
  return { fields, rest: rest || Object.keys(fields).length === 0 };
}

/** Where the API's refusal of a `kind` change goes: `fields` next to their controls; `rest` true when
 *  something is left that no field shown can show (then the form shows the whole error above it). */
export function apiProblems(
  error: unknown,
  kind: ChangeKind = "chart_version",
): { fields: DraftProblems; rest: boolean } {
  if (!isApiError(error)) return { fields: {}, rest: Boolean(error) };
  const { fields, rest } = problemsOf(error, kind);
  const shown = Object.entries(fields).filter(([field]) => isFieldShown(field, kind));
  return { fields: Object.fromEntries(shown), rest: rest || shown.length < Object.keys(fields).length };
}
