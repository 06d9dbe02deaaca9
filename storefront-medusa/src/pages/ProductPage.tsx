import { useEffect, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { getProductByHandle } from "../api/store";
import type { Product } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { Gallery } from "../components/Gallery";
import { Price } from "../components/Price";
import { QuantityInput } from "../components/QuantityInput";
import { Spinner } from "../components/Spinner";
import { TrustBadges } from "../features/product/TrustBadges";
import { clampQuantity } from "../lib/cartStorage";
import { availableQuantity, findVariant, initialSelection, isInStock, orderedOptionValues, type OptionSelection } from "../lib/products";
import { usePageTitle } from "../lib/usePageTitle";
import { useCart } from "../state/CartContext";
import { useStore } from "../state/StoreContext";
import { NotFoundPage } from "./NotFoundPage";

function OptionPicker({ product, selection, onSelect }: { product: Product; selection: OptionSelection; onSelect(optionId: string, value: string): void }) {
  return (
    <>
      {(product.options ?? [])
        .filter((option) => (option.values?.length ?? 0) > 1 || option.title !== "Default")
        .map((option) => (
          <fieldset key={option.id} className="mt-6">
            <legend className="text-sm font-medium">{option.title}</legend>
            <div className="mt-2 flex flex-wrap gap-2">
              {orderedOptionValues(product, option.id).map((value) => {
                const active = selection[option.id] === value;
                return (
                  <button
                    key={value}
                    type="button"
                    aria-pressed={active}
                    onClick={() => onSelect(option.id, value)}
                    className={`min-w-12 rounded-md border px-4 py-2 text-sm ${active ? "border-primary bg-primary text-primary-fg" : "border-surface-300 hover:border-primary"}`}
                  >
                    {value}
                  </button>
                );
              })}
            </div>
          </fieldset>
        ))}
    </>
  );
}

/** "Added ✓" for a moment after a successful add (with a pop, unless the shopper asked for less motion). */
function useJustAdded(successAt: number): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!successAt) return;
    setShown(true);
    const timer = window.setTimeout(() => setShown(false), 1800);
    return () => window.clearTimeout(timer);
  }, [successAt]);
  return shown;
}

function AddToCartButton({ label, disabled, busy, added, onAdd }: { label: string; disabled: boolean; busy: boolean; added: boolean; onAdd(): void }) {
  return (
    <button
      type="button"
      className={`btn-primary mt-6 w-full sm:w-auto sm:min-w-48 ${added ? "motion-safe:animate-pop" : ""}`}
      disabled={disabled}
      // Busy is aria-disabled, not disabled: the button keeps keyboard focus while the cart updates.
      aria-disabled={busy || undefined}
      onClick={() => !busy && onAdd()}
      data-testid="add-to-cart"
    >
      {added ? (
        <>
          <span aria-hidden="true" className="mr-2">✓</span>Added
        </>
      ) : (
        label
      )}
    </button>
  );
}

function BuyBox({ product }: { product: Product }) {
  const { addItem, openDrawer } = useCart();
  const [selection, setSelection] = useState<OptionSelection>(() => initialSelection(product));
  const [quantity, setQuantity] = useState(1);
  const variant = findVariant(product, selection);
  const available = variant ? availableQuantity(variant) : null;
  const inStock = variant ? isInStock(variant) : false;
  const add = useMutation({
    mutationFn: () => addItem(variant!.id, quantity),
    onSuccess: () => openDrawer(),
  });
  const added = useJustAdded(add.isSuccess ? add.submittedAt : 0);

  const select = (optionId: string, value: string) => {
    setSelection((current) => ({ ...current, [optionId]: value }));
    setQuantity(1);
    add.reset();
  };

  return (
    <div>
      <h1 className="text-3xl font-bold" data-testid="product-title">
        {product.title}
      </h1>
      <p className="mt-3 text-2xl" data-testid="product-price">
        {variant ? <Price amount={variant.calculated_price?.calculated_amount} /> : "Choose options"}
      </p>
      {product.description && <p className="mt-4 text-surface-700">{product.description}</p>}
      <OptionPicker product={product} selection={selection} onSelect={select} />
      <div className="mt-6 flex items-center gap-3">
        <QuantityInput value={quantity} onChange={(next) => setQuantity(clampQuantity(next, available))} max={available} disabled={!inStock} label="Quantity" testId="product-quantity" />
        {variant && !inStock && (
          <span className="text-sm font-medium text-red-700" data-testid="out-of-stock">
            Out of stock
          </span>
        )}
        {variant && inStock && available !== null && available <= 5 && <span className="text-sm text-surface-600">Only {available} left</span>}
      </div>
      <AddToCartButton
        label={!variant ? "Choose options" : !inStock ? "Out of stock" : add.isPending ? "Adding…" : "Add to cart"}
        disabled={!variant || !inStock}
        busy={add.isPending}
        added={added}
        onAdd={() => add.mutate()}
      />
      <p className="mt-3 min-h-6 text-sm text-green-800" role="status">
        {add.isSuccess && "Added to your cart."}
      </p>
      <ErrorMessage error={add.error} />
      <TrustBadges />
    </div>
  );
}

export default function ProductPage() {
  const { handle = "" } = useParams();
  const { client, region } = useStore();
  const product = useQuery({ queryKey: ["product", handle, region.id], queryFn: () => getProductByHandle(client, handle, region.id) });
  usePageTitle(product.data?.title ?? null);

  if (product.isPending) return <Spinner label="Loading product" />;
  if (product.isError) return <ErrorMessage error={product.error} />;
  if (!product.data) return <NotFoundPage />;
  return (
    <article className="grid gap-10 md:grid-cols-2">
      <Gallery images={product.data.images ?? []} title={product.data.title} />
      <BuyBox key={product.data.id} product={product.data} />
    </article>
  );
}
