/**
 * The https URLs the forms ask for (the order's forwarding URL, persona pictures, forwarding
 * targets): Peeker needs https and a real host name.
 */

/** Why `text` is not an https URL with a real host name, or undefined when it is. */
export function httpsUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'That is not a full URL — start it with https://.';
  }
  if (url.protocol === 'http:') return 'Use an https:// URL.';
  if (url.protocol !== 'https:') return 'Enter an https:// URL.';
  // `https://acme` parses, but nothing on the internet answers there.
  if (!url.hostname.includes('.') || url.hostname.endsWith('.')) {
    return 'That URL has no full domain name — use something like https://acme.com.';
  }
  return undefined;
}

// ---- shared with the other URL forms (forwarding, renames) ----------------------------

/** Why `text` is not an https URL with a real host name (as on the order form), or undefined when it is. */
export function httpsUrlError(text: string): string | undefined {
  return httpsUrlProblem(text.trim());
}
