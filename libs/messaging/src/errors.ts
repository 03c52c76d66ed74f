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

/**
 * The broker returned a `mandatory` message: no queue is bound to its routing key. Built
 * without a stack trace: the relay keeps such a row as a fact nobody listens to yet (every
 * `order.confirmed` until something subscribes to it) and reads only the routing key and the
 * reply text; a stack capture per returned message was most of what building one cost.
 */
export class UnroutableError extends Error {
  readonly routingKey: string;
  readonly replyText: string;

  constructor(routingKey: string, replyText: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`unroutable: no queue bound to ${routingKey} (${replyText})`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'UnroutableError';
    this.routingKey = routingKey;
    this.replyText = replyText;
  }
}

/** No broker connection right now; the caller backs off and tries again. */
export class BrokerUnavailableError extends Error {
  constructor(message = 'the message broker is not connected') {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}
