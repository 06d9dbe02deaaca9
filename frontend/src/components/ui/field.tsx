import { useId, type ReactElement, type ReactNode } from "react";
import { Label } from "./label";

type FieldProps = {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  /** Renders the control, wired to the label, hint and error by id. */
  children: (control: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactElement;
};

/** A labelled form control with its hint and its inline error, announced to screen readers. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <Label htmlFor={id}>{label}</Label>
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": describedBy })}
      {hint && (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      {/* Always rendered so the layout does not jump when a message appears. */}
      <p id={errorId} role="alert" className="min-h-4 text-xs text-red-700">
        {error ?? ""}
      </p>
    </div>
  );
}
