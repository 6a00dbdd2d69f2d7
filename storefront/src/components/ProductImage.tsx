/** A product's picture, or a neutral placeholder with its initial when the catalog has none (or it fails to load). */
import { useState } from 'react';

export function ProductImage({ src, name, className }: { src: string | null; name: string; className?: string }) {
  const [failed, setFailed] = useState(false);
  if (!src || failed) {
    return (
      <div
        role="img"
        aria-label={name}
        className={`flex items-center justify-center bg-stone-200 text-3xl font-semibold text-stone-500 ${className ?? ''}`}
      >
        {name.charAt(0).toUpperCase()}
      </div>
    );
  }
  return (
    <img
      src={src}
      alt={name}
      loading="lazy"
      onError={() => setFailed(true)}
      className={`bg-stone-100 object-cover ${className ?? ''}`}
    />
  );
}
