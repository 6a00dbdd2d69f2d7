import { fold, isRejection } from '@streamshop/decider';
import { given } from '@streamshop/decider/testing';
import type {
  CommandEnvelope,
  InventoryCommand,
  InventoryCommandName,
  RecordTypes,
  StockLevels,
} from '@streamshop/schemas/types';
import { describe, expect, it } from 'vitest';
import {
  EXPIRED_RETENTION_MS,
  type StockItemEventDraft,
  type StockItemState,
  stockItemDecider,
  stockItemStateCodec,
} from './stock-item.decider.ts';

const SKU = 'SKU-1';
const T0 = 1_700_000_000_000;
const TTL = 15 * 60_000;

function command<N extends InventoryCommandName>(
  type: N,
  payload: Omit<RecordTypes[N], keyof CommandEnvelope>,
  issuedAt = T0,
): InventoryCommand {
  const envelope: CommandEnvelope = {
    commandId: '00000000-0000-4000-8000-000000000001',
    aggregateId: SKU,
    idempotencyKey: null,
    issuedAt,
    correlationId: 'corr-1',
    causationId: null,
  };
  return { type, value: { ...envelope, ...payload } } as unknown as InventoryCommand;
}

const stock = (events: StockItemEventDraft[] = []) => given(stockItemDecider, events);
const levels = (onHand: number, reserved: number) => ({ onHand, reserved, available: onHand - reserved });

const received = (quantity: number, onHand = quantity, reserved = 0): StockItemEventDraft => ({
  type: 'streamshop.inventory.StockReceived',
  value: { quantity, reference: null, levels: levels(onHand, reserved) },
});
const reserved = (orderId: string, line: number, quantity: number, onHand: number, total: number) =>
  ({
    type: 'streamshop.inventory.StockReserved',
    value: { orderId, line, quantity, expiresAt: T0 + TTL, requestedAt: T0, levels: levels(onHand, total) },
  }) satisfies StockItemEventDraft;

/** StockReservationRejected's value for a ReserveStock issued at T0 (expiring at T0 + TTL). */
const rejection = (orderId: string, line: number, quantity: number, reason: string, after: StockLevels) => ({
  orderId,
  line,
  quantity,
  expiresAt: T0 + TTL,
  requestedAt: T0 as number | null,
  reason,
  levels: after,
});

const reserve = (orderId: string, line: number, quantity: number) =>
  command('streamshop.inventory.ReserveStock', { orderId, line, quantity, expiresAt: T0 + TTL });
const release = (orderId: string, line: number) =>
  command('streamshop.inventory.ReleaseReservation', { orderId, line, reason: 'order_cancelled' });
const commit = (orderId: string, line: number) => command('streamshop.inventory.CommitReservation', { orderId, line });
const expire = (orderId: string, line: number, at: number) =>
  command('streamshop.inventory.ExpireReservation', { orderId, line }, at);
const confirm = (orderId: string, line: number) =>
  command('streamshop.inventory.ConfirmReservation', { orderId, line });
const confirmedEvent = (orderId: string, line: number, quantity: number, onHand: number, total: number) =>
  ({
    type: 'streamshop.inventory.ReservationConfirmed',
    value: { orderId, line, quantity, levels: levels(onHand, total) },
  }) satisfies StockItemEventDraft;
const committedEvent = (orderId: string, line: number, quantity: number, onHand: number, total: number) =>
  ({
    type: 'streamshop.inventory.ReservationCommitted',
    value: { orderId, line, quantity, levels: levels(onHand, total) },
  }) satisfies StockItemEventDraft;
const releasedEvent = (orderId: string, line: number, quantity: number, onHand: number, total: number) =>
  ({
    type: 'streamshop.inventory.ReservationReleased',
    value: { orderId, line, quantity, reason: 'order_cancelled', levels: levels(onHand, total) },
  }) satisfies StockItemEventDraft;
const expiredEvent = (orderId: string, line: number, quantity: number, onHand: number, total: number) =>
  ({
    type: 'streamshop.inventory.ReservationExpired',
    value: { orderId, line, quantity, levels: levels(onHand, total) },
  }) satisfies StockItemEventDraft;

describe('ReceiveStock', () => {
  it('adds units on hand', () => {
    stock([received(10)])
      .when(command('streamshop.inventory.ReceiveStock', { quantity: 5, reference: 'PO-7' }))
      .then([
        {
          type: 'streamshop.inventory.StockReceived',
          value: { quantity: 5, reference: 'PO-7', levels: levels(15, 0) },
        },
      ]);
  });

  it('rejects a quantity below 1', () => {
    stock()
      .when(command('streamshop.inventory.ReceiveStock', { quantity: 0, reference: null }))
      .thenRejects('invalid_quantity');
  });
});

describe('SetLowStockThreshold', () => {
  const setThreshold = (threshold: number) => command('streamshop.inventory.SetLowStockThreshold', { threshold });
  const thresholdSet = (threshold: number, previousThreshold: number, after = levels(10, 0)): StockItemEventDraft => ({
    type: 'streamshop.inventory.LowStockThresholdSet',
    value: { threshold, previousThreshold, levels: after },
  });

  it('sets the threshold, recording the previous one and the levels it applies to', () => {
    stock([received(10)])
      .when(setThreshold(5))
      .then([thresholdSet(5, 0)]);
    stock([received(10), thresholdSet(5, 0)])
      .when(setThreshold(2))
      .then([thresholdSet(2, 5)]);
  });

  it('may be set before the first delivery', () => {
    stock()
      .when(setThreshold(3))
      .then([thresholdSet(3, 0, levels(0, 0))]);
  });

  it('is a no-op when the threshold is the same', () => {
    stock([received(10), thresholdSet(5, 0)])
      .when(setThreshold(5))
      .then([]);
  });

  it('rejects a negative or fractional threshold', () => {
    stock([received(10)])
      .when(setThreshold(-1))
      .thenRejects('invalid_threshold');
    stock([received(10)])
      .when(setThreshold(2.5))
      .thenRejects('invalid_threshold');
  });

  it('keeps the threshold across snapshots, and reads one taken before thresholds existed as 0', () => {
    const state = fold(stockItemDecider, [received(10), thresholdSet(5, 0)]);
    expect(stockItemStateCodec.fromJSON(JSON.parse(JSON.stringify(state))).lowStockThreshold).toBe(5);
    const old = { known: true, onHand: 10, reserved: 0, watermark: 0, reservations: {} };
    expect(stockItemStateCodec.fromJSON(old).lowStockThreshold).toBe(0);
  });
});

describe('AdjustStock', () => {
  const adjust = (quantityDelta: number) =>
    command('streamshop.inventory.AdjustStock', { quantityDelta, reason: 'inventory_count' });

  it('corrects the units on hand, down to exactly what is reserved', () => {
    stock([received(10), reserved('o-1', 0, 4, 10, 4)])
      .when(adjust(-6))
      .then([
        {
          type: 'streamshop.inventory.StockAdjusted',
          value: { quantityDelta: -6, reason: 'inventory_count', levels: levels(4, 4) },
        },
      ]);
  });

  it('stocks an unknown SKU with a positive adjustment', () => {
    stock()
      .when(adjust(3))
      .then([
        {
          type: 'streamshop.inventory.StockAdjusted',
          value: { quantityDelta: 3, reason: 'inventory_count', levels: levels(3, 0) },
        },
      ]);
  });

  it('rejects going below what is reserved', () => {
    stock([received(10), reserved('o-1', 0, 4, 10, 4)])
      .when(adjust(-7))
      .thenRejects('adjustment_below_reserved', /less than the 4 reserved/);
    stock().when(adjust(-1)).thenRejects('adjustment_below_reserved');
  });

  it('rejects a correction without a reason', () => {
    stock([received(10)])
      .when(command('streamshop.inventory.AdjustStock', { quantityDelta: -2, reason: '  ' }))
      .thenRejects('reason_required');
  });

  it('rejects a zero delta', () => {
    stock([received(10)])
      .when(adjust(0))
      .thenRejects('invalid_quantity');
  });
});

describe('ReserveStock', () => {
  it('holds units for an order line until expiresAt', () => {
    stock([received(10)])
      .when(reserve('o-1', 0, 3))
      .then([reserved('o-1', 0, 3, 10, 3)]);
  });

  it('reserves the last available units', () => {
    stock([received(10), reserved('o-1', 0, 7, 10, 7)])
      .when(reserve('o-2', 0, 3))
      .then([reserved('o-2', 0, 3, 10, 10)]);
  });

  it('emits StockReservationRejected (insufficient_stock) when fewer units are available than asked', () => {
    stock([received(10), reserved('o-1', 0, 8, 10, 8)])
      .when(reserve('o-2', 1, 3))
      .then([
        {
          type: 'streamshop.inventory.StockReservationRejected',
          value: rejection('o-2', 1, 3, 'insufficient_stock', levels(10, 8)),
        },
      ]);
  });

  it('emits StockReservationRejected (unknown_sku) for a SKU never stocked', () => {
    stock()
      .when(reserve('o-1', 0, 1))
      .then([
        {
          type: 'streamshop.inventory.StockReservationRejected',
          value: rejection('o-1', 0, 1, 'unknown_sku', levels(0, 0)),
        },
      ]);
  });

  it('emits StockReservationRejected (invalid_quantity) for a quantity below 1', () => {
    stock([received(10)])
      .when(reserve('o-1', 0, 0))
      .then([
        {
          type: 'streamshop.inventory.StockReservationRejected',
          value: rejection('o-1', 0, 0, 'invalid_quantity', levels(10, 0)),
        },
      ]);
  });

  it('never reserves the same order line twice, whatever became of the first reservation', () => {
    const first = reserved('o-1', 0, 3, 10, 3);
    stock([received(10), first])
      .when(reserve('o-1', 0, 3))
      .then([]);
    const released: StockItemEventDraft = {
      type: 'streamshop.inventory.ReservationReleased',
      value: { orderId: 'o-1', line: 0, quantity: 3, reason: 'order_cancelled', levels: levels(10, 0) },
    };
    stock([received(10), first, released])
      .when(reserve('o-1', 0, 3))
      .then([]);
    const rejected: StockItemEventDraft = {
      type: 'streamshop.inventory.StockReservationRejected',
      value: rejection('o-1', 0, 30, 'insufficient_stock', levels(10, 0)),
    };
    stock([received(10), rejected])
      .when(reserve('o-1', 0, 3))
      .then([]);
  });

  it('treats another line of the same order as another reservation', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3)])
      .when(reserve('o-1', 1, 2))
      .then([reserved('o-1', 1, 2, 10, 5)]);
  });
});

describe('ReleaseReservation', () => {
  it('gives held units back', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3)])
      .when(release('o-1', 0))
      .then([
        {
          type: 'streamshop.inventory.ReservationReleased',
          value: { orderId: 'o-1', line: 0, quantity: 3, reason: 'order_cancelled', levels: levels(10, 0) },
        },
      ]);
  });

  it('is a no-op for an unknown or already released reservation', () => {
    stock([received(10)])
      .when(release('o-1', 0))
      .then([]);
    stock([
      received(10),
      reserved('o-1', 0, 3, 10, 3),
      {
        type: 'streamshop.inventory.ReservationReleased',
        value: { orderId: 'o-1', line: 0, quantity: 3, reason: 'order_cancelled', levels: levels(10, 0) },
      },
    ])
      .when(release('o-1', 0))
      .then([]);
  });
});

describe('CommitReservation', () => {
  const committed: StockItemEventDraft = {
    type: 'streamshop.inventory.ReservationCommitted',
    value: { orderId: 'o-1', line: 0, quantity: 3, levels: levels(7, 0) },
  };

  it('takes the reserved units out of stock', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3)])
      .when(commit('o-1', 0))
      .then([committed]);
  });

  it('is a no-op when already committed', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3), committed])
      .when(commit('o-1', 0))
      .then([]);
  });

  it('rejects when nothing is held for the line', () => {
    stock([received(10)])
      .when(commit('o-1', 0))
      .thenRejects('reservation_not_found');
    stock([
      received(10),
      reserved('o-1', 0, 3, 10, 3),
      {
        type: 'streamshop.inventory.ReservationExpired',
        value: { orderId: 'o-1', line: 0, quantity: 3, levels: levels(10, 0) },
      },
    ])
      .when(commit('o-1', 0))
      .thenRejects('reservation_not_found', /it was expired/);
  });
});

describe('ExpireReservation', () => {
  const expired: StockItemEventDraft = {
    type: 'streamshop.inventory.ReservationExpired',
    value: { orderId: 'o-1', line: 0, quantity: 3, levels: levels(10, 0) },
  };

  it('releases the units at or after expiresAt', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3)])
      .when(expire('o-1', 0, T0 + TTL))
      .then([expired]);
    stock([received(10), reserved('o-1', 0, 3, 10, 3)])
      .when(expire('o-1', 0, T0 + TTL + 1))
      .then([expired]);
  });

  it('rejects before expiresAt', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3)])
      .when(expire('o-1', 0, T0 + TTL - 1))
      .thenRejects('reservation_not_expired');
  });

  it('is a no-op once committed, released or expired, or when unknown', () => {
    const late = expire('o-1', 0, T0 + TTL);
    stock([
      received(10),
      reserved('o-1', 0, 3, 10, 3),
      {
        type: 'streamshop.inventory.ReservationCommitted',
        value: { orderId: 'o-1', line: 0, quantity: 3, levels: levels(7, 0) },
      },
    ])
      .when(late)
      .then([]);
    stock([received(10), reserved('o-1', 0, 3, 10, 3), expired])
      .when(late)
      .then([]);
    stock([received(10)])
      .when(late)
      .then([]);
  });
});

describe('ConfirmReservation (the order was paid)', () => {
  it('keeps the held units reserved, levels unchanged', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3)])
      .when(confirm('o-1', 0))
      .then([confirmedEvent('o-1', 0, 3, 10, 3)]);
  });

  it('a confirmed reservation never expires: a paid order keeps its units past expiresAt', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3), confirmedEvent('o-1', 0, 3, 10, 3)])
      .when(expire('o-1', 0, T0 + TTL + 24 * 3_600_000))
      .then([]);
  });

  it('is committed when the order ships, and released when it is cancelled', () => {
    const paid = [received(10), reserved('o-1', 0, 3, 10, 3), confirmedEvent('o-1', 0, 3, 10, 3)];
    stock(paid)
      .when(commit('o-1', 0))
      .then([committedEvent('o-1', 0, 3, 7, 0)]);
    stock(paid)
      .when(release('o-1', 0))
      .then([releasedEvent('o-1', 0, 3, 10, 0)]);
  });

  it('is a no-op when already confirmed or committed', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3), confirmedEvent('o-1', 0, 3, 10, 3)])
      .when(confirm('o-1', 0))
      .then([]);
    stock([received(10), reserved('o-1', 0, 3, 10, 3), committedEvent('o-1', 0, 3, 7, 0)])
      .when(confirm('o-1', 0))
      .then([]);
  });

  it('holds an expired reservation again when its units are still available (payment recorded after the TTL)', () => {
    stock([received(10), reserved('o-1', 0, 3, 10, 3), expiredEvent('o-1', 0, 3, 10, 0), reserved('o-2', 0, 5, 10, 5)])
      .when(confirm('o-1', 0))
      .then([confirmedEvent('o-1', 0, 3, 10, 8)]);
  });

  it('an expired reservation whose units were sold meanwhile: StockReservationRejected, for the saga to cancel and refund', () => {
    const soldOut = [
      received(10),
      reserved('o-1', 0, 3, 10, 3),
      expiredEvent('o-1', 0, 3, 10, 0),
      reserved('o-2', 0, 9, 10, 9),
    ];
    stock(soldOut)
      .when(confirm('o-1', 0))
      .then([
        {
          type: 'streamshop.inventory.StockReservationRejected',
          value: {
            ...rejection('o-1', 0, 3, 'reservation_expired', levels(10, 9)),
            requestedAt: null,
          },
        },
      ]);
    // Once rejected, asking again changes nothing more.
    stock([
      ...soldOut,
      {
        type: 'streamshop.inventory.StockReservationRejected',
        value: {
          ...rejection('o-1', 0, 3, 'reservation_expired', levels(10, 9)),
          requestedAt: null,
        },
      },
    ])
      .when(confirm('o-1', 0))
      .thenRejects('reservation_not_found', /it was rejected/);
  });

  it('rejects when the line holds no reservation to confirm', () => {
    stock([received(10)])
      .when(confirm('o-1', 0))
      .thenRejects('reservation_not_found');
    stock([received(10), reserved('o-1', 0, 3, 10, 3), releasedEvent('o-1', 0, 3, 10, 0)])
      .when(confirm('o-1', 0))
      .thenRejects('reservation_not_found', /it was released/);
  });
});

describe('bounded memory: the reservation watermark', () => {
  /** A reservation requested at `at` (an order placed then), lapsing a TTL later. */
  const reservedAt = (orderId: string, quantity: number, onHand: number, total: number, at: number) =>
    ({
      type: 'streamshop.inventory.StockReserved',
      value: { orderId, line: 0, quantity, expiresAt: at + TTL, requestedAt: at, levels: levels(onHand, total) },
    }) satisfies StockItemEventDraft;
  const rejectedAt = (orderId: string, quantity: number, onHand: number, total: number, at: number) =>
    ({
      type: 'streamshop.inventory.StockReservationRejected',
      value: {
        orderId,
        line: 0,
        quantity,
        expiresAt: at + TTL,
        requestedAt: at,
        reason: 'insufficient_stock',
        levels: levels(onHand, total),
      },
    }) satisfies StockItemEventDraft;
  const reserveAt = (orderId: string, quantity: number, at: number) =>
    command('streamshop.inventory.ReserveStock', { orderId, line: 0, quantity, expiresAt: at + TTL }, at);
  const remembered = (events: StockItemEventDraft[]) => Object.keys(fold(stockItemDecider, events).reservations);
  const LATER = T0 + TTL + 1;

  it('remembers a rejected attempt until the watermark passes its expiresAt, so its redelivery is a no-op', () => {
    const attempt = [received(2), rejectedAt('o-1', 3, 2, 0, T0)];
    // More units arrive: the redelivered attempt would now fit, but it was decided already.
    stock([...attempt, received(5, 7)])
      .when(reserveAt('o-1', 3, T0))
      .then([]);
    expect(remembered(attempt)).toEqual(['o-1#0']);
  });

  it('after the attempt is forgotten, its redelivered ReserveStock still does not reserve', () => {
    const history = [received(2), rejectedAt('o-1', 3, 2, 0, T0), received(5, 7), reservedAt('o-2', 1, 7, 1, LATER)];
    expect(remembered(history)).toEqual(['o-2#0']);
    stock(history)
      .when(reserveAt('o-1', 3, T0))
      .then([]);
  });

  it('a ReserveStock that lapsed before the watermark is a no-op even for a line never seen', () => {
    stock([received(10), reservedAt('o-2', 1, 10, 1, LATER)])
      .when(reserveAt('o-9', 1, T0))
      .then([]);
  });

  it('forgets released and committed reservations behind the watermark, never held or confirmed ones', () => {
    const history = [
      received(10),
      reservedAt('o-held', 1, 10, 1, T0),
      reservedAt('o-paid', 1, 10, 2, T0),
      confirmedEvent('o-paid', 0, 1, 10, 2),
      reservedAt('o-gone', 1, 10, 3, T0),
      releasedEvent('o-gone', 0, 1, 10, 2),
      reservedAt('o-sent', 1, 10, 3, T0),
      committedEvent('o-sent', 0, 1, 9, 2),
      reservedAt('o-new', 1, 9, 3, LATER),
    ];
    expect(remembered(history).sort()).toEqual(['o-held#0', 'o-new#0', 'o-paid#0']);
    // The held one still lapses, after the watermark passed it.
    stock(history)
      .when(expire('o-held', 0, LATER + 1))
      .then([expiredEvent('o-held', 0, 1, 9, 2)]);
  });

  it('remembers an expired reservation for EXPIRED_RETENTION_MS more: a late payment still learns it was sold', () => {
    const soldOut = [
      received(10),
      reservedAt('o-1', 3, 10, 3, T0),
      expiredEvent('o-1', 0, 3, 10, 0),
      reservedAt('o-2', 9, 10, 9, LATER),
    ];
    stock(soldOut)
      .when(confirm('o-1', 0))
      .then([
        {
          type: 'streamshop.inventory.StockReservationRejected',
          value: { ...rejection('o-1', 0, 3, 'reservation_expired', levels(10, 9)), requestedAt: null },
        },
      ]);
    const muchLater = [...soldOut, reservedAt('o-3', 1, 10, 10, T0 + TTL + EXPIRED_RETENTION_MS + 1)];
    expect(remembered(muchLater)).not.toContain('o-1#0');
  });

  it('stays bounded over many rejected attempts: only those within one TTL of the newest are kept', () => {
    let state = fold(stockItemDecider, [received(1), reservedAt('o-holder', 1, 1, 1, T0)]);
    const MINUTE = 60_000;
    for (let i = 1; i <= 5_000; i++) {
      const events = stockItemDecider.decide(reserveAt(`o-${i}`, 1, T0 + i * MINUTE), state);
      if (isRejection(events)) throw new Error(events.detail);
      expect(events.map((e) => e.type)).toEqual(['streamshop.inventory.StockReservationRejected']);
      state = fold(stockItemDecider, events, state);
    }
    // The holder's reservation (held) and the attempts of the last TTL: not the 5,000 seen.
    expect(Object.keys(state.reservations).length).toBeLessThanOrEqual(TTL / MINUTE + 2);
    expect(state.reservations['o-holder#0']?.status).toBe('held');
  });

  it('loads a snapshot taken before the watermark, and keeps rejections recorded without their expiry', () => {
    const oldSnapshotState = {
      known: true,
      onHand: 10,
      reserved: 0,
      reservations: { 'o-1#0': { quantity: 30, expiresAt: 0, status: 'rejected' } },
    };
    const loaded = stockItemStateCodec.fromJSON(JSON.parse(JSON.stringify(oldSnapshotState)));
    expect(loaded.watermark).toBe(0);
    const after: StockItemState = fold(stockItemDecider, [reservedAt('o-2', 1, 10, 1, LATER)], loaded);
    expect(Object.keys(after.reservations).sort()).toEqual(['o-1#0', 'o-2#0']);
    // Its redelivery, whatever expiresAt it carries, is still recognised.
    const redelivered = command(
      'streamshop.inventory.ReserveStock',
      { orderId: 'o-1', line: 0, quantity: 3, expiresAt: LATER + 2 * TTL },
      T0,
    );
    expect(stockItemDecider.decide(redelivered, after)).toEqual([]);
  });
});
