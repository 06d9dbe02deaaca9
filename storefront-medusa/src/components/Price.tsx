import { formatPrice } from "../lib/money";
import { useStore } from "../state/StoreContext";

export function Price({ amount, currencyCode, className }: { amount: number | null | undefined; currencyCode?: string; className?: string }) {
  const { region } = useStore();
  return <span className={className}>{formatPrice(amount, currencyCode ?? region.currency_code)}</span>;
}
