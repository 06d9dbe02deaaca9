import { Link, NavLink, Outlet } from "react-router-dom";
import { cartItemCount } from "../lib/cartStorage";
import { useCart } from "../state/CartContext";
import { useStore } from "../state/StoreContext";
import { CartDrawer } from "./CartDrawer";

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded px-2 py-1 text-sm font-medium hover:text-brand ${isActive ? "text-brand underline underline-offset-4" : "text-gray-700"}`;

function Header() {
  const { config } = useStore();
  const { cart, openDrawer } = useCart();
  const count = cartItemCount(cart);
  return (
    <header className="sticky top-0 z-30 border-b border-gray-200 bg-white/95 backdrop-blur">
      <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3">
        <Link to="/" className="flex min-w-0 items-center gap-2 text-lg font-bold text-brand" aria-label={`${config.storeName} home`}>
          {config.logoUrl && <img src={config.logoUrl} alt="" className="h-8 w-auto" />}
          <span className="truncate">{config.storeName}</span>
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1 sm:gap-3">
          <NavLink to="/products" className={navClass}>
            Shop
          </NavLink>
          <NavLink to="/collections" className={navClass}>
            Collections
          </NavLink>
          <button
            type="button"
            onClick={openDrawer}
            className="ml-2 whitespace-nowrap rounded-full bg-brand px-4 py-2 text-sm font-semibold text-white hover:opacity-90 focus:outline-none focus-visible:ring-2 focus-visible:ring-accent"
            aria-label={`Open cart, ${count} item${count === 1 ? "" : "s"}`}
            data-testid="cart-button"
          >
            Cart <span data-testid="cart-count">{count}</span>
          </button>
        </nav>
      </div>
    </header>
  );
}

function Footer() {
  const { config } = useStore();
  return (
    <footer className="mt-16 border-t border-gray-200 bg-gray-50">
      <div className="mx-auto max-w-6xl px-4 py-8 text-sm text-gray-600">
        © {new Date().getFullYear()} {config.storeName}. Powered by Medusa.
      </div>
    </footer>
  );
}

export function Layout() {
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2">
        Skip to content
      </a>
      <Header />
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">
        <Outlet />
      </main>
      <Footer />
      <CartDrawer />
    </div>
  );
}
