import type { Schemas } from "@/lib/api/client";
import type { FieldProblem } from "@/lib/api/errors";

/** A Medusa shop's branding (renderer/catalogue.py Branding), with the API's rules mirrored so the
 *  form can explain them while typing. The API stays the judge: its 422 details are shown inline. */
export type Branding = Schemas["Branding"];
export type BrandingField = keyof Branding;
/** What the fields hold: text, "" meaning "not set" (the shop then uses its default). */
export type BrandingDraft = Record<BrandingField, string>;
export type BrandingProblems = Partial<Record<BrandingField, string>>;

export const BRANDING_FIELDS: BrandingField[] = [
  "display_name",
  "primary_color",
  "accent_color",
  "logo_url",
  "promo_text",
  "newsletter_url",
];
export const DEFAULT_COLOURS = { primary_color: "#111827", accent_color: "#f59e0b" } as const;
export const DISPLAY_NAME_MAX = 60;
export const LOGO_URL_MAX = 2048;
export const PROMO_TEXT_MAX = 120;

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
// What the storefront's runtime config and nginx accept: http(s) only, no quotes, no whitespace.
const HTTP_URL = /^https?:\/\/[^\s"'<>\\]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

const URL_WORDS = "Use an http:// or https:// address without spaces or quotes.";

export function isHexColour(value: string): boolean {
  return HEX_COLOUR.test(value);
}

export const EMPTY_DRAFT: BrandingDraft = {
  display_name: "",
  primary_color: "",
  accent_color: "",
  logo_url: "",
  promo_text: "",
  newsletter_url: "",
};

export function draftFrom(branding: Branding | null | undefined): BrandingDraft {
  return {
    display_name: branding?.display_name ?? "",
    primary_color: branding?.primary_color ?? "",
    accent_color: branding?.accent_color ?? "",
    logo_url: branding?.logo_url ?? "",
    promo_text: branding?.promo_text ?? "",
    newsletter_url: branding?.newsletter_url ?? "",
  };
}

/** The draft as the API takes it: trimmed, "" as null, and null when nothing is set at all. */
export function toBranding(draft: BrandingDraft): Branding | null {
  const branding: Branding = {};
  for (const field of BRANDING_FIELDS) branding[field] = draft[field].trim() || null;
  return BRANDING_FIELDS.every((field) => branding[field] === null) ? null : branding;
}

/** Two brandings say the same thing (null and all-null alike). */
export function sameBranding(a: Branding | null | undefined, b: Branding | null | undefined): boolean {
  return BRANDING_FIELDS.every((field) => (a?.[field] ?? null) === (b?.[field] ?? null));
}

function oneLineProblem(max: number): (value: string) => string | undefined {
  return (value) => {
    if (value.length > max) return `At most ${max} characters.`;
    if (CONTROL_CHARACTER.test(value)) return "Must not contain control characters.";
    return undefined;
  };
}

function colourProblem(value: string): string | undefined {
  return !value || isHexColour(value) ? undefined : "Use a colour of the form #rrggbb, such as #1d4ed8.";
}

function urlProblem(value: string): string | undefined {
  if (value.length > LOGO_URL_MAX) return `At most ${LOGO_URL_MAX} characters.`;
  if (value && !HTTP_URL.test(value)) return URL_WORDS;
  return undefined;
}

const CHECKS: Record<BrandingField, (value: string) => string | undefined> = {
  display_name: oneLineProblem(DISPLAY_NAME_MAX),
  primary_color: colourProblem,
  accent_color: colourProblem,
  logo_url: urlProblem,
  promo_text: oneLineProblem(PROMO_TEXT_MAX),
  newsletter_url: urlProblem,
};

/** What the API would refuse in each field, in words (empty fields are fine: they use the default). */
export function brandingProblems(draft: BrandingDraft): BrandingProblems {
  const problems: BrandingProblems = {};
  for (const field of BRANDING_FIELDS) {
    const problem = CHECKS[field](draft[field].trim());
    if (problem) problems[field] = problem;
  }
  return problems;
}

const FRIENDLY_BY_TYPE: Record<BrandingField, string> = {
  display_name: "Must not contain control characters.",
  primary_color: "Use a colour of the form #rrggbb, such as #1d4ed8.",
  accent_color: "Use a colour of the form #rrggbb, such as #1d4ed8.",
  logo_url: URL_WORDS,
  promo_text: "Must not contain control characters.",
  newsletter_url: URL_WORDS,
};

/** The API's 422 details for the branding fields, by field. A pattern mismatch is put in words
 *  (the API names the regular expression); any other message is the API's own. */
export function brandingProblemsFromApi(problems: FieldProblem[]): BrandingProblems {
  const byField: BrandingProblems = {};
  for (const problem of problems) {
    const field = problem.field as BrandingField;
    if (!BRANDING_FIELDS.includes(field) || byField[field]) continue;
    const friendly = problem.type === "string_pattern_mismatch" ? FRIENDLY_BY_TYPE[field] : undefined;
    byField[field] = friendly ?? problem.message;
  }
  return byField;
}
