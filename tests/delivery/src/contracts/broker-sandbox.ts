import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A broker the service under capture may fill freely, and remove in one go afterwards. */
export interface BrokerSandbox {
  /** AMQP URL of the sandbox (its own virtual host). */
  url: string;
  /** Prefix for exchange and queue names when no virtual host could be made (else ''). */
  namespace: string;
  dispose(): Promise<void>;
}

/**
 * A RabbitMQ virtual host of its own, so whatever a service declares (exchanges, quorum queues,
 * retry and dead-letter queues) goes away with one `delete_vhost`. Made through the management
 * API when `RABBITMQ_MANAGEMENT_URL` is set (CI's broker container), else with `rabbitmqctl` on
 * this machine. Without either, a name prefix on the shared virtual host is the fallback, and
 * what the service declared stays behind.
 */
export async function createBrokerSandbox(baseUrl: string, label: string): Promise<BrokerSandbox> {
  const vhost = `bazaar-${label}`;
  const base = new URL(baseUrl);
  const user = decodeURIComponent(base.username || 'guest');
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(vhost)}`;

  const management = process.env.RABBITMQ_MANAGEMENT_URL;
  if (management) {
    const api = new URL(management);
    const auth = `Basic ${Buffer.from(`${decodeURIComponent(api.username || user)}:${decodeURIComponent(api.password || base.password || 'guest')}`).toString('base64')}`;
    api.username = '';
    api.password = '';
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(new URL(path, api), {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok && response.status !== 404) {
        throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      }
    };
    const v = encodeURIComponent(vhost);
    await call('PUT', `/api/vhosts/${v}`, {});
    await call('PUT', `/api/permissions/${v}/${encodeURIComponent(user)}`, {
      configure: '.*',
      write: '.*',
      read: '.*',
    });
    return {
      url: url.toString(),
      namespace: '',
      dispose: () => call('DELETE', `/api/vhosts/${v}`),
    };
  }

  try {
    await run('rabbitmqctl', ['-q', 'add_vhost', vhost]);
    await run('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, user, '.*', '.*', '.*']);
    return {
      url: url.toString(),
      namespace: '',
      dispose: async () => {
        await run('rabbitmqctl', ['-q', 'delete_vhost', vhost]);
      },
    };
  } catch {
    return { url: baseUrl, namespace: `${label}.`, dispose: async () => undefined };
  }
}
