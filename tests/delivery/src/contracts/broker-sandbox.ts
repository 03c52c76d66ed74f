import { managementApi } from '@bazaar/messaging/testing';

/** A broker the service under capture may fill freely, and remove in one go afterwards. */
export interface BrokerSandbox {
  /** AMQP URL of the sandbox (its own virtual host). */
  url: string;
  /** Prefix for exchange and queue names ('': the sandbox is a virtual host of its own). */
  namespace: string;
  dispose(): Promise<void>;
}

/**
 * A RabbitMQ virtual host of its own, so whatever a service declares (exchanges, quorum queues,
 * retry and dead-letter queues) goes away with one delete. Made through the broker's management
 * API (`RABBITMQ_MANAGEMENT_URL`, else port 15672 of the AMQP URL's host: see
 * `testManagementUrl()`), which `pnpm test`'s global setup checks before any test runs.
 */
export async function createBrokerSandbox(baseUrl: string, label: string): Promise<BrokerSandbox> {
  const vhost = `bazaar-${label}`;
  const user = decodeURIComponent(new URL(baseUrl).username || 'guest');
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  const v = encodeURIComponent(vhost);
  await managementApi('PUT', `vhosts/${v}`, {});
  await managementApi('PUT', `permissions/${v}/${encodeURIComponent(user)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  return {
    url: url.toString(),
    namespace: '',
    dispose: async () => {
      await managementApi('DELETE', `vhosts/${v}`);
    },
  };
}
