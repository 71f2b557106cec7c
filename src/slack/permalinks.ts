import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { classifySlackError } from './slack-errors.js';

/** Where a parent message lives. */
export interface MessageRef {
  channelId: string;
  ts: string;
}

export interface Permalinks {
  /** Learns the workspace URL (`auth.test`) once; later calls return at once. Never throws. */
  load(): Promise<void>;
  /** The message's permalink, or null while the workspace URL is unknown (links are then left out). */
  urlOf(ref: MessageRef | null): string | null;
}

/**
 * Links to a message without one `chat.getPermalink` call per row: a Slack permalink is the
 * workspace URL (what `auth.test` answers as `url`) + `archives/<channel>/p<ts without the dot>`,
 * the form `chat.getPermalink` itself returns (https://api.slack.com/methods/chat.getPermalink).
 */
export function createPermalinks(client: WebClient, logger: Logger): Permalinks {
  let base: string | undefined;
  let loading: Promise<void> | undefined;
  return {
    load() {
      if (base !== undefined) return Promise.resolve();
      loading ??= client.auth
        .test()
        .then((identity) => {
          const url = typeof identity.url === 'string' ? identity.url : '';
          if (/^https:\/\/[^\s<>|]+$/.test(url)) base = url.endsWith('/') ? url : `${url}/`;
        })
        .catch((error: unknown) => {
          logger.debug(
            { error: classifySlackError(error).error },
            'could not learn the workspace URL for links',
          );
        })
        .finally(() => {
          loading = undefined;
        });
      return loading;
    },
    urlOf(ref) {
      if (!ref || base === undefined) return null;
      if (!/^[CDG][A-Z0-9]+$/.test(ref.channelId) || !/^\d+\.\d+$/.test(ref.ts)) return null;
      return `${base}archives/${ref.channelId}/p${ref.ts.replace('.', '')}`;
    },
  };
}
