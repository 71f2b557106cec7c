import type { PeekerClient } from '../peeker/client.js';
import { describePeekerError, type PeekerErrorInfo } from '../peeker/errors.js';
import type { ImportsRepo } from '../store/imports-repo.js';
import type { ReplacementSource } from '../views/swap-modal.js';

export type ReplacementCheck =
  | { ok: true; source: ReplacementSource }
  | { ok: false; message: string; peekerError?: PeekerErrorInfo };

/**
 * Whether a swap's replacement can come in: "must be buyable from the partner registrar, or
 * already imported by the customer" (https://docs.peeker.ai/guides/domain-swaps). Imported and
 * DNS-verified here is enough; otherwise one `POST /domains/availability` says whether Peeker can
 * register it (and at what price); a name that is taken may still sit in Peeker's inventory,
 * imported elsewhere (`GET /domains?category=inventory`). Messages are plain text for the form.
 */
export async function checkReplacement(
  deps: { imports: ImportsRepo; peeker: PeekerClient },
  replacement: string,
): Promise<ReplacementCheck> {
  const imported = deps.imports.latestForDomain(replacement);
  if (
    imported &&
    deps.imports.domainsOf(imported.id).some((row) => row.domain === replacement && row.state === 'verified')
  ) {
    return { ok: true, source: { kind: 'imported' } };
  }
  try {
    const { data } = await deps.peeker.domains.checkAvailability([replacement]);
    const row = data.find((candidate) => candidate.domain.toLowerCase() === replacement) ?? data[0];
    if (row?.available && !row.premium) {
      return {
        ok: true,
        source: {
          kind: 'register',
          priceCents: row.price_cents ?? null,
          renewalCents: row.renewal_price_cents ?? null,
          currency: row.currency ?? null,
        },
      };
    }
    const reason = row?.premium ? 'premium' : (row?.reason ?? 'errored');
    if (reason === 'taken') {
      const { data: inventory } = await deps.peeker.domains.list({ category: 'inventory' });
      if (inventory.some((domain) => domain.domain.toLowerCase() === replacement)) {
        return { ok: true, source: { kind: 'imported' } };
      }
      return {
        ok: false,
        message: `${replacement} is registered and not imported. Import it first (/peeker import ${replacement}) and wait for DNS, or pick another.`,
      };
    }
    if (reason === 'premium') {
      return {
        ok: false,
        message: `${replacement} is a registry-premium name; Peeker cannot register it. Pick another.`,
      };
    }
    if (reason === 'invalid')
      return { ok: false, message: `Peeker says ${replacement} is not a valid domain.` };
    return { ok: false, message: `Peeker could not check ${replacement} just now. Try again in a minute.` };
  } catch (error) {
    const info = describePeekerError(error);
    return {
      ok: false,
      message: `Could not check ${replacement} with Peeker (${info.code}). Try again.`,
      peekerError: info,
    };
  }
}
