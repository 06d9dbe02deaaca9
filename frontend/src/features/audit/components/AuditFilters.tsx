import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export type AuditFilterValues = { event?: string; store_id?: string; actor_id?: string };

const FIELDS: {
  key: keyof AuditFilterValues;
  label: string;
  placeholder: string;
  pattern: RegExp;
  adminOnly: boolean;
}[] = [
  { key: "event", label: "Event", placeholder: "e.g. store.committed", pattern: /^[a-z0-9_.]+$/, adminOnly: false },
  { key: "store_id", label: "Store id", placeholder: "e.g. st-abcdefgh23", pattern: /^[a-z0-9-]+$/, adminOnly: false },
  { key: "actor_id", label: "Actor id", placeholder: "a user id", pattern: /^[a-z0-9-]+$/, adminOnly: true },
];

/** Filters applied on submit; a value the API would refuse is explained instead of sent. */
export function AuditFilters({
  values,
  isAdmin,
  onApply,
}: {
  values: AuditFilterValues;
  isAdmin: boolean;
  onApply: (v: AuditFilterValues) => void;
}) {
  const [draft, setDraft] = useState<AuditFilterValues>(values);
  const fields = FIELDS.filter((field) => isAdmin || !field.adminOnly);
  const invalid = fields.find((field) => draft[field.key] && !field.pattern.test(draft[field.key] ?? ""));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!invalid) onApply(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as AuditFilterValues);
  }

  return (
    <form role="search" onSubmit={submit} className="mb-4 grid items-end gap-3 sm:grid-cols-4">
      {fields.map((field) => (
        <div key={field.key} className="space-y-1">
          <Label htmlFor={`audit-${field.key}`}>{field.label}</Label>
          <Input
            id={`audit-${field.key}`}
            placeholder={field.placeholder}
            value={draft[field.key] ?? ""}
            aria-invalid={invalid?.key === field.key}
            onChange={(e) => setDraft((d) => ({ ...d, [field.key]: e.target.value.trim() }))}
          />
        </div>
      ))}
      <Button type="submit">Apply filters</Button>
      {invalid && (
        <p role="alert" className="text-xs text-red-700 sm:col-span-4">
          {invalid.label} may contain only lowercase letters, digits
          {invalid.key === "event" ? ", '_' and '.'" : " and '-'"}.
        </p>
      )}
    </form>
  );
}
