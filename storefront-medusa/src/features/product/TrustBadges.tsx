// Reassurance under the buy button. Icons are decorative (the text says it all).
const ICONS = {
  lock: "M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z",
  returns: "M4 12a8 8 0 1 0 2.3-5.6M4 4v4h4",
  truck: "M3 6h11v9H3zM14 9h4l3 3v3h-7M7.5 18.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM17.5 18.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z",
};

const BADGES: { icon: keyof typeof ICONS; title: string; text: string }[] = [
  { icon: "lock", title: "Secure checkout", text: "Encrypted, no account needed" },
  { icon: "returns", title: "Free returns", text: "30 days to change your mind" },
  { icon: "truck", title: "Tracked shipping", text: "Standard or express" },
];

export function TrustBadges() {
  return (
    <ul className="mt-8 grid gap-3 border-t border-surface-200 pt-6 sm:grid-cols-3" aria-label="Shopping with us" data-testid="trust-badges">
      {BADGES.map((badge) => (
        <li key={badge.icon} className="flex items-start gap-3 sm:flex-col sm:gap-2">
          <svg viewBox="0 0 24 24" className="h-6 w-6 shrink-0 text-primary-ink" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d={ICONS[badge.icon]} />
          </svg>
          <span>
            <span className="block text-sm font-semibold">{badge.title}</span>
            <span className="block text-sm text-surface-600">{badge.text}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
