/**
 * A post that lands just before a crash must not be posted again after the restart. The app finds
 * such a post in the channel's history by its metadata — which it can only read where the bot is a
 * member. In a public channel it could post to without joining (`chat:write.public`), the app now
 * joins first (`conversations.join`), so the lookup works there too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../fakes/fake-slack.js';
import { FakePeeker } from '../fakes/peeker/index.js';
import { ChildApps, childEnv, queuesEmpty, sendCommand, waitUntil } from '../helpers/child-app.js';
import { type SlackProxy, startSlackProxy } from '../helpers/slack-proxy.js';

const PUBLIC = 'CPUBLIC1';
const apps = new ChildApps();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await apps.killAll();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('crash between Slack accepting a post and the app recording it', () => {
  it('in a public channel the bot was not in, the post is found after the restart, not repeated', async () => {
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    const proxy: SlackProxy = await startSlackProxy(slack.url);
    const dir = mkdtempSync(join(tmpdir(), 'peeker-crash-public-'));
    cleanups.push(async () => {
      await proxy.stop();
      await slack.stop();
      await peeker.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    slack.setChannel(PUBLIC, { isMember: false, isPrivate: false });
    const env = childEnv(slack, peeker, join(dir, 'db.sqlite'), { SLACK_API_URL: proxy.url });

    const first = await apps.start(env);
    let held = false;
    // Slack stores the instructions; the app never hears back (it is killed before the answer).
    proxy.hold = ({ method, args }) => {
      if (method !== 'chat.postMessage' || args.get('channel') !== PUBLIC || args.get('thread_ts'))
        return false;
      held = true;
      return true;
    };
    expect((await sendCommand(first, slack, `import acme-mail.com in <#${PUBLIC}|acme>`)).status).toBe(200);
    await waitUntil(() => held, 'Slack to accept the instructions post', { app: first });
    await apps.kill9(first);
    proxy.hold = undefined;
    expect(slack.messagesIn(PUBLIC)).toHaveLength(1);
    expect(slack.callsTo('conversations.join').map((call) => call.args.channel)).toContain(PUBLIC);

    const second = await apps.start(env);
    await waitUntil(() => queuesEmpty(second), 'the restarted app to settle', {
      app: second,
      timeoutMs: 20_000,
    });
    expect(slack.messagesIn(PUBLIC)).toHaveLength(1);
    expect(
      slack.callsTo('conversations.history').some((call) => call.args.channel === PUBLIC),
      'the restarted app looked the post up in the channel',
    ).toBe(true);
  });
});
