const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest prefix of `text` of at most `max` UTF-16 units (Slack counts characters that way)
 * that ends on a grapheme boundary: never half a surrogate pair (`@slack/web-api` throws
 * `URIError` on one) and never half an emoji, flag or accented letter.
 */
export function cutToLength(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** The longest suffix of `text` of at most `max` UTF-16 units that starts on a grapheme boundary. */
export function lastOfLength(text: string, max: number): string {
  if (text.length <= max) return text;
  let start = text.length;
  const segments = [...graphemes.segment(text)];
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const segment = segments[i];
    if (!segment || text.length - segment.index > max) break;
    start = segment.index;
  }
  return text.slice(start);
}
