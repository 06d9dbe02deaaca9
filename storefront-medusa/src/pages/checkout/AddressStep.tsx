import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { updateCartContact } from "../../api/store";
import type { Cart } from "../../api/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { hasErrors, validateContact, type ContactForm, type FieldErrors } from "../../lib/checkoutValidation";
import { useCart } from "../../state/CartContext";
import { useStore } from "../../state/StoreContext";

const FIELDS: { name: keyof ContactForm; label: string; type?: string; autoComplete: string; optional?: boolean }[] = [
  { name: "email", label: "Email", type: "email", autoComplete: "email" },
  { name: "firstName", label: "First name", autoComplete: "given-name" },
  { name: "lastName", label: "Last name", autoComplete: "family-name" },
  { name: "address1", label: "Address", autoComplete: "address-line1" },
  { name: "city", label: "City", autoComplete: "address-level2" },
  { name: "postalCode", label: "Postal code", autoComplete: "postal-code" },
  { name: "phone", label: "Phone (optional)", type: "tel", autoComplete: "tel", optional: true },
];

const FIELD_ORDER: (keyof ContactForm)[] = [...FIELDS.map((field) => field.name).filter((name) => name !== "phone"), "countryCode", "phone"];

export function AddressStep({ cart, form, setForm, onDone }: { cart: Cart; form: ContactForm; setForm(form: ContactForm): void; onDone(): void }) {
  const { client, region } = useStore();
  const { replaceCart } = useCart();
  const [errors, setErrors] = useState<FieldErrors<ContactForm>>({});
  const countries = region.countries ?? [];
  const save = useMutation({
    mutationFn: () =>
      updateCartContact(client, cart.id, {
        email: form.email.trim(),
        shipping_address: {
          first_name: form.firstName.trim(),
          last_name: form.lastName.trim(),
          address_1: form.address1.trim(),
          city: form.city.trim(),
          postal_code: form.postalCode.trim(),
          country_code: form.countryCode,
          ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
        },
      }),
    onSuccess: (updated) => {
      replaceCart(updated);
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateContact(form, countries.map((country) => country.iso_2));
    setErrors(found);
    if (!hasErrors(found)) return save.mutate();
    // Straight to the first field to fix (its message is tied to it with aria-describedby).
    const first = FIELD_ORDER.find((name) => found[name]);
    if (first) document.getElementById(`checkout-${first}`)?.focus();
  };
  const field = (name: keyof ContactForm) => ({
    id: `checkout-${name}`,
    name,
    value: form[name],
    "aria-invalid": Boolean(errors[name]),
    "aria-describedby": errors[name] ? `checkout-${name}-error` : undefined,
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });

  return (
    <form onSubmit={submit} noValidate aria-labelledby="step-address-title" data-testid="address-step">
      <h2 id="step-address-title" tabIndex={-1} className="text-xl font-bold">
        Contact and shipping address
      </h2>
      <div className="mt-6 grid gap-4 sm:grid-cols-2">
        {FIELDS.map(({ name, label, type, autoComplete }) => (
          <div key={name} className={name === "email" || name === "address1" ? "sm:col-span-2" : undefined}>
            <label htmlFor={`checkout-${name}`} className="text-sm font-medium">
              {label}
            </label>
            <input className="input" type={type ?? "text"} autoComplete={autoComplete} {...field(name)} />
            {errors[name] && (
              <p id={`checkout-${name}-error`} className="mt-1 text-sm text-red-700">
                {errors[name]}
              </p>
            )}
          </div>
        ))}
        <div>
          <label htmlFor="checkout-countryCode" className="text-sm font-medium">
            Country
          </label>
          <select className="input" autoComplete="country" {...field("countryCode")}>
            <option value="">Choose a country</option>
            {countries.map((country) => (
              <option key={country.iso_2} value={country.iso_2}>
                {country.display_name}
              </option>
            ))}
          </select>
          {errors.countryCode && (
            <p id="checkout-countryCode-error" className="mt-1 text-sm text-red-700">
              {errors.countryCode}
            </p>
          )}
        </div>
      </div>
      <div className="mt-6">
        <ErrorMessage error={save.error} />
      </div>
      <button type="submit" className="btn-primary mt-6" disabled={save.isPending} data-testid="address-continue">
        {save.isPending ? "Saving…" : "Continue to shipping"}
      </button>
    </form>
  );
}
