import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through proxy in front of the fake Slack Web API. It lets a test kill the app in the one
 * window a crash can duplicate a post: Slack has accepted (and stored) the message, but the app
 * has not heard back yet. `hold` sees every answer after the fake produced it; returning true
 * withholds it from the app (the request then hangs until the app dies).
 */
export interface SlackProxy {
  url: string;
  hold: ((call: { method: string; args: URLSearchParams; answer: string }) => boolean) | undefined;
  stop(): Promise<void>;
}

export async function startSlackProxy(target: string): Promise<SlackProxy> {
  const proxy: SlackProxy = { url: '', hold: undefined, stop: async () => undefined };
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').replace(/^\/api\//, '');
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'authorization']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      let answer: Response;
      try {
        answer = await fetch(`${target}${path}`, {
          method: req.method ?? 'POST',
          headers,
          ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: raw }),
        });
      } catch {
        res.destroy();
        return;
      }
      const body = await answer.text();
      const method = path.split('?')[0] ?? '';
      const args = (headers['content-type'] ?? '').includes('json')
        ? new URLSearchParams(
            Object.entries(JSON.parse(raw || '{}') as Record<string, unknown>).map(
              ([k, v]): [string, string] => [k, String(v)],
            ),
          )
        : new URLSearchParams(raw);
      if (proxy.hold?.({ method, args, answer: body })) return;
      const out: Record<string, string> = {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      };
      const retryAfter = answer.headers.get('retry-after');
      if (retryAfter) out['retry-after'] = retryAfter;
      res.writeHead(answer.status, out).end(body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  proxy.stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return proxy;
}
