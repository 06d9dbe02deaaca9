import type { Schemas } from "@/lib/api/client";
import type { CreateRolloutInput } from "../api/create-rollout";

export type ChangeKind = Schemas["ChangeKind"];
type Engine = Schemas["Engine"];

/** What a rollout changes on its stores: one spec field (api/rollouts/change.py). */
export const CHANGE_KIND_LABELS: Record<ChangeKind, string> = {
  chart_version: "Chart version",
  image_tag: "Image tag",
  values_patch: "Values patch",
};

/** The change as typed: each kind keeps its text, so switching back and forth loses nothing. */
export type ChangeDraft = {
  kind: ChangeKind;
  chartVersion: string;
  imageEngine: Engine;
  imageTag: string;
  valuesPatch: string;
};

export type ChangeField = keyof ChangeDraft;

export const EMPTY_CHANGE: ChangeDraft = {
  kind: "chart_version",
  chartVersion: "",
  imageEngine: "woocommerce",
  imageTag: "",
  valuesPatch: "",
};

/** The field that shows what is wrong with a change of each kind (ours or the API's). */
export const CHANGE_FIELDS: Record<ChangeKind, ChangeField> = {
  chart_version: "chartVersion",
  image_tag: "imageTag",
  values_patch: "valuesPatch",
};

/** The fields only one kind shows; every other field is always on the form. */
const KIND_OF_FIELD: Partial<Record<string, ChangeKind>> = {
  chartVersion: "chart_version",
  imageEngine: "image_tag",
  imageTag: "image_tag",
  valuesPatch: "values_patch",
};

export function isFieldShown(field: string, kind: ChangeKind): boolean {
  const only = KIND_OF_FIELD[field];
  return only === undefined || only === kind;
}

// Mirrors of the API's rules (renderer/spec.py CHART_VERSION_PATTERN and IMAGE_TAG_PATTERN,
// renderer/values_patch.py MAX_PATCH_BYTES).
const CHART_VERSION = /^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_PATCH_BYTES = 8_192;

export type ValuesPatch = { [key: string]: unknown };
export type PatchParse = { patch: ValuesPatch; error: null } | { patch: null; error: string };

function kindOfJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** The values patch typed: a JSON object, or why it is not one. */
export function parseValuesPatch(text: string): PatchParse {
  if (!text.trim()) return { patch: null, error: 'Enter the values patch: a JSON object such as {"redis": {}}.' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { patch: null, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { patch: null, error: `The patch must be a JSON object ({ … }), not ${kindOfJson(value)}.` };
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > MAX_PATCH_BYTES)
    return { patch: null, error: `At most ${MAX_PATCH_BYTES} bytes (this one has ${bytes}).` };
  return { patch: value as ValuesPatch, error: null };
}

/** What is wrong with the chosen change alone (the other kinds' fields are not sent). */
export function changeProblems(draft: ChangeDraft): Partial<Record<ChangeField, string>> {
  if (draft.kind === "image_tag") {
    const tag = draft.imageTag.trim();
    if (!tag) return { imageTag: "Enter the image tag to roll out." };
    if (!IMAGE_TAG.test(tag))
      return { imageTag: "Letters, digits, _ . and - only (at most 128), not starting with . or -." };
    return {};
  }
  if (draft.kind === "values_patch") {
    const { error } = parseValuesPatch(draft.valuesPatch);
    return error ? { valuesPatch: error } : {};
  }
  const version = draft.chartVersion.trim();
  if (!version) return { chartVersion: "Enter the chart version to roll out." };
  if (!CHART_VERSION.test(version) || version.length > 40)
    return { chartVersion: "Use a version such as 1.4.0 or 1.5.0-rc.1." };
  return {};
}

type ChangeRequest = Pick<CreateRolloutInput, "chart_version" | "image" | "values_patch">;

/** The chosen change, alone: the API refuses a request with more (or less) than one. An unreadable
 *  patch stands as null (such a draft is never sent). */
export function changeRequest(draft: ChangeDraft): ChangeRequest {
  if (draft.kind === "image_tag") return { image: { engine: draft.imageEngine, tag: draft.imageTag.trim() } };
  if (draft.kind === "values_patch") return { values_patch: parseValuesPatch(draft.valuesPatch).patch };
  return { chart_version: draft.chartVersion.trim() };
}

/** The kind of change a request carries. */
export function kindOf(request: ChangeRequest | undefined): ChangeKind {
  if (request?.image) return "image_tag";
  if (request?.values_patch) return "values_patch";
  return "chart_version";
}
