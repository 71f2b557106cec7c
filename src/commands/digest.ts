import type { DigestBuilder } from '../services/digest.js';
import { renderDigest, renderDigestNothing } from '../views/digest.js';
import { type CommandArgs, type CommandDeps, countCommand } from './context.js';

/** What `/peeker digest` needs. */
export interface DigestCommandDeps {
  builder: DigestBuilder;
  /** Learns the workspace URL for thread links (once; returns at once afterwards). */
  loadLinks: () => Promise<void>;
}

/** The workspace URL is looked up at most this long before answering (Slack's deadline is 3 s). */
const LINKS_WAIT_MS = 500;

/**
 * `/peeker digest`: what needs a person now — the same list the scheduled digest posts — answered
 * ephemerally in the acknowledgement (SQLite only, no Peeker call).
 */
export async function handleDigest({ ack }: CommandArgs, deps: CommandDeps): Promise<void> {
  if (!deps.digest) {
    await ack({ response_type: 'ephemeral', text: '`/peeker digest` is not available.' });
    return countCommand(deps, 'digest', 'not_available');
  }
  const { builder, loadLinks } = deps.digest;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    loadLinks(),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, LINKS_WAIT_MS))),
  ]);
  clearTimeout(timer);
  const model = builder.build(deps.now());
  await ack({
    response_type: 'ephemeral',
    ...(model.sections.length > 0 ? renderDigest(model) : renderDigestNothing(builder.stuckAfterMs)),
  });
  countCommand(deps, 'digest', 'ok');
}
