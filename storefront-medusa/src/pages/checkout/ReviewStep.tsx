import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { completeCart, getCart, listPaymentProviders, startPayment } from "../../api/store";
import type { Cart, Order } from "../../api/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { AddressBlock, OrderLines, OrderTotals } from "../../components/OrderSummary";
import { Spinner } from "../../components/Spinner";
import { validatePayment } from "../../lib/checkoutValidation";
import { useStore } from "../../state/StoreContext";

const PROVIDER_LABELS: Record<string, string> = {
  pp_system_default: "Pay on delivery (manual payment)",
};

export function ReviewStep({ cart, onBack, onPlaced }: { cart: Cart; onBack(): void; onPlaced(order: Order): void }) {
  const { client, region } = useStore();
  const providers = useQuery({ queryKey: ["payment-providers", region.id], queryFn: () => listPaymentProviders(client, region.id) });
  const [chosen, setChosen] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const providerId = chosen ?? providers.data?.[0]?.id ?? null;

  const place = useMutation({
    mutationFn: async (provider: string) => {
      // The cart as the backend has it now (its payment collection may already exist).
      await startPayment(client, await getCart(client, cart.id), provider);
      const result = await completeCart(client, cart.id);
      if (result.type !== "order") throw new Error(result.error?.message ?? "The order could not be placed.");
      return result.order;
    },
    onSuccess: onPlaced,
  });

  const submit = () => {
    const error = validatePayment(providerId, (providers.data ?? []).map((provider) => provider.id));
    setProblem(error);
    if (!error && providerId) place.mutate(providerId);
  };

  return (
    <section aria-labelledby="step-review-title" data-testid="review-step">
      <h2 id="step-review-title" tabIndex={-1} className="text-xl font-bold">
        Review and pay
      </h2>
      <div className="mt-6 grid gap-6 sm:grid-cols-2">
        <div>
          <h3 className="text-sm font-semibold uppercase text-surface-500">Ship to</h3>
          <p className="mt-1 text-sm">{cart.email}</p>
          <AddressBlock address={cart.shipping_address} />
        </div>
        <div>
          <h3 className="text-sm font-semibold uppercase text-surface-500">Shipping</h3>
          <p className="mt-1 text-sm">{cart.shipping_methods?.[0]?.name}</p>
        </div>
      </div>
      <fieldset className="mt-8">
        <legend className="text-sm font-semibold uppercase text-surface-500">Payment</legend>
        {providers.isPending && <Spinner label="Loading payment methods" />}
        {providers.isError && <ErrorMessage error={providers.error} />}
        <div className="mt-2 space-y-2">
          {providers.data?.map((provider) => (
            <label key={provider.id} className="flex cursor-pointer items-center gap-3 rounded-lg border border-surface-300 p-4">
              <input type="radio" name="payment-provider" value={provider.id} checked={providerId === provider.id} onChange={() => setChosen(provider.id)} />
              {PROVIDER_LABELS[provider.id] ?? provider.id}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="mt-8">
        <OrderLines order={cart} />
        <OrderTotals order={cart} />
      </div>
      {problem && (
        <p role="alert" className="mt-4 text-sm text-red-700">
          {problem}
        </p>
      )}
      <div className="mt-4">
        <ErrorMessage error={place.error} />
      </div>
      <div className="mt-6 flex gap-3">
        <button type="button" className="btn-secondary" onClick={onBack} disabled={place.isPending}>
          Back
        </button>
        <button type="button" className="btn-primary" onClick={submit} disabled={place.isPending || providers.isPending} data-testid="place-order">
          {place.isPending ? "Placing order…" : "Place order"}
        </button>
      </div>
    </section>
  );
}
