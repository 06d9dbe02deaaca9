import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  DEFAULT_COLOURS,
  DISPLAY_NAME_MAX,
  isHexColour,
  LOGO_URL_MAX,
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

/** How a Medusa shop presents itself to shoppers; every field may stay empty (the shop's default). */
export function BrandingFields({ draft, errors, disabled, onChange, onBlur }: BrandingFieldsProps) {
  const common = { disabled, onChange, onBlur };
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium">Branding</legend>
      <p className="text-xs text-slate-600">How the shop presents itself to shoppers. Empty fields use the defaults.</p>
      <div className="grid gap-x-4 gap-y-1 sm:grid-cols-2">
        <Field label="Display name" error={errors.display_name} hint="Default: the store's name.">
          {(control) => (
            <Input
              {...control}
              value={draft.display_name}
              maxLength={DISPLAY_NAME_MAX + 10}
              autoComplete="off"
              disabled={disabled}
              onChange={(e) => onChange("display_name", e.target.value)}
              onBlur={() => onBlur("display_name")}
            />
          )}
        </Field>
        <Field label="Logo URL" error={errors.logo_url} hint="An http(s) address of an image; empty: no logo.">
          {(control) => (
            <Input
              {...control}
              type="url"
              inputMode="url"
              placeholder="https://example.com/logo.svg"
              value={draft.logo_url}
              maxLength={LOGO_URL_MAX + 10}
              autoComplete="off"
              spellCheck={false}
              disabled={disabled}
              onChange={(e) => onChange("logo_url", e.target.value)}
              onBlur={() => onBlur("logo_url")}
            />
          )}
        </Field>
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
      </div>
    </fieldset>
  );
}
