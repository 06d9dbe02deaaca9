import { useState } from "react";
import type { ProductImage } from "../api/types";

export function Gallery({ images, title }: { images: ProductImage[]; title: string }) {
  const [selected, setSelected] = useState(0);
  const current = images[selected] ?? images[0];
  if (!current) return <div className="aspect-square rounded-xl bg-surface-100" aria-hidden="true" />;
  return (
    <div>
      <div className="aspect-square overflow-hidden rounded-xl bg-surface-100">
        <img src={current.url} alt={`${title}, image ${selected + 1} of ${images.length}`} className="h-full w-full object-cover" data-testid="gallery-main" />
      </div>
      {images.length > 1 && (
        <ul className="mt-4 flex gap-3" aria-label="Product images">
          {images.map((image, index) => (
            <li key={image.id}>
              <button
                type="button"
                onClick={() => setSelected(index)}
                aria-label={`Show image ${index + 1}`}
                aria-pressed={index === selected}
                className={`h-20 w-20 overflow-hidden rounded-md border-2 ${index === selected ? "border-primary" : "border-transparent"}`}
                data-testid="gallery-thumb"
              >
                <img src={image.url} alt="" className="h-full w-full object-cover" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
