import type { ComponentProps } from "react";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  DEFAULT_COLOURS,
  DISPLAY_NAME_MAX,
  isHexColour,
  LOGO_URL_MAX,
  PROMO_TEXT_MAX,
  type BrandingDraft,
  type BrandingField,
  type BrandingProblems,
} from "../lib/branding";

type BrandingFieldsProps = {
  draft: BrandingDraft;
  errors: BrandingProblems;
  disabled?: boolean;
  onChange: (field: BrandingField, value: string) => void;
  onBlur: (field: BrandingField) => void;
};

type ColourFieldProps = Omit<BrandingFieldsProps, "draft" | "errors"> & {
  field: "primary_color" | "accent_color";
  label: string;
  value: string;
  error: string | undefined;
};

/** A colour as text (#rrggbb, empty for the default) with the browser's picker beside it: the text
 *  works everywhere, with any input method; the picker is a shortcut that fills it in. */
function ColourField({ field, label, value, error, disabled, onChange, onBlur }: ColourFieldProps) {
  const fallback = DEFAULT_COLOURS[field];
  return (
    <Field label={label} error={error} hint={`#rrggbb; empty: the default, ${fallback}.`}>
      {(control) => (
        <div className="flex items-center gap-2">
          <Input
            {...control}
            value={value}
            placeholder={fallback}
            autoComplete="off"
            spellCheck={false}
            maxLength={20}
            disabled={disabled}
            onChange={(e) => onChange(field, e.target.value)}
            onBlur={() => onBlur(field)}
          />
          <input
            type="color"
            aria-label={`${label}, colour picker`}
            value={isHexColour(value.trim()) ? value.trim().toLowerCase() : fallback}
            disabled={disabled}
            onChange={(e) => onChange(field, e.target.value)}
            className="h-9 w-12 shrink-0 cursor-pointer rounded-md border border-slate-300 bg-white p-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600 disabled:opacity-60"
          />
        </div>
      )}
    </Field>
  );
}

type TextFieldProps = Omit<BrandingFieldsProps, "draft" | "errors"> & {
  field: "display_name" | "logo_url" | "promo_text" | "newsletter_url";
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  input?: ComponentProps<typeof Input>;
};

/** One text setting; its API rules are checked as it is typed (lib/branding.ts). */
function TextField({ field, label, hint, value, error, disabled, onChange, onBlur, input }: TextFieldProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(control) => (
        <Input
          {...control}
          {...input}
          value={value}
          autoComplete="off"
          disabled={disabled}
          onChange={(e) => onChange(field, e.target.value)}
          onBlur={() => onBlur(field)}
        />
      )}
    </Field>
  );
}

const URL_INPUT = { type: "url", inputMode: "url", spellCheck: false, maxLength: LOGO_URL_MAX + 10 } as const;

/** How a Medusa shop presents itself to shoppers; every field may stay empty (the shop's default). */
export function BrandingFields({ draft, errors, disabled, onChange, onBlur }: BrandingFieldsProps) {
  const common = { disabled, onChange, onBlur };
  const text = (field: TextFieldProps["field"]) => ({ ...common, field, value: draft[field], error: errors[field] });
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium">Branding</legend>
      <p className="text-xs text-slate-600">How the shop presents itself to shoppers. Empty fields use the defaults.</p>
      <div className="grid gap-x-4 gap-y-1 sm:grid-cols-2">
        <TextField
          {...text("display_name")}
          label="Display name"
          hint="Default: the store's name."
          input={{ maxLength: DISPLAY_NAME_MAX + 10 }}
        />
        <TextField
          {...text("logo_url")}
          label="Logo URL"
          hint="An http(s) address of an image; empty: no logo."
          input={{ ...URL_INPUT, placeholder: "https://example.com/logo.svg" }}
        />
        <ColourField
          {...common}
          field="primary_color"
          label="Primary colour"
          value={draft.primary_color}
          error={errors.primary_color}
        />
        <ColourField
          {...common}
          field="accent_color"
          label="Accent colour"
          value={draft.accent_color}
          error={errors.accent_color}
        />
        <TextField
          {...text("promo_text")}
          label="Promo bar text"
          hint="One line above the shop; empty: free returns within 30 days."
          input={{ maxLength: PROMO_TEXT_MAX + 10 }}
        />
        <TextField
          {...text("newsletter_url")}
          label="Newsletter sign-up URL"
          hint="The form posts the shopper's e-mail there; empty: no newsletter form."
          input={{ ...URL_INPUT, placeholder: "https://lists.example.com/join" }}
        />
      </div>
    </fieldset>
  );
}
