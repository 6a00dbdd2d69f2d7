/**
 * The PayPal sandbox's webhook transmission signatures. PayPal signs `<transmission id>|<transmission time>|<webhook
 * id>|<CRC32 of the body>` (SHA256withRSA, certificate at PAYPAL-CERT-URL) and its verify-webhook-signature API
 * checks a signature against exactly that string. The sandbox signs the same string with an HMAC-SHA256 key only it
 * holds, so "SUCCESS" means what it means at PayPal: this sandbox sent this body for this webhook id, unaltered.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

export interface Transmission {
  transmissionId: string;
  /** ISO 8601, as in PAYPAL-TRANSMISSION-TIME. */
  transmissionTime: string;
  webhookId: string;
  /** The exact body that was (or is to be) POSTed. */
  body: string;
}

/** The algorithm name PayPal sends in PAYPAL-AUTH-ALGO; clients pass it back unchanged to the verify API. */
export const AUTH_ALGO = 'SHA256withRSA';

export function transmissionSigner(key: Buffer = randomBytes(32)) {
  const sign = (t: Transmission): string =>
    createHmac('sha256', key)
      .update(`${t.transmissionId}|${t.transmissionTime}|${t.webhookId}|${crc32(t.body)}`)
      .digest('base64');
  return {
    sign,
    verify(t: Transmission, signature: string): boolean {
      const expected = Buffer.from(sign(t), 'base64');
      const given = Buffer.from(signature, 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type TransmissionSigner = ReturnType<typeof transmissionSigner>;
