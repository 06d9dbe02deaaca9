import { useRef, useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { isValidEmail } from "../../lib/email";
import { useStore } from "../../state/StoreContext";
import { subscribe } from "./api/subscribe";

/**
 * The newsletter call-to-action. Shown only when the owner configured `newsletterUrl`: without a list
 * to add the address to, a form would pretend to subscribe, so there is no CTA at all.
 */
export function NewsletterSignup() {
  const { config } = useStore();
  const [email, setEmail] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const thanks = useRef<HTMLParagraphElement>(null);
  const url = config.newsletterUrl;
  const signUp = useMutation({
    mutationFn: (address: string) => subscribe(url ?? "", address),
    // The form goes away: focus the confirmation, so it is read and keyboard users keep their place.
    onSuccess: () => requestAnimationFrame(() => thanks.current?.focus()),
  });
  if (!url) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (signUp.isPending) return;
    const error = !email.trim() ? "Enter your email address" : isValidEmail(email) ? null : "Enter a valid email address, like name@example.com";
    setProblem(error);
    if (!error) signUp.mutate(email.trim());
  };
  const message = problem ?? (signUp.error ? signUp.error.message : null);

  return (
    <section className="mt-14 rounded-2xl border border-surface-200 bg-surface-50 p-8 sm:p-10" aria-labelledby="newsletter-title" data-testid="newsletter">
      <h2 id="newsletter-title" className="text-2xl font-bold">
        Stay in the loop
      </h2>
      <p className="mt-2 max-w-xl text-surface-700">New arrivals and offers from {config.storeName}, at most once a month. Unsubscribe at any time.</p>
      {signUp.isSuccess ? (
        <p ref={thanks} tabIndex={-1} role="status" className="mt-6 font-medium text-green-800" data-testid="newsletter-done">
          Thanks! {email.trim()} is on the list. Check your inbox to confirm.
        </p>
      ) : (
        <form onSubmit={submit} noValidate className="mt-6 max-w-lg">
          <label htmlFor="newsletter-email" className="text-sm font-medium">
            Email address
          </label>
          <div className="mt-1 flex flex-col gap-3 sm:flex-row">
            <input
              id="newsletter-email"
              type="email"
              autoComplete="email"
              className="input mt-0 flex-1"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={Boolean(message)}
              aria-describedby={message ? "newsletter-error" : undefined}
              required
            />
            <button type="submit" className="btn-primary py-2" aria-disabled={signUp.isPending} data-testid="newsletter-submit">
              {signUp.isPending ? "Signing up…" : "Subscribe"}
            </button>
          </div>
          {message && (
            <p id="newsletter-error" role="alert" className="mt-2 text-sm text-red-700">
              {message}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
