import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { listShippingOptions, setShippingMethod } from "../../api/store";
import type { Cart, ShippingOption } from "../../api/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Price } from "../../components/Price";
import { Spinner } from "../../components/Spinner";
import { validateShipping } from "../../lib/checkoutValidation";
import { useCart } from "../../state/CartContext";
import { useStore } from "../../state/StoreContext";

function optionAmount(option: ShippingOption): number | null {
  return option.calculated_price?.calculated_amount ?? option.amount;
}

export function ShippingStep({
  cart,
  selected,
  setSelected,
  onBack,
  onDone,
}: {
  cart: Cart;
  selected: string | null;
  setSelected(id: string): void;
  onBack(): void;
  onDone(): void;
}) {
  const { client } = useStore();
  const { replaceCart } = useCart();
  const [error, setError] = useState<string | null>(null);
  const options = useQuery({ queryKey: ["shipping-options", cart.id, cart.shipping_address?.country_code], queryFn: () => listShippingOptions(client, cart.id) });
  const save = useMutation({
    mutationFn: (optionId: string) => setShippingMethod(client, cart.id, optionId),
    onSuccess: (updated) => {
      replaceCart(updated);
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = validateShipping(selected, (options.data ?? []).map((option) => option.id));
    setError(problem);
    if (!problem && selected) save.mutate(selected);
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="step-shipping-title" data-testid="shipping-step">
      <h2 id="step-shipping-title" tabIndex={-1} className="text-xl font-bold">
        Shipping method
      </h2>
      <fieldset>
        <legend className="sr-only">Shipping options</legend>
        <div className="mt-6 space-y-3">
          {options.isPending && <Spinner label="Loading shipping methods" />}
          {options.isError && <ErrorMessage error={options.error} />}
          {options.data?.length === 0 && <p className="text-surface-700">No shipping methods reach this address. Go back and check it.</p>}
          {options.data?.map((option) => (
            <label key={option.id} className={`flex cursor-pointer items-center justify-between rounded-lg border p-4 ${selected === option.id ? "border-primary ring-1 ring-primary" : "border-surface-300"}`}>
              <span className="flex items-center gap-3">
                <input type="radio" name="shipping-option" value={option.id} checked={selected === option.id} onChange={() => setSelected(option.id)} />
                <span>
                  <span className="block font-medium">{option.name}</span>
                  {option.type?.description && <span className="block text-sm text-surface-600">{option.type.description}</span>}
                </span>
              </span>
              <Price amount={optionAmount(option)} currencyCode={cart.currency_code} />
            </label>
          ))}
        </div>
      </fieldset>
      {error && (
        <p role="alert" className="mt-4 text-sm text-red-700">
          {error}
        </p>
      )}
      <div className="mt-4">
        <ErrorMessage error={save.error} />
      </div>
      <div className="mt-6 flex gap-3">
        <button type="button" className="btn-secondary" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="btn-primary" disabled={save.isPending} data-testid="shipping-continue">
          {save.isPending ? "Saving…" : "Continue to review"}
        </button>
      </div>
    </form>
  );
}
