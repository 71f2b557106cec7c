import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastOfLength } from '../../src/parsing/graphemes.js';
import { cutToLength, truncate } from '../../src/views/text.js';

/** True when `text` holds a lone surrogate (half an astral character): @slack/web-api throws URIError on it. */
function hasLoneSurrogate(text: string): boolean {
  try {
    encodeURIComponent(text);
    return false;
  } catch {
    return true;
  }
}

const graphemes = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

describe('grapheme-safe truncation', () => {
  // An emoji with a skin tone, a family (ZWJ sequence), a flag and an accented letter.
  const samples = ['Alex 👋🏽 Rivera', 'team 👨‍👩‍👧‍👦 acme', 'flag 🇩🇪 here', 'Ame\u0301lie 😀😀😀'];

  it.each(samples)('cuts %j at every length without splitting a character', (text) => {
    for (let max = 0; max <= text.length + 1; max += 1) {
      for (const cut of [truncate(text, max), cutToLength(text, max), lastOfLength(text, max)]) {
        expect(hasLoneSurrogate(cut), `${JSON.stringify(cut)} (max ${max})`).toBe(false);
      }
      const prefix = cutToLength(text, max);
      expect(prefix.length).toBeLessThanOrEqual(max);
      expect(text.startsWith(prefix)).toBe(true);
      // Whole graphemes only: the prefix is exactly the first k graphemes of the text.
      const parts = graphemes(text);
      const k = graphemes(prefix).length;
      expect(parts.slice(0, k).join('')).toBe(prefix);
      expect(truncate(text, max).length).toBeLessThanOrEqual(Math.max(max, 1));
    }
  });

  it('never leaves a lone surrogate, for any text and any length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(60), (text, max) => {
        expect(hasLoneSurrogate(truncate(text, max))).toBe(false);
        expect(hasLoneSurrogate(cutToLength(text, max))).toBe(false);
        expect(hasLoneSurrogate(lastOfLength(text, max))).toBe(false);
        expect(cutToLength(text, max).length).toBeLessThanOrEqual(max);
        expect(lastOfLength(text, max).length).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('keeps short text as it is and marks a cut with an ellipsis', () => {
    expect(truncate('acme', 10)).toBe('acme');
    expect(truncate('acme-mail.com', 6)).toBe('acme-…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});
