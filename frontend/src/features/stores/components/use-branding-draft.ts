import { useState } from "react";
import { isApiError } from "@/lib/api/errors";
import {
  BRANDING_FIELDS,
  brandingProblems,
  brandingProblemsFromApi,
  type Branding,
  type BrandingDraft,
  type BrandingField,
  type BrandingProblems,
} from "../lib/branding";

/** The branding fields' text, and which problems to show: ours once a field has been left (or the
 *  form submitted), the API's for as long as the field still holds the value it refused. */
export function useBrandingDraft(initial: BrandingDraft) {
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState<ReadonlySet<BrandingField>>(new Set());
  const problems = brandingProblems(draft);

  function errors(error: unknown, sent: Branding | null | undefined): BrandingProblems {
    const fromApi = isApiError(error) ? brandingProblemsFromApi(error.fieldProblems) : {};
    const shown: BrandingProblems = {};
    for (const field of BRANDING_FIELDS) {
      const stillSent = (sent?.[field] ?? null) === (draft[field].trim() || null);
      const message = (touched.has(field) ? problems[field] : undefined) ?? (stillSent ? fromApi[field] : undefined);
      if (message) shown[field] = message;
    }
    return shown;
  }

  return {
    draft,
    valid: Object.keys(problems).length === 0,
    errors,
    change: (field: BrandingField, value: string) => setDraft((previous) => ({ ...previous, [field]: value })),
    touch: (field: BrandingField) => setTouched((previous) => new Set(previous).add(field)),
    touchAll: () => setTouched(new Set(BRANDING_FIELDS)),
  };
}

export type BrandingDraftState = ReturnType<typeof useBrandingDraft>;
