import { ServiceSetupError } from '@streamshop/command-service';
import { describe, expect, it } from 'vitest';
import { sellerParty } from './seller-party.ts';

describe('sellerParty', () => {
  it('reads street, postal code and city, country from the configured lines', () => {
    expect(
      sellerParty({ name: 'streamshop', addressLines: ['1 Stream Street', '75002 Paris', 'FR'], vatId: 'FR1' }),
    ).toEqual({
      name: 'streamshop',
      email: null,
      address: {
        name: 'streamshop',
        line1: '1 Stream Street',
        line2: null,
        postalCode: '75002',
        city: 'Paris',
        region: null,
        country: 'FR',
      },
      vatId: 'FR1',
    });
  });

  it('keeps extra lines as the second address line, and no VAT id as null', () => {
    const party = sellerParty({
      name: 'Shop Ltd',
      addressLines: ['Unit 4', 'Dock Road', '69002 Lyon', 'FR'],
      vatId: undefined,
    });
    expect(party.address).toMatchObject({ line1: 'Unit 4', line2: 'Dock Road', postalCode: '69002', city: 'Lyon' });
    expect(party.vatId).toBeNull();
  });

  it('refuses an address it cannot print, saying what to set', () => {
    for (const addressLines of [
      ['Paris'],
      ['1 Stream Street', 'Paris', 'FR'],
      ['1 Stream Street', '75002 Paris', 'France'],
    ]) {
      expect(() => sellerParty({ name: 'x', addressLines, vatId: undefined })).toThrow(ServiceSetupError);
    }
    expect(() => sellerParty({ name: 'x', addressLines: ['Paris'], vatId: undefined })).toThrow(
      /INVOICE_SELLER_ADDRESS/,
    );
  });
});
