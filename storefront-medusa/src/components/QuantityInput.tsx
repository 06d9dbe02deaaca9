export function QuantityInput({
  value,
  onChange,
  max,
  disabled,
  label,
  testId,
}: {
  value: number;
  onChange(next: number): void;
  max?: number | null;
  disabled?: boolean;
  label: string;
  testId?: string;
}) {
  const canIncrease = max === null || max === undefined || value < max;
  const button = "h-9 w-9 text-lg font-semibold hover:bg-gray-100 disabled:cursor-not-allowed disabled:opacity-40";
  return (
    <div className="inline-flex items-center rounded-md border border-gray-300" role="group" aria-label={label} data-testid={testId}>
      <button type="button" className={button} onClick={() => onChange(value - 1)} disabled={disabled || value <= 1} aria-label="Decrease quantity">
        −
      </button>
      <span className="w-10 text-center tabular-nums" aria-live="polite" data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </span>
      <button type="button" className={button} onClick={() => onChange(value + 1)} disabled={disabled || !canIncrease} aria-label="Increase quantity">
        +
      </button>
    </div>
  );
}
