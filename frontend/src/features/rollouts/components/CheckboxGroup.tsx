import { useId } from "react";

type CheckboxGroupProps<T extends string> = {
  legend: string;
  options: Record<T, string>;
  values: T[];
  disabled?: boolean;
  onChange: (values: T[]) => void;
};

/** Native checkboxes under a legend: any number of the options, none meaning "no condition". */
export function CheckboxGroup<T extends string>({
  legend,
  options,
  values,
  disabled,
  onChange,
}: CheckboxGroupProps<T>) {
  const id = useId();
  const entries = Object.entries(options) as [T, string][];
  function toggle(value: T, checked: boolean) {
    onChange(
      checked
        ? entries.map(([v]) => v).filter((v) => v === value || values.includes(v))
        : values.filter((v) => v !== value),
    );
  }
  return (
    <fieldset disabled={disabled} className="space-y-1 disabled:opacity-60">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {entries.map(([value, label]) => (
          <label key={value} htmlFor={`${id}-${value}`} className="inline-flex min-h-8 items-center gap-2 text-sm">
            <input
              id={`${id}-${value}`}
              type="checkbox"
              className="h-4 w-4 rounded border-slate-400 accent-blue-700"
              checked={values.includes(value)}
              onChange={(e) => toggle(value, e.target.checked)}
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
