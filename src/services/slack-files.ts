import type { WebClient } from '@slack/web-api';

/**
 * Reads a text file someone attached to a form's `file_input` (scope `files:read`): `files.info`
 * for its download URL and size, then the content with the bot token
 * (https://api.slack.com/types/file#authentication). A file list of 200 domains is a few kB;
 * anything over {@link MAX_FILE_BYTES} is refused unread.
 *
 * Reads are cached per file for a while, and a read already under way is shared: a form submitted
 * again (after "Slack was slow, press Review again") reuses it instead of downloading again.
 */
export const MAX_FILE_BYTES = 256 * 1024;
const CACHE_MS = 10 * 60_000;
const DOWNLOAD_TIMEOUT_MS = 15_000;

/** Why a file cannot be used; `message` is plain text for the person. */
export class FileReadError extends Error {}

export function createSlackFiles(options: {
  client: WebClient;
  token: string;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}) {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { text: Promise<string>; at: number }>();

  async function download(fileId: string): Promise<string> {
    let info: Awaited<ReturnType<WebClient['files']['info']>>;
    try {
      info = await options.client.files.info({ file: fileId });
    } catch {
      throw new FileReadError('Slack would not give me the file — upload it again.');
    }
    const file = info.file;
    const url = file?.url_private_download ?? file?.url_private;
    if (!file || !url) throw new FileReadError('Slack did not give me the file — upload it again.');
    if (typeof file.size === 'number' && file.size > MAX_FILE_BYTES) {
      throw new FileReadError(
        `The file is too big (${Math.ceil(file.size / 1024)} kB); a list of domains fits in ${MAX_FILE_BYTES / 1024} kB.`,
      );
    }
    const response = await fetchFn(url, {
      headers: { authorization: `Bearer ${options.token}` },
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    }).catch(() => {
      throw new FileReadError('Could not download the file from Slack — try again.');
    });
    if (!response.ok) throw new FileReadError('Could not download the file from Slack — upload it again.');
    const body = await response.arrayBuffer();
    if (body.byteLength > MAX_FILE_BYTES)
      throw new FileReadError('The file is too big for a list of domains.');
    return new TextDecoder('utf-8', { fatal: false }).decode(body);
  }

  return {
    /** The file's text (throws {@link FileReadError} with what to do). */
    read(fileId: string): Promise<string> {
      const cached = cache.get(fileId);
      if (cached && now() - cached.at < CACHE_MS) return cached.text;
      for (const [key, entry] of cache) if (now() - entry.at >= CACHE_MS) cache.delete(key);
      const text = download(fileId);
      cache.set(fileId, { text, at: now() });
      // A failed read is not kept: the next submission tries again.
      text.catch(() => cache.delete(fileId));
      return text;
    },
  };
}

export type SlackFiles = ReturnType<typeof createSlackFiles>;
