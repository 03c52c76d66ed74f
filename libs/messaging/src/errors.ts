/**
 * Thrown by a handler for input that can never succeed (an unknown order, a state that rules the
 * event out): the message goes straight to the dead-letter queue instead of being retried.
 */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** The broker returned a `mandatory` message: no queue is bound to its routing key. */
export class UnroutableError extends Error {
  constructor(
    readonly routingKey: string,
    readonly replyText: string,
  ) {
    super(`unroutable: no queue bound to ${routingKey} (${replyText})`);
    this.name = 'UnroutableError';
  }
}

/** No broker connection right now; the caller backs off and tries again. */
export class BrokerUnavailableError extends Error {
  constructor(message = 'the message broker is not connected') {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}
