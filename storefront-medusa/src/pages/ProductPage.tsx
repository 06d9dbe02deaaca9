import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { getProductByHandle } from "../api/store";
import type { Product } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { Gallery } from "../components/Gallery";
import { Price } from "../components/Price";
import { QuantityInput } from "../components/QuantityInput";
import { Spinner } from "../components/Spinner";
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
                    className={`min-w-12 rounded-md border px-4 py-2 text-sm ${active ? "border-brand bg-brand text-white" : "border-gray-300 hover:border-brand"}`}
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
      {product.description && <p className="mt-4 text-gray-700">{product.description}</p>}
      <OptionPicker product={product} selection={selection} onSelect={select} />
      <div className="mt-6 flex items-center gap-3">
        <QuantityInput value={quantity} onChange={(next) => setQuantity(clampQuantity(next, available))} max={available} disabled={!inStock} label="Quantity" testId="product-quantity" />
        {variant && !inStock && (
          <span className="text-sm font-medium text-red-700" data-testid="out-of-stock">
            Out of stock
          </span>
        )}
        {variant && inStock && available !== null && available <= 5 && <span className="text-sm text-gray-600">Only {available} left</span>}
      </div>
      <button type="button" className="btn-primary mt-6 w-full sm:w-auto" disabled={!variant || !inStock || add.isPending} onClick={() => add.mutate()} data-testid="add-to-cart">
        {!variant ? "Choose options" : !inStock ? "Out of stock" : add.isPending ? "Adding…" : "Add to cart"}
      </button>
      <p className="mt-3 min-h-6 text-sm text-green-700" role="status">
        {add.isSuccess && "Added to your cart."}
      </p>
      <ErrorMessage error={add.error} />
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
