import { useState } from "react";
import { browserStorage } from "../../lib/browserStorage";
import { useStore } from "../../state/StoreContext";
import { DEFAULT_PROMO_TEXT, dismissPromo, isPromoDismissed } from "./promoDismissal";

/** The slim announcement above the header: the owner's `promoText`, dismissible. */
export function PromoBar() {
  const { config } = useStore();
  const text = config.promoText ?? DEFAULT_PROMO_TEXT;
  const [dismissed, setDismissed] = useState(() => isPromoDismissed(browserStorage(), text));
  if (dismissed) return null;

  const dismiss = () => {
    dismissPromo(browserStorage(), text);
    setDismissed(true);
    // The button disappears: keep keyboard users at the top of the page rather than on <body>.
    document.getElementById("home-link")?.focus();
  };

  return (
    <section aria-label="Announcement" className="bg-primary text-sm text-primary-fg" data-testid="promo-bar">
      <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-1.5">
        <p className="flex-1 text-center font-medium">{text}</p>
        <button
          type="button"
          onClick={dismiss}
          className="inline-flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-lg leading-none hover:bg-primary-fg/15"
          aria-label="Dismiss announcement"
          data-testid="promo-dismiss"
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
    </section>
  );
}
