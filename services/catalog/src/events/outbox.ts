// The catalog writes every event through its outbox, in the transaction of the change.
export { writeEvent } from '@bazaar/messaging';
