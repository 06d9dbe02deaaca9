export function Spinner({ label, fullPage = false }: { label: string; fullPage?: boolean }) {
  const spinner = (
    <div role="status" className="flex items-center gap-3 text-surface-600">
      <span className="h-5 w-5 animate-spin rounded-full border-2 border-surface-300 border-t-primary" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
  return fullPage ? <div className="flex min-h-screen items-center justify-center">{spinner}</div> : spinner;
}
