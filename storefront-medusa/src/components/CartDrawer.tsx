import { useRef } from "react";
import { useMutation } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import type { LineItem } from "../api/types";
import { isCartEmpty } from "../lib/cartStorage";
import { useModalFocus } from "../lib/useModalFocus";
import { useCart } from "../state/CartContext";
import { ErrorMessage } from "./ErrorMessage";
import { Price } from "./Price";
import { QuantityInput } from "./QuantityInput";

function CartLine({ item, currencyCode, onRemoved }: { item: LineItem; currencyCode: string; onRemoved(): void }) {
  const { setQuantity, removeItem, isUpdating } = useCart();
  const update = useMutation({ mutationFn: (quantity: number) => setQuantity(item.id, quantity) });
  const remove = useMutation({ mutationFn: () => removeItem(item.id), onSuccess: onRemoved });
  const name = item.product_title ?? item.title;
  return (
    <li className="flex gap-3 py-4" data-testid="cart-line">
      {item.thumbnail && <img src={item.thumbnail} alt="" className="h-16 w-16 rounded bg-surface-100 object-cover" />}
      <div className="flex-1">
        <p className="font-medium">{name}</p>
        {item.variant_title && <p className="text-sm text-surface-600">{item.variant_title}</p>}
        <div className="mt-2 flex items-center gap-3">
          <QuantityInput value={item.quantity} onChange={(quantity) => update.mutate(quantity)} busy={isUpdating} label={`Quantity of ${name}`} testId="cart-line-quantity" />
          <button
            type="button"
            className="rounded px-1 py-0.5 text-sm text-surface-700 underline hover:text-red-700"
            onClick={() => !isUpdating && remove.mutate()}
            aria-disabled={isUpdating}
            aria-label={`Remove ${name}`}
          >
            Remove
          </button>
        </div>
        <ErrorMessage error={update.error ?? remove.error} />
      </div>
      <Price amount={item.total ?? item.unit_price * item.quantity} currencyCode={currencyCode} className="font-medium" />
    </li>
  );
}

export function CartDrawer() {
  const { cart, isDrawerOpen, closeDrawer } = useCart();
  const panel = useRef<HTMLDivElement>(null);
  const restoreFocus = useModalFocus(panel, isDrawerOpen, closeDrawer, { backgroundId: "page", fallbackFocusId: "cart-button" });

  if (!isDrawerOpen) return null;
  const empty = isCartEmpty(cart);
  // A removed line takes its buttons with it: keep focus in the drawer.
  const focusClose = () => panel.current?.querySelector<HTMLElement>("[data-close]")?.focus();
  return (
    <div className="fixed inset-0 z-40">
      <div className="absolute inset-0 bg-surface-950/50 motion-safe:animate-fade-in" aria-hidden="true" onClick={closeDrawer} />
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby="cart-title"
        className="absolute right-0 top-0 flex h-full w-full max-w-md flex-col bg-white shadow-xl motion-safe:animate-slide-in"
        data-testid="cart-drawer"
      >
        <div className="flex items-center justify-between border-b border-surface-200 px-5 py-4">
          <h2 id="cart-title" className="text-lg font-bold">
            Your cart
          </h2>
          <button type="button" data-close onClick={closeDrawer} className="inline-flex h-9 w-9 items-center justify-center rounded text-2xl leading-none hover:bg-surface-100" aria-label="Close cart">
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <div className="flex-1 overflow-y-auto px-5">
          {empty || !cart ? (
            <p className="py-10 text-center text-surface-600" data-testid="cart-empty">
              Your cart is empty.
            </p>
          ) : (
            <ul className="divide-y divide-surface-200" aria-label="Items in your cart">
              {(cart.items ?? []).map((item) => (
                <CartLine key={item.id} item={item} currencyCode={cart.currency_code} onRemoved={focusClose} />
              ))}
            </ul>
          )}
        </div>
        <div className="border-t border-surface-200 px-5 py-4">
          {cart && !empty && (
            <div className="mb-4 space-y-1 text-sm">
              <dl className="flex justify-between">
                <dt>Subtotal</dt>
                <dd data-testid="cart-subtotal">
                  <Price amount={cart.item_total} currencyCode={cart.currency_code} />
                </dd>
              </dl>
              <p className="text-xs text-surface-600">Shipping and taxes are calculated at checkout.</p>
            </div>
          )}
          {empty ? (
            <button type="button" disabled className="w-full cursor-not-allowed rounded-md bg-surface-200 py-3 font-semibold text-surface-600" data-testid="checkout-link">
              Checkout
            </button>
          ) : (
            <Link
              to="/checkout"
              onClick={() => {
                restoreFocus.current = false; // the checkout page takes focus
                closeDrawer();
              }}
              className="btn-primary w-full"
              data-testid="checkout-link"
            >
              Checkout
            </Link>
          )}
        </div>
      </div>
    </div>
  );
}
