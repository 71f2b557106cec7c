/**
 * In-process fake of the Slack Web API for integration tests.
 *
 * Point the app at it with `SLACK_API_URL` / `clientOptions.slackApiUrl = fake.url`. Requests arrive
 * the way `@slack/web-api` sends them (https://api.slack.com/reference/block-kit/blocks): `POST /api/<method>`, a bearer
 * token and a form body whose nested objects (`blocks`, `view`, `metadata`, `attachments`) are
 * JSON strings. Everything answers HTTP 200 `{ok:true|false}` unless a failure is scripted.
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeLocal, listenLocal } from './local-server.js';
import { pollUntil, type Truthy } from './poll-until.js';

/** One recorded Web API call. `failed` is set when a scripted failure answered it. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  failed?: boolean;
}

/**
 * A scripted failure for {@link FakeSlack.failNext}.
 * - `error`: HTTP 200 `{ok:false, error}` (a platform error, never retried by web-api);
 * - `status: 429`: HTTP 429 with `Retry-After: retryAfterSeconds` (default 1), body `{ok:false,error:'ratelimited'}`;
 * - any other `status`: that HTTP status with a (near) empty text body;
 * - `delayMs`: wait before answering; alone, the call then succeeds normally;
 * - `times`: how many calls this failure answers (default 1; `Infinity` for a persistent outage).
 */
export interface SlackFailure {
  error?: string;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  times?: number;
}

/** Channel set-up for {@link FakeSlack.setChannel}. */
export interface ChannelOptions {
  exists?: boolean;
  isMember?: boolean;
  isPrivate?: boolean;
  isArchived?: boolean;
  name?: string;
}

/** The state the fake keeps for a channel. */
export interface FakeChannel {
  id: string;
  name: string;
  exists: boolean;
  isMember: boolean;
  isPrivate: boolean;
  isArchived: boolean;
}

/** One version of a message's content. */
export interface MessageVersion {
  text: string | undefined;
  blocks: unknown[] | undefined;
}

/**
 * A message the bot posted. `history[0]` is the original post and `history[n]` the content after
 * edit n, so `history.length === edits + 1`.
 */
export interface SlackMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  thread_ts: string | undefined;
  metadata: unknown;
  edits: number;
  history: MessageVersion[];
}

/** A recorded `chat.postEphemeral`. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  thread_ts: string | undefined;
  message_ts: string;
  at: number;
}

/** A POST received on a response URL. `failed` is set when a scripted failure answered it. */
export interface SlackResponse {
  key: string;
  body: unknown;
  at: number;
  failed?: boolean;
}

/** A file uploaded through a `file_input` (see `FakeSlack.addFile`). */
interface UploadedFile {
  id: string;
  name: string;
  content: string;
  filetype: string;
  mimetype: string;
}

/** A stored modal or Home tab; `view` includes its `id` and `hash`. */
export interface StoredView {
  view: Record<string, unknown>;
  hash: string;
}

/** The value a `waitFor` predicate resolved with, without the falsy members of its type. */

type Args = Record<string, unknown>;
type Reply = Record<string, unknown>;

interface QueuedFailure {
  failure: SlackFailure;
  remaining: number;
}

const TEAM_ID = 'T000FAKE';
const BOT_USER_ID = 'UBOT';
const BOT_ID = 'BBOT';
// Fields @slack/web-api JSON-encodes inside form bodies.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);
// Block Kit limits (https://api.slack.com/reference/block-kit/blocks): real Slack rejects these with invalid_blocks / invalid_arguments.
const MAX_MESSAGE_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
/**
 * Slack documents no total, but refuses messages past roughly 11,000–13,000 characters of block
 * text with `msg_blocks_too_long` (https://github.com/slackapi/bolt-js/issues/2509); the fake
 * refuses past 12,000 (tests can lower it with `setBlockTextLimit`).
 */
const DEFAULT_BLOCK_TEXT_LIMIT = 12_000;

/** Characters of text anywhere in a block tree (every `text` string). */
function blockText(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, item) => sum + blockText(item), 0);
  if (!node || typeof node !== 'object') return 0;
  let total = 0;
  for (const [key, value] of Object.entries(node)) {
    total += key === 'text' && typeof value === 'string' ? value.length : blockText(value);
  }
  return total;
}

/** Why Slack would refuse these message blocks, if it would. */
function blocksProblem(blocks: unknown, textLimit: number): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || blocks.length > MAX_MESSAGE_BLOCKS) return 'invalid_blocks';
  for (const block of blocks) {
    const text = (block as { text?: { text?: unknown } }).text?.text;
    if (typeof text === 'string' && text.length > MAX_SECTION_TEXT) return 'invalid_blocks';
  }
  return blockText(blocks) > textLimit ? 'msg_blocks_too_long' : undefined;
}
const MAX_VIEW_BLOCKS = 100;
const MAX_VIEW_TITLE = 24;
const MAX_PRIVATE_METADATA = 3000;

/**
 * Fake Slack Web API server. Start with `await FakeSlack.start()`, stop with `await fake.stop()`.
 * Unknown channels are existing public channels the bot is a member of, so most tests need no set-up.
 */
export class FakeSlack {
  /** Base URL with trailing slash, e.g. `http://127.0.0.1:PORT/api/`. */
  readonly url: string;
  /** Every Web API call, in arrival order (recorded before any scripted delay). */
  readonly calls: SlackCall[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly responses: SlackResponse[] = [];
  /** Modals by view id. */
  readonly views = new Map<string, StoredView>();
  /** Home tabs by user id. */
  readonly homeViews = new Map<string, StoredView>();

  private readonly server: Server;
  private readonly origin: string;
  private readonly channels = new Map<string, FakeChannel>();
  private readonly messages = new Map<string, SlackMessage[]>();
  private readonly failures = new Map<string, QueuedFailure[]>();
  private readonly responseFailures = new Map<string, { status: number; remaining: number }>();
  private readonly expiredTriggers = new Set<string>();
  private readonly users = new Map<string, Record<string, unknown>>();
  /** Files uploaded through a `file_input` (see {@link addFile}), by file id. */
  private readonly files = new Map<string, UploadedFile>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private latencyMs = 0;
  private blockTextLimit = DEFAULT_BLOCK_TEXT_LIMIT;
  private socketModeUrl: string | undefined;
  private lastTsMicros = 0n;
  private viewSeq = 0;
  private stopped = false;

  private constructor(server: Server, port: number) {
    this.server = server;
    this.origin = `http://127.0.0.1:${port}`;
    this.url = `${this.origin}/api/`;
  }

  /** Starts a fake on 127.0.0.1 with an ephemeral port. */
  static async start(): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const { server, port } = await listenLocal((req, res) => {
      if (fake) void fake.dispatch(req, res);
    });
    fake = new FakeSlack(server, port);
    return fake;
  }

  /** Closes the server and every open (keep-alive or in-flight) connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await closeLocal(this.server, this.timers);
  }

  /** Back to a fresh state: calls, messages, channels, views, responses, failures and latency. */
  reset(): void {
    this.calls.length = 0;
    this.ephemerals.length = 0;
    this.responses.length = 0;
    this.views.clear();
    this.homeViews.clear();
    this.channels.clear();
    this.messages.clear();
    this.failures.clear();
    this.responseFailures.clear();
    this.expiredTriggers.clear();
    this.users.clear();
    this.files.clear();
    this.fileDownloads.length = 0;
    this.latencyMs = 0;
    this.blockTextLimit = DEFAULT_BLOCK_TEXT_LIMIT;
    this.socketModeUrl = undefined;
  }

  // ---- calls -------------------------------------------------------------------------------

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // ---- scripted behaviour ------------------------------------------------------------------

  /** Queues a failure for the next call(s) to `method` (`'*'` matches any method). FIFO per method. */
  failNext(method: string, failure: SlackFailure): void {
    const queue = this.failures.get(method) ?? [];
    queue.push({ failure, remaining: failure.times ?? 1 });
    this.failures.set(method, queue);
  }

  /** Drops queued failures for one method, or all of them. */
  clearFailures(method?: string): void {
    if (method === undefined) this.failures.clear();
    else this.failures.delete(method);
  }

  /** Adds a delay before every Web API answer (0 to turn off). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /**
   * Makes `apps.connections.open` answer `{ok: true, url}` (a Socket Mode WebSocket URL, e.g. a
   * FakeSocketMode's); `undefined` goes back to answering without a URL.
   */
  /** Messages with more block text than this are refused with `msg_blocks_too_long`. */
  setBlockTextLimit(characters: number): void {
    this.blockTextLimit = characters;
  }

  setSocketModeUrl(url: string | undefined): void {
    this.socketModeUrl = url;
  }

  /** Makes `views.open` / `views.push` with this trigger answer `expired_trigger_id`. */
  expireTrigger(triggerId: string): void {
    this.expiredTriggers.add(triggerId);
  }

  setChannel(id: string, options: ChannelOptions = {}): FakeChannel {
    const channel: FakeChannel = {
      id,
      name: options.name ?? defaultChannelName(id),
      exists: options.exists ?? true,
      isMember: options.isMember ?? true,
      isPrivate: options.isPrivate ?? false,
      isArchived: options.isArchived ?? false,
    };
    this.channels.set(id, channel);
    return channel;
  }

  /** Overrides fields of the `users.info` answer for a user (shallow merge). */
  setUser(id: string, fields: Record<string, unknown>): void {
    this.users.set(id, { ...(this.users.get(id) ?? {}), ...fields });
  }

  // ---- files -------------------------------------------------------------------------------

  /**
   * Registers a file as if someone had uploaded it through a `file_input`: `files.info` describes
   * it (with `url_private_download` on this fake) and the URL serves `content` to a bearer token.
   * Returns the file object a `view_submission`'s `files` state carries.
   */
  addFile(
    content: string,
    options: { id?: string; name?: string; filetype?: string; mimetype?: string } = {},
  ): { id: string; name: string } {
    const id = options.id ?? `F${randomBytes(5).toString('hex').toUpperCase()}`;
    const name = options.name ?? 'domains.txt';
    this.files.set(id, {
      id,
      name,
      content,
      filetype: options.filetype ?? 'text',
      mimetype: options.mimetype ?? 'text/plain',
    });
    return { id, name };
  }

  /** Downloads of uploaded files, in order (with the token they carried). */
  readonly fileDownloads: { id: string; token: string | undefined; at: number }[] = [];

  // ---- messages ----------------------------------------------------------------------------

  /** Top-level messages in a channel, oldest first. */
  messagesIn(channel: string): SlackMessage[] {
    return this.list(channel).filter((m) => m.thread_ts === undefined);
  }

  message(channel: string, ts: string): SlackMessage | undefined {
    return this.list(channel).find((m) => m.ts === ts);
  }

  /** Thread replies under a parent, oldest first (the parent itself excluded). */
  replies(channel: string, parentTs: string): SlackMessage[] {
    return this.list(channel).filter((m) => m.thread_ts === parentTs);
  }

  /** Every message (top-level and replies) in every channel, oldest first. */
  allMessages(): SlackMessage[] {
    return [...this.messages.values()].flat().sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** Simulates someone deleting a message; returns false if it did not exist. */
  deleteMessage(channel: string, ts: string): boolean {
    const list = this.list(channel);
    const index = list.findIndex((m) => m.ts === ts);
    if (index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** The current view object (with `id` and `hash`) of a modal. */
  view(id: string): Record<string, unknown> | undefined {
    return this.views.get(id)?.view;
  }

  // ---- response URLs -----------------------------------------------------------------------

  /** A response URL served by this fake; POSTs to it are recorded in {@link responses}. */
  responseUrl(key: string = randomBytes(6).toString('hex')): string {
    return `${this.origin}/response/${encodeURIComponent(key)}`;
  }

  responsesFor(key: string): SlackResponse[] {
    return this.responses.filter((r) => r.key === key);
  }

  /** Makes POSTs to a response URL answer `status` (e.g. 404 for an expired URL), `times` times. */
  failResponseUrl(key: string, status: number, times = Number.POSITIVE_INFINITY): void {
    this.responseFailures.set(key, { status, remaining: times });
  }

  // ---- waiting -----------------------------------------------------------------------------

  /**
   * Polls `predicate` every 10 ms until it returns a truthy value, which is returned. A throwing
   * predicate counts as "not yet" and its last error is reported on timeout, together with the
   * most recent calls.
   */
  async waitFor<T>(
    predicate: () => T | Promise<T>,
    timeoutMs = 5000,
    description?: string,
  ): Promise<Truthy<T>> {
    return pollUntil(predicate, {
      timeoutMs,
      label: 'FakeSlack',
      description,
      context: () => {
        const recent = this.calls.slice(-10).map(describeCall);
        return `${this.calls.length} call(s) recorded${recent.length ? `; most recent:\n  ${recent.join('\n  ')}` : ''}`;
      },
    });
  }

  // ---- HTTP plumbing -----------------------------------------------------------------------

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.handle(req, res);
    } catch (error) {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, { ok: false, error: 'fake_slack_internal_error', detail: errorMessage(error) });
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/files/')) {
      this.serveFile(decodeURIComponent(url.pathname.slice('/files/'.length)), req, res);
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      this.handleResponseUrl(decodeURIComponent(url.pathname.slice('/response/'.length)), req, raw, res);
      return;
    }
    const method = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname)?.[1];
    if (method === undefined) {
      sendJson(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    const { args, error: parseError } = parseArgs(req.headers['content-type'], raw, url.searchParams);
    const token =
      bearerToken(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    const failure = this.takeFailure(method);
    const fails = failure !== undefined && (failure.error !== undefined || failure.status !== undefined);
    const call: SlackCall = { method, args, token, at: Date.now() };
    if (fails) call.failed = true;
    this.calls.push(call);

    const wait = this.latencyMs + (failure?.delayMs ?? 0);
    if (wait > 0) await this.sleep(wait);
    if (res.destroyed) return;
    if (failure && fails) {
      sendFailure(res, failure);
      return;
    }
    if (parseError) {
      sendJson(res, 200, { ok: false, error: parseError });
      return;
    }
    if (token === undefined || token === '') {
      sendJson(res, 200, { ok: false, error: 'not_authed' });
      return;
    }
    sendJson(res, 200, this.invoke(method, args));
  }

  private handleResponseUrl(key: string, req: IncomingMessage, raw: string, res: ServerResponse): void {
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('method_not_allowed');
      return;
    }
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // keep the raw text; a test can still assert on it
    }
    const failure = this.responseFailures.get(key);
    const entry: SlackResponse = { key, body, at: Date.now() };
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      entry.failed = true;
      this.responses.push(entry);
      res
        .writeHead(failure.status, { 'content-type': 'text/plain' })
        .end(failure.status === 404 ? 'expired_url' : 'error');
      return;
    }
    this.responses.push(entry);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  }

  private takeFailure(method: string): SlackFailure | undefined {
    for (const key of [method, '*']) {
      const queue = this.failures.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      return head.failure;
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  // ---- Web API methods ---------------------------------------------------------------------

  private invoke(method: string, args: Args): Reply {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'peeker',
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.updateMessage(args);
      case 'chat.delete':
        return this.chatDelete(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'conversations.history':
        return this.history(args);
      case 'conversations.replies':
        return this.conversationReplies(args);
      case 'conversations.info':
        return this.conversationInfo(args);
      case 'conversations.join':
        return this.conversationJoin(args);
      case 'views.open':
      case 'views.push':
        return this.openView(args);
      case 'views.update':
        return this.updateView(args);
      case 'views.publish':
        return this.publishView(args);
      case 'files.info':
        return this.fileInfo(args);
      case 'users.info':
        return this.userInfo(args);
      case 'apps.connections.open':
        return this.socketModeUrl === undefined ? { ok: true } : { ok: true, url: this.socketModeUrl };
      default:
        return { ok: true };
    }
  }

  private postMessage(args: Args): Reply {
    const channel = str(args.channel);
    const denied = this.postDenied(channel);
    if (denied || !channel) return fail(denied ?? 'channel_not_found');
    const problem = blocksProblem(args.blocks, this.blockTextLimit);
    if (problem) return fail(problem);
    const blocks = Array.isArray(args.blocks) ? args.blocks : undefined;
    let threadTs = str(args.thread_ts) || undefined;
    if (threadTs) {
      const parent = this.message(channel, threadTs);
      if (!parent) return fail('thread_not_found');
      // Slack threads a reply-to-a-reply under the root; keep the model flat in the same way.
      threadTs = parent.thread_ts ?? parent.ts;
    }
    const text = str(args.text);
    const metadata = args.metadata === '' ? undefined : args.metadata;
    const message: SlackMessage = {
      channel,
      ts: this.nextTs(),
      text,
      blocks,
      thread_ts: threadTs,
      metadata,
      edits: 0,
      history: [{ text, blocks }],
    };
    this.list(channel).push(message);
    return {
      ok: true,
      channel,
      ts: message.ts,
      message: {
        type: 'message',
        user: BOT_USER_ID,
        bot_id: BOT_ID,
        text: text ?? '',
        blocks,
        ts: message.ts,
        thread_ts: threadTs,
        metadata,
      },
    };
  }

  private updateMessage(args: Args): Reply {
    const channel = str(args.channel);
    if (!channel || !this.channelState(channel).exists) return fail('channel_not_found');
    if (this.channelState(channel).isArchived) return fail('is_archived');
    const ts = str(args.ts);
    const message = ts ? this.message(channel, ts) : undefined;
    if (!message) return fail('message_not_found');
    const problem = blocksProblem(args.blocks, this.blockTextLimit);
    if (problem) return fail(problem);
    const blocks = Array.isArray(args.blocks) ? args.blocks : undefined;
    if (args.text !== undefined) message.text = str(args.text);
    if (Array.isArray(blocks)) message.blocks = blocks; // omitted keeps the old blocks, [] removes them
    if (args.metadata !== undefined && args.metadata !== '') message.metadata = args.metadata;
    message.edits += 1;
    message.history.push({ text: message.text, blocks: message.blocks });
    return {
      ok: true,
      channel,
      ts: message.ts,
      text: message.text ?? '',
      message: { text: message.text ?? '', blocks: message.blocks, user: BOT_USER_ID, bot_id: BOT_ID },
    };
  }

  private chatDelete(args: Args): Reply {
    const channel = str(args.channel);
    const ts = str(args.ts);
    if (!channel || !this.channelState(channel).exists) return fail('channel_not_found');
    if (!ts || !this.deleteMessage(channel, ts)) return fail('message_not_found');
    return { ok: true, channel, ts };
  }

  private postEphemeral(args: Args): Reply {
    const channel = str(args.channel);
    const denied = this.postDenied(channel);
    if (denied || !channel) return fail(denied ?? 'channel_not_found');
    const user = str(args.user);
    if (!user) return fail('user_not_found');
    const blocks = Array.isArray(args.blocks) ? args.blocks : undefined;
    const messageTs = this.nextTs();
    this.ephemerals.push({
      channel,
      user,
      text: str(args.text),
      blocks,
      thread_ts: str(args.thread_ts) || undefined,
      message_ts: messageTs,
      at: Date.now(),
    });
    return { ok: true, message_ts: messageTs };
  }

  private history(args: Args): Reply {
    const channel = str(args.channel);
    const denied = this.readDenied(channel);
    if (denied || !channel) return fail(denied ?? 'channel_not_found');
    const inclusive = truthy(args.inclusive);
    const oldest = tsMicros(str(args.oldest));
    const latest = tsMicros(str(args.latest));
    const limit = positiveInt(args.limit) ?? 100;
    const withMeta = truthy(args.include_all_metadata);
    const matching = this.messagesIn(channel)
      .filter((m) => {
        const at = tsMicros(m.ts) ?? 0n;
        if (oldest !== undefined && (inclusive ? at < oldest : at <= oldest)) return false;
        if (latest !== undefined && (inclusive ? at > latest : at >= latest)) return false;
        return true;
      })
      .reverse();
    const page = matching.slice(0, limit);
    return {
      ok: true,
      messages: page.map((m) => this.render(m, withMeta)),
      has_more: matching.length > page.length,
      response_metadata: { next_cursor: '' },
    };
  }

  private conversationReplies(args: Args): Reply {
    const channel = str(args.channel);
    const denied = this.readDenied(channel);
    if (denied || !channel) return fail(denied ?? 'channel_not_found');
    const ts = str(args.ts);
    const parent = ts ? this.message(channel, ts) : undefined;
    if (!parent) return fail('thread_not_found');
    const root = parent.thread_ts ?? parent.ts;
    const rootMessage = this.message(channel, root);
    const withMeta = truthy(args.include_all_metadata);
    const thread = [...(rootMessage ? [rootMessage] : []), ...this.replies(channel, root)];
    return {
      ok: true,
      messages: thread.map((m) => this.render(m, withMeta)),
      has_more: false,
      response_metadata: { next_cursor: '' },
    };
  }

  private conversationInfo(args: Args): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const state = this.channelState(channel);
    if (!state.exists || (state.isPrivate && !state.isMember)) return fail('channel_not_found');
    return { ok: true, channel: renderChannel(state) };
  }

  private conversationJoin(args: Args): Reply {
    const channel = str(args.channel);
    if (!channel) return fail('channel_not_found');
    const state = this.channelState(channel);
    if (!state.exists || (state.isPrivate && !state.isMember)) return fail('channel_not_found');
    if (state.isArchived) return fail('is_archived');
    const joined = { ...state, isMember: true };
    this.channels.set(channel, joined);
    return { ok: true, channel: renderChannel(joined) };
  }

  private openView(args: Args): Reply {
    const trigger = str(args.trigger_id);
    if (!trigger) return fail('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
    if (this.expiredTriggers.has(trigger)) return fail('expired_trigger_id');
    const problems = checkView(args.view);
    if (problems) return fail('invalid_arguments', problems);
    const stored = this.storeView(this.newViewId(), args.view as Args);
    return { ok: true, view: stored.view };
  }

  private updateView(args: Args): Reply {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    if (!viewId && !externalId)
      return fail('invalid_arguments', ['[ERROR] view_id or external_id is required']);
    const id = viewId
      ? this.views.has(viewId)
        ? viewId
        : undefined
      : [...this.views.entries()].find(([, v]) => v.view.external_id === externalId)?.[0];
    const current = id === undefined ? undefined : this.views.get(id);
    if (id === undefined || !current) return fail('not_found');
    const hash = str(args.hash);
    if (hash && hash !== current.hash) return fail('hash_conflict');
    const problems = checkView(args.view);
    if (problems) return fail('invalid_arguments', problems);
    const next = { ...(args.view as Args) };
    if (next.external_id === undefined && current.view.external_id !== undefined) {
      next.external_id = current.view.external_id;
    }
    return { ok: true, view: this.storeView(id, next).view };
  }

  private publishView(args: Args): Reply {
    const userId = str(args.user_id);
    if (!userId) return fail('invalid_arguments', ['[ERROR] missing required field: user_id']);
    const problems = checkView(args.view);
    if (problems) return fail('invalid_arguments', problems);
    const current = this.homeViews.get(userId);
    const hash = str(args.hash);
    if (current && hash && hash !== current.hash) return fail('hash_conflict');
    const id = typeof current?.view.id === 'string' ? current.view.id : this.newViewId();
    const hashValue = this.newHash();
    const stored: StoredView = { view: { ...(args.view as Args), id, hash: hashValue }, hash: hashValue };
    this.homeViews.set(userId, stored);
    return { ok: true, view: stored.view };
  }

  private fileInfo(args: Args): Reply {
    const file = this.files.get(str(args.file) ?? '');
    if (!file) return fail('file_not_found');
    return {
      ok: true,
      file: {
        id: file.id,
        name: file.name,
        filetype: file.filetype,
        mimetype: file.mimetype,
        size: Buffer.byteLength(file.content, 'utf8'),
        url_private: `${this.origin}/files/${encodeURIComponent(file.id)}`,
        url_private_download: `${this.origin}/files/${encodeURIComponent(file.id)}?download=1`,
      },
    };
  }

  /** A file's content, for a request with a bearer token (Slack serves private files only so). */
  private serveFile(id: string, req: IncomingMessage, res: ServerResponse): void {
    const file = this.files.get(id);
    this.fileDownloads.push({ id, token: bearerToken(req.headers.authorization), at: Date.now() });
    if (!bearerToken(req.headers.authorization)) {
      res.writeHead(302, { location: 'https://fake.slack.com/login' }).end();
      return;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.mimetype }).end(file.content);
  }

  private userInfo(args: Args): Reply {
    const id = str(args.user);
    if (!id) return fail('user_not_found');
    const name = `user-${id}`;
    return {
      ok: true,
      user: {
        id,
        team_id: TEAM_ID,
        name,
        real_name: name,
        tz: 'UTC',
        tz_offset: 0,
        is_bot: false,
        profile: { display_name: name, real_name: name },
        ...(this.users.get(id) ?? {}),
      },
    };
  }

  // ---- helpers -----------------------------------------------------------------------------

  private list(channel: string): SlackMessage[] {
    let list = this.messages.get(channel);
    if (!list) {
      list = [];
      this.messages.set(channel, list);
    }
    return list;
  }

  private channelState(id: string): FakeChannel {
    return (
      this.channels.get(id) ?? {
        id,
        name: defaultChannelName(id),
        exists: true,
        isMember: true,
        isPrivate: false,
        isArchived: false,
      }
    );
  }

  /** Why the bot may not post in a channel (chat:write.public covers public non-member channels). */
  private postDenied(channel: string | undefined): string | undefined {
    if (!channel) return 'channel_not_found';
    const state = this.channelState(channel);
    if (!state.exists) return 'channel_not_found';
    if (state.isArchived) return 'is_archived';
    if (state.isPrivate && !state.isMember) return 'not_in_channel';
    return undefined;
  }

  private readDenied(channel: string | undefined): string | undefined {
    if (!channel) return 'channel_not_found';
    const state = this.channelState(channel);
    if (!state.exists || (state.isPrivate && !state.isMember)) return 'channel_not_found';
    if (!state.isMember) return 'not_in_channel';
    return undefined;
  }

  private render(message: SlackMessage, withMetadata: boolean): Reply {
    const out: Reply = {
      type: 'message',
      user: BOT_USER_ID,
      bot_id: BOT_ID,
      ts: message.ts,
      text: message.text ?? '',
    };
    if (message.blocks !== undefined) out.blocks = message.blocks;
    if (message.thread_ts !== undefined) {
      out.thread_ts = message.thread_ts;
    } else {
      const replies = this.replies(message.channel, message.ts);
      const last = replies.at(-1);
      if (last) {
        out.thread_ts = message.ts;
        out.reply_count = replies.length;
        out.latest_reply = last.ts;
      }
    }
    if (message.edits > 0) out.edited = { user: BOT_USER_ID, ts: message.ts };
    if (withMetadata && message.metadata !== undefined) out.metadata = message.metadata;
    return out;
  }

  private storeView(id: string, view: Args): StoredView {
    const hash = this.newHash();
    const stored: StoredView = { view: { ...view, id, hash }, hash };
    this.views.set(id, stored);
    return stored;
  }

  private newViewId(): string {
    this.viewSeq += 1;
    return `V${String(this.viewSeq).padStart(4, '0')}${randomBytes(3).toString('hex').toUpperCase()}`;
  }

  private newHash(): string {
    return `h${Date.now()}.${randomBytes(4).toString('hex')}`;
  }

  /**
   * Unique, strictly increasing, Slack-shaped timestamps from the wall clock (microsecond
   * resolution), like Slack's: crash recovery looks posts up by time (`conversations.history`
   * with `oldest`), so they must be real times.
   */
  private nextTs(): string {
    const now = BigInt(Date.now()) * 1000n;
    this.lastTsMicros = now > this.lastTsMicros ? now : this.lastTsMicros + 1n;
    const micros = this.lastTsMicros;
    return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
  }
}

function fail(error: string, messages?: string[]): Reply {
  return messages ? { ok: false, error, response_metadata: { messages } } : { ok: false, error };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function sendFailure(res: ServerResponse, failure: SlackFailure): void {
  if (failure.status !== undefined && failure.status !== 200) {
    if (failure.status === 429) {
      res.setHeader('Retry-After', String(failure.retryAfterSeconds ?? 1));
      sendJson(res, 429, { ok: false, error: 'ratelimited' });
      return;
    }
    res.writeHead(failure.status, { 'content-type': 'text/plain' }).end(failure.error ?? '');
    return;
  }
  sendJson(res, 200, { ok: false, error: failure.error ?? 'fatal_error' });
}

function checkView(view: unknown): string[] | undefined {
  if (!isRecord(view)) return ['[ERROR] missing required field: view'];
  const problems: string[] = [];
  if (typeof view.type !== 'string')
    problems.push('[ERROR] missing required field: type [json-pointer:/view/type]');
  if (!Array.isArray(view.blocks)) {
    problems.push('[ERROR] missing required field: blocks [json-pointer:/view/blocks]');
  } else if (view.blocks.length > MAX_VIEW_BLOCKS) {
    problems.push(`[ERROR] no more than ${MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]`);
  }
  for (const key of ['title', 'submit', 'close']) {
    const field = view[key];
    if (isRecord(field) && typeof field.text === 'string' && field.text.length > MAX_VIEW_TITLE) {
      problems.push(
        `[ERROR] must be less than ${MAX_VIEW_TITLE + 1} characters [json-pointer:/view/${key}/text]`,
      );
    }
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > MAX_PRIVATE_METADATA) {
    problems.push(
      `[ERROR] must be less than ${MAX_PRIVATE_METADATA + 1} characters [json-pointer:/view/private_metadata]`,
    );
  }
  return problems.length > 0 ? problems : undefined;
}

function renderChannel(state: FakeChannel): Reply {
  return {
    id: state.id,
    name: state.name,
    is_channel: !state.isPrivate,
    is_group: state.isPrivate,
    is_private: state.isPrivate,
    is_member: state.isMember,
    is_archived: state.isArchived,
  };
}

function parseArgs(
  contentType: string | undefined,
  raw: string,
  query: URLSearchParams,
): { args: Args; error?: string } {
  const args: Args = {};
  for (const [key, value] of query) args[key] = decodeField(key, value);
  if ((contentType ?? '').toLowerCase().includes('application/json')) {
    if (raw.trim() === '') return { args };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { args, error: 'invalid_json' };
    }
    if (!isRecord(parsed)) return { args, error: 'invalid_json' };
    for (const [key, value] of Object.entries(parsed)) {
      args[key] = typeof value === 'string' ? decodeField(key, value) : value;
    }
    return { args };
  }
  for (const [key, value] of new URLSearchParams(raw)) args[key] = decodeField(key, value);
  return { args };
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `'1700000000.000100'` → microseconds; undefined for anything that is not a Slack timestamp. */
function tsMicros(ts: string | undefined): bigint | undefined {
  if (ts === undefined || ts === '') return undefined;
  const match = /^(\d+)(?:\.(\d{0,6}))?$/.exec(ts);
  if (!match) return undefined;
  return BigInt(match[1] ?? '0') * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
}

function compareTs(a: string, b: string): number {
  const x = tsMicros(a) ?? 0n;
  const y = tsMicros(b) ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

function defaultChannelName(id: string): string {
  return `channel-${id.toLowerCase()}`;
}

function describeCall(call: SlackCall): string {
  const { token: _token, ...rest } = call.args;
  const args = JSON.stringify(rest);
  return `${call.method}${call.failed ? ' [failed]' : ''} ${args.length > 160 ? `${args.slice(0, 157)}...` : args}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
