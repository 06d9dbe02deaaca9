import { Link } from "react-router-dom";
import { usePageTitle } from "../lib/usePageTitle";

export function NotFoundPage() {
  usePageTitle("Page not found");
  return (
    <section className="py-20 text-center" data-testid="not-found">
      <p className="text-sm font-semibold uppercase tracking-wide text-accent-ink">404</p>
      <h1 className="mt-2 text-3xl font-bold">Page not found</h1>
      <p className="mt-4 text-surface-600">The page you are looking for does not exist or has moved.</p>
      <Link to="/products" className="btn-primary mt-8">
        Continue shopping
      </Link>
    </section>
  );
}
