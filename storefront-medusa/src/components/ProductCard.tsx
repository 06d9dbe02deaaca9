import { Link } from "react-router-dom";
import type { Product } from "../api/types";
import { cheapestPrice } from "../lib/products";
import { Price } from "./Price";

export function ProductCard({ product }: { product: Product }) {
  const price = cheapestPrice(product);
  return (
    <li className="group" data-testid="product-card">
      <Link to={`/products/${product.handle}`} className="block rounded-lg">
        <div className="aspect-square overflow-hidden rounded-lg bg-surface-100">
          {product.thumbnail && (
            // The title is the link's name: the picture is decorative here.
            <img src={product.thumbnail} alt="" loading="lazy" className="h-full w-full object-cover motion-safe:transition motion-safe:group-hover:scale-105" />
          )}
        </div>
        <h3 className="mt-3 font-sans font-medium text-surface-900">{product.title}</h3>
        <p className="text-surface-700">
          {price === null ? "Unavailable" : <>{(product.variants?.length ?? 0) > 1 && "From "}<Price amount={price} /></>}
        </p>
      </Link>
    </li>
  );
}

export function ProductGrid({ products }: { products: Product[] }) {
  return (
    <ul className="grid grid-cols-2 gap-x-4 gap-y-8 sm:grid-cols-3 lg:grid-cols-4" data-testid="product-grid">
      {products.map((product) => (
        <ProductCard key={product.id} product={product} />
      ))}
    </ul>
  );
}
