/**
 * Money as the app shows it: order totals, registration and renewal prices.
 *
 * Peeker sends amounts in the currency's minor units (`price_cents: 1300` with `currency: "usd"`)
 * and its docs show the currency truncated in places, so formatting must survive a missing or
 * malformed code. Pure: no I/O, no clock.
 */

/** Shown for an amount that is not a finite number. */
const NO_AMOUNT = '—';

// Intl.NumberFormat construction is slow relative to format(); a handful of currencies are ever
// seen, but the codes come from an API, so the memo is bounded.
const MAX_MEMO = 64;
const currencyFormats = new Map<string, Intl.NumberFormat | null>();

const plainFormat = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'negative',
});

/**
 * Formats an amount in minor units (`cents`) of `currency`, in US English: `$13.00`,
 * `€1,234.50`, `¥1,234` (yen has no minor unit, so 1234 is ¥1,234), `KWD 1.234` (three digits).
 * The number of minor digits is the one Intl uses for the currency (CLDR data, which matches ISO
 * 4217 for the currencies Peeker bills in). Currency codes are case-insensitive (`usd`).
 *
 * A missing or invalid code gives the plain number with two decimals (`1,234.50`); a non-finite
 * amount gives '—'. Never shows `-0`, never throws.
 */
export function formatMoney(cents: number, currency: string | null | undefined): string {
  if (typeof cents !== 'number' || !Number.isFinite(cents)) return NO_AMOUNT;
  try {
    const format = currencyFormat(currency);
    if (format) {
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(cents / 10 ** digits);
    }
    return plainFormat.format(cents / 100);
  } catch {
    // Intl should not throw here; the views must render even if some runtime disagrees.
    return String(Math.round(cents) / 100);
  }
}

/**
 * The formatter for a well-formed code, or null. Intl accepts any three letters, so an unknown
 * but well-formed code is shown as itself (`XYZ 1,234.50`), which still tells the reader more
 * than a bare number.
 */
function currencyFormat(currency: string | null | undefined): Intl.NumberFormat | null {
  if (typeof currency !== 'string') return null;
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) return null;
  const known = currencyFormats.get(code);
  if (known !== undefined) return known;
  let format: Intl.NumberFormat | null;
  try {
    // signDisplay 'negative': no sign on zero, including -0 and amounts that round to zero.
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code, signDisplay: 'negative' });
  } catch {
    format = null;
  }
  if (currencyFormats.size >= MAX_MEMO) currencyFormats.clear();
  currencyFormats.set(code, format);
  return format;
}
