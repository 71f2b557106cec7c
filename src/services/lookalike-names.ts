/**
 * Lookalike domain names for cold email, behind `/peeker find <brand or domain>`.
 *
 * Agencies send cold email from names close to the customer's brand, never from the customer's
 * own domain, so a burnt sending domain cannot hurt the real one: `acme` → `getacme.com`,
 * `tryacme.com`, `acmehq.com`, `acme-mail.com`, `teamacme.com`, … This module only proposes names;
 * the caller checks them with Peeker (`POST /domains/availability`) and shows the available ones.
 *
 * Pure and deterministic: the same input always gives the same list in the same order, so a
 * repeated `find` hits the availability cache instead of spending rate limit on new names.
 *
 * Decisions worth knowing:
 * - Names are ASCII only. Accents are folded (`Café` → `cafe`); a brand with no Latin letters or
 *   digits at all is a `problem` rather than a list of punycode names, which mail providers and
 *   recipients treat with suspicion.
 * - An email address stands for its domain (`jane@acme.com` → the brand of `acme.com`).
 * - A subdomain stands for its registrable root (`mail.acme.co.uk` → `acme.co.uk`), which is
 *   excluded from the list like the input itself.
 * - A brand typed as words drops a trailing legal form (`Acme Corp`, `Acme, Inc.` → `acme`): the
 *   customer's domain is usually the bare brand, and `getacme.com` reads better than
 *   `getacmecorp.com`. Its `.com` (`acme.com`) is presumed to be the customer's own and excluded.
 */
import { isIP } from 'node:net';
import { domainToUnicode } from 'node:url';
import { parse } from 'tldts';
import { MAX_LABEL_LENGTH, normalizeDomain, PSL_OPTIONS, validateRootDomain } from '../parsing/domains.js';
import { normalizeSlackText } from '../parsing/slack-text.js';

/** What {@link lookalikeNames} returns: the brand label it used and the names, best first. */
export type LookalikeNames = { brand: string; names: string[] };

/** Why no names could be made; `problem` is a plain sentence for the user (not mrkdwn-escaped). */
export type LookalikeProblem = { problem: string };

/** Options of {@link lookalikeNames}. */
export type LookalikeOptions = {
  /** Most names to return (default 40); rounded down, negative means none, NaN the default. */
  max?: number;
};

const DEFAULT_MAX = 40;

/** Share of the first 40 kept for other TLDs (`.co`, `.io`, …) so `.com` does not crowd them out. */
const ALTERNATE_TLD_SHARE = 1 / 4;

/**
 * TLDs offered after `.com`, most familiar first. `.co` and `.io` are the usual startup
 * alternatives; `.net` and `.org` are recognised everywhere.
 */
const ALTERNATE_TLDS = ['co', 'io', 'net', 'org'] as const;

/** How many of the best stems get the alternate TLDs (beyond the bare brand). */
const ALTERNATE_STEMS = 6;

type Pattern = { at: 'bare' } | { at: 'prefix' | 'suffix'; word: string; hyphen: boolean };

const pre = (word: string, hyphen = false): Pattern => ({ at: 'prefix', word, hyphen });
const suf = (word: string, hyphen = false): Pattern => ({ at: 'suffix', word, hyphen });

/**
 * Every stem shape, most natural first. Prefixes and suffixes alternate so the top of the list
 * shows both kinds; hyphen forms come once the strongest joined forms are in, except `-mail`,
 * which reads better hyphenated (`acme-mail` rather than `acmemail`). No `io`-like fragments as
 * suffixes: `acmeio.com` looks like a typo of `acme.io`.
 */
const RANKED_PATTERNS: readonly Pattern[] = [
  pre('get'),
  pre('try'),
  suf('hq'),
  suf('mail', true),
  pre('team'),
  { at: 'bare' },
  pre('use'),
  suf('team'),
  pre('join'),
  suf('app'),
  pre('meet'),
  suf('labs'),
  pre('hello'),
  suf('group'),
  pre('with'),
  suf('mail'),
  pre('go'),
  suf('hub'),
  pre('hey'),
  pre('get', true),
  suf('hq', true),
  pre('my'),
  suf('inc'),
  pre('the'),
  suf('now'),
  pre('try', true),
  suf('online'),
  pre('hi'),
  suf('team', true),
  suf('co'),
  pre('join', true),
  suf('global'),
  pre('use', true),
  suf('works'),
  pre('meet', true),
  suf('app', true),
  pre('reach'),
  suf('email'),
  pre('hello', true),
  suf('group', true),
  pre('inside'),
  suf('labs', true),
  pre('go', true),
  suf('hub', true),
  suf('digital'),
  pre('ask'),
  suf('connect'),
];

/** Legal forms dropped from the end of a brand typed as words (`Acme Corp`, `Acme GmbH`). */
const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'pty',
  'pvt',
  'oy',
  'ab',
  'kg',
]);

/** Letters that Unicode decomposition does not reduce to ASCII (NFKD handles é, ü, ñ, …). */
const FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Inputs longer than this cannot make a 63-character label anyway; cap the work done on them. */
const MAX_INPUT_LENGTH = 1000;

/** The brand as words, and what the list must never contain. */
type Source = {
  words: string[];
  /** The customer's own root (input domain, or `<brand>.com` for a typed brand). */
  excluded: Set<string>;
  /** The input's public suffix when it is not `com` (`co.uk`), offered right after `.com`. */
  ownSuffix?: string;
};

/**
 * Lookalike names for cold email from a brand (`acme`, `Acme Corp`) or a domain (`acme.com`,
 * `https://www.acme.co.uk/x`, an email address, or Slack link markup around any of them).
 *
 * Names are registrable roots (each passes {@link validateRootDomain}), unique, at most `max`,
 * deterministic, best first: `.com` names first (interleaved with the input's own suffix such as
 * `.co.uk`), then about a quarter of the default 40 on `.co`, `.io`, `.net` and `.org`. A smaller
 * `max` gives the start of the same list. Never the input
 * domain or its root. Never throws; input with nothing usable (blank, only symbols, an IP address,
 * an unknown TLD, a bare public suffix, a brand too long for a domain label) gives a `problem`.
 */
export function lookalikeNames(
  input: string,
  options: LookalikeOptions = {},
): LookalikeNames | LookalikeProblem {
  const max = resolveMax(options?.max);
  const source = readSource(input);
  if ('problem' in source) return source;

  const joined = source.words.join('');
  const hyphenated = source.words.join('-');
  if (joined.length > MAX_LABEL_LENGTH) {
    return {
      problem: `“${shorten(joined)}” is too long for a domain name, which allows ${MAX_LABEL_LENGTH} characters between dots — type a shorter brand.`,
    };
  }

  // Beyond two words the hyphenated brand makes hyphen forms hard to read and type
  // (`get-blue-bottle-coffee`), so they use the joined brand instead.
  const stems = rankedStems(joined, hyphenated, source.words.length <= 2 ? hyphenated : joined);
  const isUsable = (name: string) => !source.excluded.has(name) && validateRootDomain(name) === undefined;

  // Section A: `.com`, each followed by the input's own suffix when there is one (`.com` first: it is what recipients trust most).
  const primaryTlds = source.ownSuffix ? ['com', source.ownSuffix] : ['com'];
  const primary = stems.flatMap((stem) => primaryTlds.map((tld) => `${stem}.${tld}`)).filter(isUsable);

  // Section B: the bare brand and the best stems on the usual alternatives, mixed so that `.co`
  // and `.io` of several stems come before `.net` and `.org` of the first.
  const alternateTlds = ALTERNATE_TLDS.filter((tld) => tld !== source.ownSuffix);
  const bare = unique([joined, hyphenated]);
  const alternateStems = unique([
    ...bare,
    ...stems.filter((s) => !bare.includes(s)).slice(0, ALTERNATE_STEMS),
  ]);
  const alternate = alternateStems
    .flatMap((stem, stemIndex) =>
      alternateTlds.map((tld, tldIndex) => ({ name: `${stem}.${tld}`, key: stemIndex + 2 * tldIndex })),
    )
    .sort((a, b) => a.key - b.key)
    .map((entry) => entry.name)
    .filter(isUsable);

  // The arrangement does not depend on `max`, so a shorter list is always the start of a longer
  // one: the first 40 hold about 30 primary names and 10 alternates, and whatever else there is
  // follows in the same order.
  const alternateShare = Math.min(alternate.length, Math.floor(DEFAULT_MAX * ALTERNATE_TLD_SHARE));
  const primaryShare = DEFAULT_MAX - alternateShare;
  const names = unique([
    ...primary.slice(0, primaryShare),
    ...alternate.slice(0, alternateShare),
    ...primary.slice(primaryShare),
    ...alternate.slice(alternateShare),
  ]).slice(0, max);

  if (primary.length + alternate.length === 0) {
    return {
      problem: `No usable domain names can be made from “${shorten(joined)}” — type a shorter brand or a different domain.`,
    };
  }
  return { brand: joined, names };
}

function resolveMax(max: number | undefined): number {
  if (typeof max !== 'number' || Number.isNaN(max)) return DEFAULT_MAX;
  if (max === Number.POSITIVE_INFINITY) return Number.MAX_SAFE_INTEGER;
  return Math.max(0, Math.floor(max));
}

/** Stem labels (without TLD) in rank order, duplicates and awkward doublings removed. */
function rankedStems(joined: string, hyphenated: string, hyphenBrand: string): string[] {
  const stems: string[] = [];
  for (const pattern of RANKED_PATTERNS) {
    if (pattern.at === 'bare') {
      stems.push(joined, hyphenated);
      continue;
    }
    // `getget…`, `teamteam`, `acmehqhq`: skip an affix the brand already carries.
    if (pattern.at === 'prefix' && joined.startsWith(pattern.word)) continue;
    if (pattern.at === 'suffix' && joined.endsWith(pattern.word)) continue;
    // Hyphen forms hyphenate the brand's own words too (`get-blue-bottle`), joined forms join them.
    const brand = pattern.hyphen ? hyphenBrand : joined;
    const glue = pattern.hyphen ? '-' : '';
    stems.push(pattern.at === 'prefix' ? `${pattern.word}${glue}${brand}` : `${brand}${glue}${pattern.word}`);
  }
  return unique(stems);
}

/** Reads the brand words out of the input, or says why there are none. */
function readSource(input: unknown): Source | LookalikeProblem {
  if (typeof input !== 'string') return { problem: usage('Nothing was typed.') };
  // Link markup becomes what the user typed; mentions (`<@U…>`, `<#C…>`) carry no brand.
  const text = normalizeSlackText(input.slice(0, MAX_INPUT_LENGTH))
    .replace(/<[#@!][^<>]*>/g, ' ')
    .trim();
  if (text === '') return { problem: usage('Nothing was typed.') };

  const tokens = text.split(/[\s,;\u200B\uFEFF]+/u).filter((token) => token !== '');
  const domainLike = tokens.filter(looksLikeDomain);
  for (const token of domainLike) {
    const source = fromDomain(token);
    if (!('problem' in source)) return source;
    // A single domain-looking entry that is unusable deserves its own explanation; within a
    // phrase (`A.B. Dick`) the dots are more likely abbreviations, so fall back to words.
    if (tokens.length === 1) return source;
  }
  return fromWords(text);
}

function looksLikeDomain(token: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(token) || token.includes('@')) return true;
  return normalizeDomain(token).includes('.');
}

function fromDomain(token: string): Source | LookalikeProblem {
  let host = normalizeDomain(token);
  if (host.includes('@')) host = normalizeDomain(host.slice(host.lastIndexOf('@') + 1));
  // Messages name the entry as typed: the ASCII (punycode) form would be unrecognisable.
  const shown = token;
  if (host === '') return { problem: usage(`“${shorten(token)}” does not contain a domain name.`) };

  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const psl = parse(host, PSL_OPTIONS);
  if (
    isIP(bare) !== 0 ||
    psl.isIp === true ||
    host.split('.').every((l) => /^(?:\d+|0x[0-9a-f]*)$/i.test(l))
  ) {
    return {
      problem: `${shorten(shown)} is an IP address — type the customer's brand or domain name instead.`,
    };
  }
  if (psl.isIcann !== true || psl.isSpecialUse === true || psl.publicSuffix === null) {
    return {
      problem: `${shorten(shown)} does not end in a top-level domain that can be registered — check the spelling, or type just the brand name.`,
    };
  }
  if (psl.domain === null || psl.domainWithoutSuffix === null || psl.domainWithoutSuffix === '') {
    return {
      problem: `${shorten(shown)} is a public suffix, not a brand — type the customer's domain, such as acme.${psl.publicSuffix}, or the brand name.`,
    };
  }
  if (validateRootDomain(psl.domain) !== undefined) {
    return {
      problem: `${shorten(shown)} is not a valid domain name — check the spelling, or type just the brand name.`,
    };
  }

  let label = psl.domainWithoutSuffix;
  try {
    label = domainToUnicode(label) || label;
  } catch {
    // Keep the ASCII label; folding below drops what it cannot use.
  }
  const words = toWords(label);
  if (words.length === 0) {
    return {
      problem: `${shorten(shown)} has no Latin letters or digits to build lookalike names from — type the brand in Latin letters.`,
    };
  }
  const source: Source = { words, excluded: new Set([host, psl.domain]) };
  if (psl.publicSuffix !== 'com') source.ownSuffix = psl.publicSuffix;
  return source;
}

function fromWords(text: string): Source | LookalikeProblem {
  const words = toWords(text);
  while (words.length > 1 && LEGAL_FORMS.has(words[words.length - 1] ?? '')) words.pop();
  if (words.length === 0) {
    return {
      problem: usage(`“${shorten(text)}” has no letters or digits to build domain names from.`),
    };
  }
  // The bare `.com` of a typed brand is most likely the customer's own domain.
  return { words, excluded: new Set([`${words.join('')}.com`]) };
}

/** Lowercase ASCII words: accents folded, apostrophes dropped (`Joe's` → `joes`), rest split on. */
function toWords(text: string): string[] {
  const folded = text
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (ch) => FOLDS[ch] ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/['’`]/g, '');
  return folded.split(/[^a-z0-9]+/).filter((word) => word !== '');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function usage(lead: string): string {
  return `${lead} Type a brand such as acme or a domain such as acme.com.`;
}

/** Keeps problem messages readable when someone pastes a paragraph. */
function shorten(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
