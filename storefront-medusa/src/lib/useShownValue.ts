import { useEffect, useState } from "react";

/**
 * A form control's value that follows `value` (read from the URL) but shows the shopper's change at once.
 *
 * The router updates the URL inside a transition, so a control bound straight to it would snap back to its
 * old value until that transition renders: a checkbox would look unticked right after the click. The change
 * shows while the page still renders `location` (the router's location object when it was made); any
 * navigation ends it. So does "back" or "forward" (popstate): a change followed by a quick "back" can render
 * as one transition that returns to the very location shown before the change.
 */
export function useShownValue<T>(value: T, location: object): [T, (next: T) => void] {
  const [change, setChange] = useState<{ value: T; location: object } | null>(null);
  useEffect(() => {
    const forget = () => setChange(null);
    window.addEventListener("popstate", forget);
    return () => window.removeEventListener("popstate", forget);
  }, []);
  const shown = change !== null && change.location === location ? change.value : value;
  return [shown, (next: T) => setChange({ value: next, location })];
}
