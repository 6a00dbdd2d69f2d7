/**
 * One product in the back office: create it (/admin/products/new), or edit its details, change its price, archive or
 * restore it (/admin/products/:productId). Each is its own command with its own Idempotency-Key; the form is checked
 * before sending and shows the gateway's refusal (detail and per-field errors) when there is one.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../api/client.ts';
import { useApi, useConfig } from '../api/hooks.ts';
import type { CategoryCount, Product } from '../api/types.ts';
import { Field, fieldA11y } from '../components/Field.tsx';
import { Price } from '../components/Price.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { EmptyState, ErrorState, LoadingState } from '../components/states.tsx';
import { toMajorInput } from '../money/money.ts';
import {
  emptyProductForm,
  type FieldErrors,
  fieldErrorsFromProblem,
  type ProductForm,
  validateNewProduct,
  validatePrice,
  validateProductDetails,
} from './admin-forms.ts';
import { Accepted, FormProblem } from './FormProblem.tsx';
import { adminKey, useAdminCommand } from './use-admin-command.ts';

const PRODUCT_FIELDS = ['sku', 'name', 'description', 'category', 'price', 'imageUrl'] as const;
const productPath = (sku: string) => `/api/admin/products/${encodeURIComponent(sku)}`;
const productKey = (id: string) => ['product', id] as const;

function ProductFields({
  form,
  set,
  errors,
  create,
}: {
  form: ProductForm;
  set: (k: keyof ProductForm, v: string) => void;
  errors: FieldErrors<ProductForm>;
  create: boolean;
}) {
  const api = useApi();
  const { currency } = useConfig();
  const id = useId();
  const categories = useQuery({ queryKey: ['categories'], queryFn: () => api<CategoryCount[]>('/api/categories') });
  const f = (k: keyof ProductForm) => `${id}-${k}`;
  const input = (k: keyof ProductForm, hint?: string) => ({
    ...fieldA11y(f(k), errors[k], hint),
    className: 'field-input',
    value: form[k],
    onChange: (e: { target: { value: string } }) => set(k, e.target.value),
    'data-testid': `product-form-${k}`,
  });
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {create && (
        <Field id={f('sku')} label="SKU" error={errors.sku} hint="e.g. COF-KENY-500; it cannot change later">
          <input {...input('sku', 'e.g. COF-KENY-500; it cannot change later')} autoCapitalize="characters" required />
        </Field>
      )}
      <Field id={f('name')} label="Name" error={errors.name}>
        <input {...input('name')} required />
      </Field>
      <Field id={f('category')} label="Category" error={errors.category} hint="lower-case, e.g. coffee">
        <input {...input('category', 'lower-case, e.g. coffee')} list={`${id}-categories`} required />
      </Field>
      <datalist id={`${id}-categories`}>
        {categories.data?.map((c) => (
          <option key={c.category} value={c.category} />
        ))}
      </datalist>
      {create && (
        <Field id={f('price')} label={`Price (${currency})`} error={errors.price}>
          <input {...input('price')} inputMode="decimal" placeholder="12.50" required />
        </Field>
      )}
      <Field id={f('imageUrl')} label="Image URL" error={errors.imageUrl} optional className="sm:col-span-2">
        <input {...input('imageUrl')} type="url" placeholder="https://…" />
      </Field>
      <Field id={f('description')} label="Description" error={errors.description} optional className="sm:col-span-2">
        <textarea {...input('description')} rows={4} />
      </Field>
    </div>
  );
}

function useProductForm(initial: ProductForm) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors<ProductForm>>({});
  const set = (k: keyof ProductForm, v: string) => {
    setForm((x) => ({ ...x, [k]: v }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };
  return { form, errors, setErrors, set };
}

function NewProduct() {
  const { currency } = useConfig();
  const navigate = useNavigate();
  const { form, errors, setErrors, set } = useProductForm(emptyProductForm);
  const create = useAdminCommand((body: unknown) => ({ method: 'POST', path: '/api/admin/products', body }), {
    invalidate: [adminKey('products'), ['products'], ['categories']],
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateNewProduct(form, currency);
    if (!v.ok) return setErrors(v.errors);
    create.mutate(v.body, {
      onSuccess: () =>
        navigate(`/admin/products?q=${encodeURIComponent(v.body.sku)}`, { state: { created: v.body.sku } }),
      onError: (err) => setErrors(fieldErrorsFromProblem<ProductForm>(err, PRODUCT_FIELDS)),
    });
  };

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4 rounded-lg border border-stone-200 bg-white p-4">
      <ProductFields form={form} set={set} errors={errors} create />
      <FormProblem error={create.error} fields={PRODUCT_FIELDS} />
      <div className="flex gap-2">
        <button type="submit" className="btn-primary" disabled={create.isPending} data-testid="create-product">
          {create.isPending ? 'Creating…' : 'Create product'}
        </button>
        <Link to="/admin/products" className="btn-secondary">
          Cancel
        </Link>
      </div>
    </form>
  );
}

function EditDetails({ product }: { product: Product }) {
  const { form, errors, setErrors, set } = useProductForm({
    sku: product.sku,
    name: product.name,
    description: product.description,
    category: product.category,
    price: '',
    imageUrl: product.imageUrl ?? '',
  });
  const update = useAdminCommand((body: unknown) => ({ method: 'PATCH', path: productPath(product.sku), body }), {
    invalidate: [productKey(product.id), adminKey('products')],
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateProductDetails(form, product);
    if (!v.ok) return setErrors(v.errors);
    update.mutate(v.body, { onError: (err) => setErrors(fieldErrorsFromProblem<ProductForm>(err, PRODUCT_FIELDS)) });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Details" className="flex flex-col gap-3">
      <ProductFields form={form} set={set} errors={errors} create={false} />
      <FormProblem error={update.error} fields={PRODUCT_FIELDS} />
      <Accepted show={update.isSuccess}>Details saved.</Accepted>
      <button type="submit" className="btn-primary self-start" disabled={update.isPending} data-testid="save-details">
        {update.isPending ? 'Saving…' : 'Save details'}
      </button>
    </form>
  );
}

function ChangePrice({ product }: { product: Product }) {
  const id = useId();
  const [price, setPrice] = useState(toMajorInput(product.price.amount, product.price.currency));
  const [error, setError] = useState<string>();
  const change = useAdminCommand(
    (body: unknown) => ({ method: 'PUT', path: `${productPath(product.sku)}/price`, body }),
    { invalidate: [productKey(product.id), adminKey('products'), ['products']] },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validatePrice(price, product.price);
    if (!v.ok) return setError(v.errors.price);
    setError(undefined);
    change.mutate(v.body);
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Price" className="flex flex-wrap items-end gap-3">
      <Field id={`${id}-price`} label={`New price (${product.price.currency})`} error={error}>
        <input
          {...fieldA11y(`${id}-price`, error)}
          className="field-input w-32"
          inputMode="decimal"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          data-testid="product-new-price"
        />
      </Field>
      <button type="submit" className="btn-primary" disabled={change.isPending} data-testid="change-price">
        Change price
      </button>
      <div className="basis-full">
        <FormProblem error={change.error} fields={['price']} />
        <Accepted show={change.isSuccess}>Price changed.</Accepted>
      </div>
    </form>
  );
}

function ArchiveToggle({ product }: { product: Product }) {
  const archived = product.status === 'archived';
  const toggle = useAdminCommand(
    (action: 'archive' | 'restore') => ({ method: 'POST', path: `${productPath(product.sku)}/${action}` }),
    { invalidate: [productKey(product.id), adminKey('products'), ['products']] },
  );
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm text-stone-700">
        {archived
          ? 'Archived: hidden from the shop and not orderable. Restore it to sell it again.'
          : 'Archiving hides the product from the shop; orders already placed are not affected.'}
      </p>
      <button
        type="button"
        className="btn-secondary self-start"
        disabled={toggle.isPending}
        onClick={() => toggle.mutate(archived ? 'restore' : 'archive')}
        data-testid={archived ? 'restore-product' : 'archive-product'}
      >
        {archived ? 'Restore product' : 'Archive product'}
      </button>
      <FormProblem error={toggle.error} />
      <Accepted show={toggle.isSuccess}>
        {toggle.variables === 'archive' ? 'Archived: the shop hides it in a moment.' : 'Restored.'}
      </Accepted>
    </div>
  );
}

function EditProduct({ productId }: { productId: string }) {
  const api = useApi();
  const product = useQuery({
    queryKey: productKey(productId),
    queryFn: ({ signal }) => api<Product>(`/api/products/${encodeURIComponent(productId)}`, { signal }),
  });
  if (product.isPending) return <LoadingState label="Loading product…" />;
  if (product.isError) {
    if (isApiError(product.error, 404)) return <EmptyState title="No such product" />;
    return (
      <ErrorState title="Could not load the product" error={product.error} onRetry={() => void product.refetch()} />
    );
  }
  const p = product.data;
  return (
    <div className="grid gap-4 lg:grid-cols-3" data-testid="admin-product" data-sku={p.sku} data-status={p.status}>
      <section aria-labelledby="details-h" className="rounded-lg border border-stone-200 bg-white p-4 lg:col-span-2">
        <h2 id="details-h" className="mb-3 text-lg font-semibold">
          Details
        </h2>
        <EditDetails key={p.updatedAt} product={p} />
      </section>
      <div className="flex flex-col gap-4">
        <section className="rounded-lg border border-stone-200 bg-white p-4" aria-label="Summary">
          <ProductImage src={p.imageUrl} name={p.name} className="mb-2 aspect-square w-full rounded" />
          <p className="font-medium">{p.name}</p>
          <p className="text-sm text-stone-700">
            SKU {p.sku} · <Price money={p.price} /> · {p.available} available ·{' '}
            <span data-testid="product-status">{p.status}</span>
          </p>
          <Link to={`/admin/stock/${encodeURIComponent(p.sku)}`} className="mt-2 inline-block text-sm underline">
            Manage stock
          </Link>
        </section>
        <section aria-labelledby="price-h" className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 id="price-h" className="mb-2 text-lg font-semibold">
            Price
          </h2>
          <ChangePrice key={p.price.amount} product={p} />
        </section>
        <section aria-labelledby="archive-h" className="rounded-lg border border-stone-200 bg-white p-4">
          <h2 id="archive-h" className="mb-2 text-lg font-semibold">
            {p.status === 'archived' ? 'Restore' : 'Archive'}
          </h2>
          <ArchiveToggle product={p} />
        </section>
      </div>
    </div>
  );
}

export function ProductEditPage() {
  const { productId } = useParams();
  const creating = !productId;
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        <Link to="/admin/products" className="underline">
          ← Products
        </Link>
      </p>
      <h1 className="text-2xl font-bold">{creating ? 'New product' : 'Edit product'}</h1>
      {creating ? <NewProduct /> : <EditProduct key={productId} productId={productId} />}
    </div>
  );
}
