/**
 * The seller as printed on every document, from config.invoicing.seller. The configuration holds the address as
 * lines (INVOICE_SELLER_ADDRESS: "street, postal code and city, country code"); documents carry the structured
 * Address record, so the lines are read once here, at start, and a shape we cannot read stops the service with
 * what to set instead of printing a half-empty address on invoices.
 */
import { ServiceSetupError } from '@streamshop/command-service';
import type { Config } from '@streamshop/config';
import type { InvoiceParty } from '@streamshop/schemas/types';

const COUNTRY = /^[A-Z]{2}$/;
const POSTAL_CODE_AND_CITY = /^(\S*\d\S*)\s+(.+)$/;

export function sellerParty(seller: Config['invoicing']['seller']): InvoiceParty {
  const lines = seller.addressLines;
  const country = lines.at(-1) ?? '';
  const cityLine = POSTAL_CODE_AND_CITY.exec(lines.at(-2) ?? '');
  if (lines.length < 3 || !COUNTRY.test(country) || !cityLine) {
    throw new ServiceSetupError(
      `INVOICE_SELLER_ADDRESS=${JSON.stringify(lines.join(', '))} cannot be printed on invoices: expected ` +
        '"street, [more lines,] postal code and city, country code", e.g. "1 Stream Street, 75002 Paris, FR"',
    );
  }
  const [line1, ...more] = lines.slice(0, -2) as [string, ...string[]];
  return {
    name: seller.name,
    email: null,
    address: {
      name: seller.name,
      line1,
      line2: more.length > 0 ? more.join(', ') : null,
      postalCode: cityLine[1]!,
      city: cityLine[2]!,
      region: null,
      country,
    },
    vatId: seller.vatId ?? null,
  };
}
