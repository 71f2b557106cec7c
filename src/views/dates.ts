/**
 * Calendar dates as the app shows them (`Jun 7, 2026`), in UTC: Peeker's timestamps are UTC and
 * a cancellation ends on a day, not at a minute. Pure; never throws.
 */
const DATE_FORMAT = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** `Jun 7, 2026` for an ISO timestamp; undefined when it is missing or not a date. */
export function formatDate(iso: string | null | undefined): string | undefined {
  if (typeof iso !== 'string' || iso.trim() === '') return undefined;
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return undefined;
  return DATE_FORMAT.format(time);
}
