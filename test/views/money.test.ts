import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/views/money.js';

describe('formatMoney', () => {
  it.each([
    [1300, 'USD', '$13.00'],
    [1300, 'usd', '$13.00'],
    [1300, ' usd ', '$13.00'],
    [123450, 'EUR', '€1,234.50'],
    [99, 'GBP', '£0.99'],
    [1234, 'JPY', '¥1,234'],
    // Intl puts a no-break space between a currency code and the amount.
    [1234, 'KWD', 'KWD\u00a01.234'],
    [0, 'USD', '$0.00'],
    [-1500, 'USD', '-$15.00'],
    [123456789, 'USD', '$1,234,567.89'],
  ])('%d %s → %s', (cents, currency, expected) => {
    expect(formatMoney(cents, currency)).toBe(expected);
  });

  it('rounds fractional minor units', () => {
    expect(formatMoney(1299.6, 'USD')).toBe('$13.00');
  });

  it('never shows -0', () => {
    expect(formatMoney(-0, 'USD')).toBe('$0.00');
    expect(formatMoney(-0.2, 'USD')).toBe('$0.00');
    expect(formatMoney(-0, null)).toBe('0.00');
  });

  it.each([null, undefined, '', 'us', 'dollars', '$', '12€', 'u$d'])(
    'a missing or malformed currency (%j) gives the plain number',
    (currency) => {
      expect(formatMoney(123450, currency)).toBe('1,234.50');
    },
  );

  it('a well-formed but unknown code is shown as the code', () => {
    expect(formatMoney(123450, 'XYZ')).toBe('XYZ\u00a01,234.50');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('%d → —', (cents) => {
    expect(formatMoney(cents, 'USD')).toBe('—');
  });

  it('non-number amounts from untyped callers → —', () => {
    expect(formatMoney('1300' as unknown as number, 'USD')).toBe('—');
    expect(formatMoney(null as unknown as number, 'USD')).toBe('—');
  });

  it('never throws and always returns text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.integer(), fc.constant(-0)),
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^[A-Za-z]{3}$/),
          fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'BHD', 'CLP'),
          fc.constant(null),
          fc.constant(undefined),
        ),
        (cents, currency) => {
          const out = formatMoney(cents, currency);
          expect(typeof out).toBe('string');
          expect(out.length).toBeGreaterThan(0);
          if (!Number.isFinite(cents)) expect(out).toBe('—');
          // Safe in mrkdwn without escaping.
          expect(out).not.toMatch(/[<>&]/);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('formatMoney on the amounts the order views used to format by hand', () => {
  it.each([
    [6800, 'usd', '$68.00'],
    [6800, 'USD', '$68.00'],
    [5, 'usd', '$0.05'],
    [123456789, 'usd', '$1,234,567.89'],
    [-250, 'usd', '-$2.50'],
    // Intl gives the euro its symbol (the hand-written formatter printed "68.00 EUR").
    [6800, 'eur', '€68.00'],
    [6800, null, '68.00'],
    [6800, '<x>', '68.00'],
    [Number.NaN, 'usd', '—'],
  ] as const)('%s %s → %s', (cents, currency, expected) => {
    expect(formatMoney(cents, currency)).toBe(expected);
  });
});
