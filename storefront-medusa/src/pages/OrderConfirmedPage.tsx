import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { getOrder } from "../api/store";
import { ErrorMessage } from "../components/ErrorMessage";
import { AddressBlock, OrderLines, OrderTotals } from "../components/OrderSummary";
import { Spinner } from "../components/Spinner";
import { usePageTitle } from "../lib/usePageTitle";
import { useStore } from "../state/StoreContext";

export default function OrderConfirmedPage() {
  usePageTitle("Order confirmed");
  const { orderId = "" } = useParams();
  const { client } = useStore();
  const order = useQuery({ queryKey: ["order", orderId], queryFn: () => getOrder(client, orderId) });

  if (order.isPending) return <Spinner label="Loading your order" />;
  if (order.isError) return <ErrorMessage error={order.error} />;
  const data = order.data;
  return (
    <section className="mx-auto max-w-2xl" aria-labelledby="confirmed-title" data-testid="order-confirmed" data-order-id={data.id}>
      <p className="text-sm font-semibold uppercase tracking-wide text-accent-ink">Thank you!</p>
      <h1 id="confirmed-title" className="mt-2 text-3xl font-bold">
        Your order is confirmed
      </h1>
      <p className="mt-3 text-surface-700">
        Order number <strong data-testid="order-number">#{data.display_id}</strong>. A confirmation goes to {data.email}.
      </p>
      <div className="mt-8 grid gap-6 sm:grid-cols-2">
        <div>
          <h2 className="text-sm font-semibold uppercase text-surface-500">Shipping to</h2>
          <AddressBlock address={data.shipping_address} />
        </div>
        <div>
          <h2 className="text-sm font-semibold uppercase text-surface-500">Delivery</h2>
          <p className="mt-1 text-sm">{data.shipping_methods?.[0]?.name}</p>
        </div>
      </div>
      <div className="mt-8">
        <OrderLines order={data} />
        <OrderTotals order={data} />
      </div>
      <Link to="/products" className="btn-primary mt-10">
        Continue shopping
      </Link>
    </section>
  );
}
