import { useEffect, useRef } from "react";
import { Link } from "react-router-dom";
import type { LineItem } from "../api/types";
import { isCartEmpty } from "../lib/cartStorage";
import { useCart } from "../state/CartContext";
import { ErrorMessage } from "./ErrorMessage";
import { Price } from "./Price";
import { QuantityInput } from "./QuantityInput";
import { useMutation } from "@tanstack/react-query";

function CartLine({ item, currencyCode }: { item: LineItem; currencyCode: string }) {
  const { setQuantity, removeItem, isUpdating } = useCart();
  const update = useMutation({ mutationFn: (quantity: number) => setQuantity(item.id, quantity) });
  const remove = useMutation({ mutationFn: () => removeItem(item.id) });
  return (
    <li className="flex gap-3 py-4" data-testid="cart-line">
      {item.thumbnail && <img src={item.thumbnail} alt="" className="h-16 w-16 rounded bg-gray-100 object-cover" />}
      <div className="flex-1">
        <p className="font-medium">{item.product_title ?? item.title}</p>
        {item.variant_title && <p className="text-sm text-gray-600">{item.variant_title}</p>}
        <div className="mt-2 flex items-center gap-3">
          <QuantityInput
            value={item.quantity}
            onChange={(quantity) => update.mutate(quantity)}
            disabled={isUpdating}
            label={`Quantity of ${item.product_title ?? item.title}`}
            testId="cart-line-quantity"
          />
          <button type="button" className="text-sm text-gray-600 underline hover:text-red-700" onClick={() => remove.mutate()} disabled={isUpdating}>
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
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!isDrawerOpen) return;
    closeButton.current?.focus();
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && closeDrawer();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [isDrawerOpen, closeDrawer]);

  if (!isDrawerOpen) return null;
  const empty = isCartEmpty(cart);
  return (
    <div className="fixed inset-0 z-40" role="dialog" aria-modal="true" aria-labelledby="cart-title">
      <button type="button" className="absolute inset-0 bg-black/40" aria-label="Close cart" tabIndex={-1} onClick={closeDrawer} />
      <aside className="absolute right-0 top-0 flex h-full w-full max-w-md flex-col bg-white shadow-xl" data-testid="cart-drawer">
        <div className="flex items-center justify-between border-b px-5 py-4">
          <h2 id="cart-title" className="text-lg font-semibold">
            Your cart
          </h2>
          <button ref={closeButton} type="button" onClick={closeDrawer} className="rounded p-1 text-2xl leading-none hover:bg-gray-100" aria-label="Close cart">
            ×
          </button>
        </div>
        <div className="flex-1 overflow-y-auto px-5">
          {empty || !cart ? (
            <p className="py-10 text-center text-gray-600" data-testid="cart-empty">
              Your cart is empty.
            </p>
          ) : (
            <ul className="divide-y">
              {(cart.items ?? []).map((item) => (
                <CartLine key={item.id} item={item} currencyCode={cart.currency_code} />
              ))}
            </ul>
          )}
        </div>
        <div className="border-t px-5 py-4">
          {cart && !empty && (
            <dl className="mb-4 space-y-1 text-sm">
              <div className="flex justify-between">
                <dt>Subtotal</dt>
                <dd data-testid="cart-subtotal">
                  <Price amount={cart.item_total} currencyCode={cart.currency_code} />
                </dd>
              </div>
              <p className="text-xs text-gray-500">Shipping and taxes are calculated at checkout.</p>
            </dl>
          )}
          {empty ? (
            <button type="button" disabled className="w-full cursor-not-allowed rounded-md bg-gray-300 py-3 font-semibold text-white" data-testid="checkout-link">
              Checkout
            </button>
          ) : (
            <Link to="/checkout" onClick={closeDrawer} className="block w-full rounded-md bg-brand py-3 text-center font-semibold text-white hover:opacity-90" data-testid="checkout-link">
              Checkout
            </Link>
          )}
        </div>
      </aside>
    </div>
  );
}
