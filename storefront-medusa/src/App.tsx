import { lazy, Suspense } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter, Route, Routes } from "react-router-dom";
import { StoreApiError } from "./api/client";
import { Layout } from "./components/Layout";
import { Spinner } from "./components/Spinner";
import type { RuntimeConfig } from "./lib/runtimeConfig";
import { CartProvider } from "./state/CartContext";
import { StoreProvider } from "./state/StoreContext";
import { HomePage } from "./pages/HomePage";
import { NotFoundPage } from "./pages/NotFoundPage";

// Pages past the first view load on demand: the home page stays small.
const ProductsPage = lazy(() => import("./pages/ProductsPage"));
const ProductPage = lazy(() => import("./pages/ProductPage"));
const CollectionsPage = lazy(() => import("./pages/CollectionsPage"));
const CheckoutPage = lazy(() => import("./pages/checkout/CheckoutPage"));
const OrderConfirmedPage = lazy(() => import("./pages/OrderConfirmedPage"));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      // Client errors (bad key, not found, invalid) do not get better by retrying.
      retry: (failures, error) => failures < 2 && !(error instanceof StoreApiError && error.status >= 400 && error.status < 500),
    },
  },
});

export function App({ config }: { config: RuntimeConfig }) {
  return (
    <QueryClientProvider client={queryClient}>
      <StoreProvider config={config}>
        <CartProvider>
          <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
            <Suspense fallback={<Spinner label="Loading" fullPage />}>
              <Routes>
                <Route element={<Layout />}>
                  <Route index element={<HomePage />} />
                  <Route path="products" element={<ProductsPage />} />
                  <Route path="products/:handle" element={<ProductPage />} />
                  <Route path="collections" element={<CollectionsPage />} />
                  <Route path="checkout" element={<CheckoutPage />} />
                  <Route path="order/confirmed/:orderId" element={<OrderConfirmedPage />} />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </CartProvider>
      </StoreProvider>
    </QueryClientProvider>
  );
}
