// Checkout in three steps, the current one in the URL (?step=) so the browser's back and forward
// move between steps; the form data lives here, above the steps, so moving keeps it.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import type { Cart, Order } from "../../api/types";
import { Spinner } from "../../components/Spinner";
import { isCartEmpty } from "../../lib/cartStorage";
import { CHECKOUT_STEPS, clampStep, EMPTY_CONTACT, type CheckoutStep, type ContactForm } from "../../lib/checkoutValidation";
import { usePageTitle } from "../../lib/usePageTitle";
import { useCart } from "../../state/CartContext";
import { AddressStep } from "./AddressStep";
import { ReviewStep } from "./ReviewStep";
import { ShippingStep } from "./ShippingStep";

const STEP_LABELS: Record<CheckoutStep, string> = { address: "Address", shipping: "Shipping", review: "Review & pay" };

function contactFromCart(cart: Cart): ContactForm {
  const address = cart.shipping_address ?? {};
  return {
    email: cart.email ?? "",
    firstName: address.first_name ?? "",
    lastName: address.last_name ?? "",
    address1: address.address_1 ?? "",
    city: address.city ?? "",
    postalCode: address.postal_code ?? "",
    countryCode: address.country_code ?? "",
    phone: address.phone ?? "",
  };
}

function StepIndicator({ current }: { current: CheckoutStep }) {
  const currentIndex = CHECKOUT_STEPS.indexOf(current);
  return (
    <ol className="flex gap-2 text-sm" aria-label="Checkout progress">
      {CHECKOUT_STEPS.map((step, index) => (
        <li key={step} aria-current={step === current ? "step" : undefined} className={`flex-1 border-t-4 pt-2 ${index <= currentIndex ? "border-primary font-semibold" : "border-surface-200 text-surface-600"}`}>
          {index + 1}. {STEP_LABELS[step]}
        </li>
      ))}
    </ol>
  );
}

/** Moving between steps (buttons, back/forward) puts focus on the new step's heading, so it is announced. */
function useFocusStepHeading(step: CheckoutStep) {
  const previous = useRef(step);
  useEffect(() => {
    if (previous.current === step) return;
    previous.current = step;
    document.getElementById(`step-${step}-title`)?.focus();
  }, [step]);
}

function EmptyCheckout() {
  return (
    <section className="py-16 text-center" data-testid="checkout-empty">
      <h1 className="text-2xl font-bold">Your cart is empty</h1>
      <p className="mt-3 text-surface-600">Add something to your cart before checking out.</p>
      <Link to="/products" className="btn-primary mt-6">
        Browse products
      </Link>
    </section>
  );
}

function CheckoutSteps({ cart }: { cart: Cart }) {
  const { forgetCart } = useCart();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [contact, setContact] = useState<ContactForm>(() => (cart.email ? contactFromCart(cart) : { ...EMPTY_CONTACT, countryCode: cart.shipping_address?.country_code ?? "" }));
  const [shippingOption, setShippingOption] = useState<string | null>(cart.shipping_methods?.[0]?.shipping_option_id ?? null);
  const progress = { hasContact: Boolean(cart.email && cart.shipping_address?.address_1), hasShipping: (cart.shipping_methods?.length ?? 0) > 0 };
  const step = clampStep(params.get("step"), progress);
  const goTo = (next: CheckoutStep) => navigate(`/checkout?step=${next}`);
  useFocusStepHeading(step);
  const placed = (order: Order) => {
    navigate(`/order/confirmed/${order.id}`, { replace: true });
    forgetCart();
  };

  return (
    <div className="mx-auto max-w-2xl">
      <h1 className="text-3xl font-bold">Checkout</h1>
      <div className="mt-6">
        <StepIndicator current={step} />
      </div>
      <div className="mt-8">
        {step === "address" && <AddressStep cart={cart} form={contact} setForm={setContact} onDone={() => goTo("shipping")} />}
        {step === "shipping" && <ShippingStep cart={cart} selected={shippingOption} setSelected={setShippingOption} onBack={() => goTo("address")} onDone={() => goTo("review")} />}
        {step === "review" && <ReviewStep cart={cart} onBack={() => goTo("shipping")} onPlaced={placed} />}
      </div>
    </div>
  );
}

export default function CheckoutPage() {
  usePageTitle("Checkout");
  const { cart, isLoading } = useCart();
  if (isLoading) return <Spinner label="Loading your cart" />;
  if (!cart || isCartEmpty(cart)) return <EmptyCheckout />;
  return <CheckoutSteps cart={cart} />;
}
