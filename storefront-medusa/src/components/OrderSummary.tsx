import type { Address, LineItem, ShippingMethod } from "../api/types";
import { Price } from "./Price";

interface Totals {
  currency_code: string;
  items?: LineItem[] | null;
  shipping_methods?: ShippingMethod[] | null;
  item_total?: number;
  shipping_total?: number;
  tax_total?: number;
  total?: number;
}

export function OrderLines({ order }: { order: Totals }) {
  return (
    <ul className="divide-y" data-testid="summary-lines">
      {(order.items ?? []).map((item) => (
        <li key={item.id} className="flex justify-between gap-4 py-3 text-sm">
          <span>
            {item.product_title ?? item.title}
            {item.variant_title && item.variant_title !== "Default" && <span className="text-surface-600"> · {item.variant_title}</span>}
            <span className="text-surface-600"> × {item.quantity}</span>
          </span>
          <Price amount={item.total ?? item.unit_price * item.quantity} currencyCode={order.currency_code} />
        </li>
      ))}
    </ul>
  );
}

export function OrderTotals({ order }: { order: Totals }) {
  const row = (label: string, amount: number | undefined, testId: string, strong = false) => (
    <div className={`flex justify-between ${strong ? "border-t pt-2 text-base font-semibold" : ""}`}>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        <Price amount={amount} currencyCode={order.currency_code} />
      </dd>
    </div>
  );
  return (
    <dl className="mt-4 space-y-2 text-sm">
      {row("Subtotal", order.item_total, "total-items")}
      {row("Shipping", order.shipping_total, "total-shipping")}
      {row("Taxes", order.tax_total, "total-tax")}
      {row("Total", order.total, "total-grand", true)}
    </dl>
  );
}

export function AddressBlock({ address }: { address: Partial<Address> | null | undefined }) {
  if (!address) return null;
  return (
    <address className="text-sm not-italic text-surface-700" data-testid="summary-address">
      {address.first_name} {address.last_name}
      <br />
      {address.address_1}
      <br />
      {address.postal_code} {address.city}, {address.country_code?.toUpperCase()}
    </address>
  );
}
