// Medusa v2 amounts are in major units (20 = $20.00), in the region's currency.

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currencyCode: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currencyCode}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode.toUpperCase() });
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatPrice(amount: number | null | undefined, currencyCode: string, locale = "en-US"): string {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return "—";
  try {
    return formatterFor(currencyCode, locale).format(amount);
  } catch {
    // An unknown currency code: still show the number rather than break the page.
    return `${amount.toFixed(2)} ${currencyCode.toUpperCase()}`;
  }
}
