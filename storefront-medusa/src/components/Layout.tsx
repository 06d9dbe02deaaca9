import { useEffect, useRef, type RefObject } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router-dom";
import { PromoBar } from "../features/promo/PromoBar";
import { cartItemCount } from "../lib/cartStorage";
import { useCart } from "../state/CartContext";
import { useStore } from "../state/StoreContext";
import { CartDrawer } from "./CartDrawer";

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded px-2 py-1 text-sm font-medium hover:text-primary-ink ${isActive ? "text-primary-ink underline underline-offset-4" : "text-surface-700"}`;

/** True on the render where `count` went up: the cart badge bumps then (an added item), not on load. */
function useRose(count: number): boolean {
  const previous = useRef(count);
  const rose = count > previous.current;
  useEffect(() => {
    previous.current = count;
  }, [count]);
  return rose;
}

function CartButton() {
  const { cart, openDrawer } = useCart();
  const count = cartItemCount(cart);
  const rose = useRose(count);
  return (
    <button
      type="button"
      id="cart-button"
      onClick={openDrawer}
      className="ml-2 inline-flex items-center gap-2 whitespace-nowrap rounded-full bg-primary px-4 py-2 text-sm font-semibold text-primary-fg transition hover:brightness-110"
      aria-haspopup="dialog"
      data-testid="cart-button"
    >
      Cart
      <span key={count} className={`inline-block min-w-5 rounded-full bg-primary-fg px-1.5 text-center text-xs leading-5 text-primary ${rose ? "motion-safe:animate-bump" : ""}`} data-testid="cart-count">
        {count}
      </span>
      {/* The name reads "Cart 2 items" and contains the visible text (WCAG 2.5.3, label in name). */}
      <span className="sr-only">{count === 1 ? "item" : "items"}</span>
    </button>
  );
}

function Header() {
  const { config } = useStore();
  return (
    <header className="sticky top-0 z-30 border-b border-surface-200 bg-white/95 backdrop-blur">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3">
        <Link to="/" id="home-link" className="flex min-w-0 items-center gap-2 rounded font-display text-lg font-bold text-surface-900" aria-label={`${config.storeName} home`} data-testid="home-link">
          {config.logoUrl && <img src={config.logoUrl} alt="" className="h-8 w-auto" data-testid="store-logo" />}
          <span className="truncate">{config.storeName}</span>
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1 sm:gap-3">
          <NavLink to="/products" className={navClass}>
            Shop
          </NavLink>
          <NavLink to="/collections" className={navClass}>
            Collections
          </NavLink>
          <CartButton />
        </nav>
      </div>
    </header>
  );
}

function Footer() {
  const { config } = useStore();
  return (
    <footer className="mt-16 border-t border-surface-200 bg-surface-50">
      <div className="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-8 text-sm text-surface-600 sm:flex-row sm:items-center sm:justify-between">
        <p>
          © {new Date().getFullYear()} {config.storeName}. Powered by Medusa.
        </p>
        <nav aria-label="Footer" className="flex gap-4">
          <Link to="/products" className="underline underline-offset-4 hover:text-surface-900">
            All products
          </Link>
          <Link to="/collections" className="underline underline-offset-4 hover:text-surface-900">
            Collections
          </Link>
        </nav>
      </div>
    </footer>
  );
}

/** A new page starts at the top, with focus on its content, so keyboard and screen reader users land there. */
function useFocusOnNavigation(main: RefObject<HTMLElement>) {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [pathname, main]);
}

export function Layout() {
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigation(main);
  return (
    <>
      <div id="page" className="flex min-h-screen flex-col">
        <a href="#main" className="sr-only rounded focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2">
          Skip to content
        </a>
        <PromoBar />
        <Header />
        <main id="main" ref={main} tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">
          <Outlet />
        </main>
        <Footer />
      </div>
      <CartDrawer />
    </>
  );
}
