// Per-step validation of the checkout: a step is only left when its data is complete.
import { isValidEmail } from "./email";

export interface ContactForm {
  email: string;
  firstName: string;
  lastName: string;
  address1: string;
  city: string;
  postalCode: string;
  countryCode: string;
  phone: string;
}

export type FieldErrors<T> = Partial<Record<keyof T, string>>;

export const EMPTY_CONTACT: ContactForm = {
  email: "",
  firstName: "",
  lastName: "",
  address1: "",
  city: "",
  postalCode: "",
  countryCode: "",
  phone: "",
};

const PHONE = /^[+0-9 ()-]{6,20}$/;

function required(value: string, label: string): string | undefined {
  return value.trim() ? undefined : `${label} is required`;
}

export function validateContact(form: ContactForm, allowedCountries: readonly string[]): FieldErrors<ContactForm> {
  const errors: FieldErrors<ContactForm> = {
    email: required(form.email, "Email") ?? (isValidEmail(form.email) ? undefined : "Enter a valid email address"),
    firstName: required(form.firstName, "First name"),
    lastName: required(form.lastName, "Last name"),
    address1: required(form.address1, "Address"),
    city: required(form.city, "City"),
    postalCode: required(form.postalCode, "Postal code"),
    countryCode:
      required(form.countryCode, "Country") ??
      (allowedCountries.length === 0 || allowedCountries.includes(form.countryCode) ? undefined : "We do not ship to this country"),
    phone: form.phone.trim() && !PHONE.test(form.phone.trim()) ? "Enter a valid phone number" : undefined,
  };
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message)) as FieldErrors<ContactForm>;
}

export function validateShipping(optionId: string | null, optionIds: readonly string[]): string | null {
  if (!optionId) return "Choose a shipping method";
  return optionIds.includes(optionId) ? null : "That shipping method is no longer available";
}

export function validatePayment(providerId: string | null, providerIds: readonly string[]): string | null {
  if (!providerId) return "Choose a payment method";
  return providerIds.includes(providerId) ? null : "That payment method is not available in this region";
}

export function hasErrors(errors: object): boolean {
  return Object.keys(errors).length > 0;
}

export type CheckoutStep = "address" | "shipping" | "review";
export const CHECKOUT_STEPS: readonly CheckoutStep[] = ["address", "shipping", "review"];

export interface CheckoutProgress {
  hasContact: boolean;
  hasShipping: boolean;
}

/** The furthest step the shopper may open, so a deep link cannot skip a step. */
export function furthestAllowedStep(progress: CheckoutProgress): CheckoutStep {
  if (!progress.hasContact) return "address";
  if (!progress.hasShipping) return "shipping";
  return "review";
}

export function clampStep(wanted: string | null, progress: CheckoutProgress): CheckoutStep {
  const allowed = CHECKOUT_STEPS.indexOf(furthestAllowedStep(progress));
  const index = CHECKOUT_STEPS.indexOf(wanted as CheckoutStep);
  return CHECKOUT_STEPS[index < 0 ? 0 : Math.min(index, allowed)] ?? "address";
}
