/**
 * − value +. Limits use aria-disabled rather than disabled: a focused button that becomes disabled
 * drops keyboard focus to <body>, which loses the shopper's place (e.g. inside the cart drawer).
 */
export function QuantityInput({
  value,
  onChange,
  max,
  disabled,
  busy,
  label,
  testId,
}: {
  value: number;
  onChange(next: number): void;
  max?: number | null;
  /** Not available at all (e.g. sold out): really disabled. */
  disabled?: boolean;
  /** An update is in flight: presses are ignored. */
  busy?: boolean;
  label: string;
  testId?: string;
}) {
  const canIncrease = !busy && (max === null || max === undefined || value < max);
  const canDecrease = !busy && value > 1;
  const button = "h-9 w-9 text-lg font-semibold hover:bg-surface-100 disabled:cursor-not-allowed disabled:opacity-40 aria-disabled:cursor-not-allowed aria-disabled:text-surface-400";
  return (
    <div className="inline-flex items-center rounded-md border border-surface-500" role="group" aria-label={label} data-testid={testId}>
      <button type="button" className={button} onClick={() => canDecrease && onChange(value - 1)} disabled={disabled} aria-disabled={!canDecrease} aria-label="Decrease quantity">
        −
      </button>
      <span className="w-10 text-center tabular-nums" aria-live="polite" data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </span>
      <button type="button" className={button} onClick={() => canIncrease && onChange(value + 1)} disabled={disabled} aria-disabled={!canIncrease} aria-label="Increase quantity">
        +
      </button>
    </div>
  );
}
