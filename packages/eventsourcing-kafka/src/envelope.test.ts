import { describe, expect, it } from 'vitest';
import { commandEnvelope } from './envelope.ts';

describe('commandEnvelope', () => {
  it('gives a direct request its one set of defaults: correlated with its aggregate, no cause, key or actor', () => {
    expect(commandEnvelope({ commandId: 'c-1', aggregateId: 'order-1', issuedAt: 1_700_000_000_000 })).toEqual({
      commandId: 'c-1',
      aggregateId: 'order-1',
      idempotencyKey: null,
      issuedAt: 1_700_000_000_000,
      correlationId: 'order-1',
      causationId: null,
      actorId: null,
    });
  });

  it('keeps what the sender chose: the flow, the cause, the client key and the acting user', () => {
    const envelope = commandEnvelope({
      commandId: 'c-2',
      aggregateId: 'pay-1',
      issuedAt: 5,
      correlationId: 'order-1',
      causationId: 'evt-9',
      idempotencyKey: 'key-0001',
      actorId: 'user_admin',
    });
    expect(envelope).toMatchObject({
      correlationId: 'order-1',
      causationId: 'evt-9',
      idempotencyKey: 'key-0001',
      actorId: 'user_admin',
    });
  });
});
