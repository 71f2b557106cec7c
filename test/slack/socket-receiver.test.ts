import { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { ResilientSocketModeReceiver } from '../../src/slack/socket-receiver.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { FakeSocketMode } from '../fakes/fake-socket-mode.js';
import { BOT_TOKEN } from '../helpers/harness.js';
import { slashCommandForm } from '../helpers/slack-requests.js';

let app: App | undefined;
let slack: FakeSlack | undefined;
let socket: FakeSocketMode | undefined;
afterEach(async () => {
  await app?.stop();
  await socket?.stop();
  await slack?.stop();
  app = undefined;
  socket = undefined;
  slack = undefined;
});

describe('ResilientSocketModeReceiver onEnvelope', () => {
  it('counts an envelope as being answered from its arrival until its ack, not until its listener ends', async () => {
    slack = await FakeSlack.start();
    socket = await FakeSocketMode.start();
    slack.setSocketModeUrl(socket.url);
    const timeline: string[] = [];
    let open = 0;
    const receiver = new ResilientSocketModeReceiver({
      appToken: 'xapp-1-A000FAKE-123-abc',
      logger: createLogger({ level: 'silent', scrubber: new SecretScrubber([]), write: () => undefined }),
      clientOptions: { slackApiUrl: slack.url },
      onEnvelope: () => {
        open += 1;
        timeline.push(`arrived (${open} open)`);
        return () => {
          open -= 1;
          timeline.push(`answered (${open} open)`);
        };
      },
    });
    let finishListener: () => void = () => undefined;
    const listenerDone = new Promise<void>((resolve) => {
      finishListener = resolve;
    });
    app = new App({
      token: BOT_TOKEN,
      receiver,
      tokenVerificationEnabled: false,
      clientOptions: { slackApiUrl: slack.url },
    });
    app.command('/peeker', async ({ ack }) => {
      timeline.push('listener acks');
      await ack('ok');
      // Work after the ack: the envelope no longer holds background work back.
      await listenerDone;
      timeline.push('listener ends');
    });
    await app.start();
    await socket.waitForConnection(1);

    const form = Object.fromEntries(
      new URLSearchParams(slashCommandForm({ text: 'help', responseUrl: slack.responseUrl() })),
    );
    const acked = await socket.slashCommand(form);
    expect(acked.payload).toMatchObject({ text: 'ok' });
    expect(timeline).toEqual(['arrived (1 open)', 'listener acks', 'answered (0 open)']);

    finishListener();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The listener's end does not call the release a second time.
    expect(timeline).toEqual(['arrived (1 open)', 'listener acks', 'answered (0 open)', 'listener ends']);
  });
});
