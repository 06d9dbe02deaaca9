const amounts = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });
const money = new Map<string, Intl.NumberFormat>();

/** A sum of money in its currency ("$64.39" for 64.39 USD); an unknown currency code as "64.39 XYZ". */
export function formatMoney(amount: number, currency: string): string {
  let format = money.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    } catch {
      return `${amount.toFixed(2)} ${currency}`;
    }
    money.set(currency, format);
  }
  return format.format(amount);
}

/** Cores and GiB, as the API rounds them (up to 3 decimals). */
export function formatAmount(value: number): string {
  return amounts.format(value);
}

/** "1 core", "0.5 cores". */
export function formatCores(value: number): string {
  return `${formatAmount(value)} ${value === 1 ? "core" : "cores"}`;
}
