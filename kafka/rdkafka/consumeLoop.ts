import type { KafkaConsumer, LibrdKafkaError, Message } from 'node-rdkafka';

/**
 * node-rdkafka's flowing mode: a native thread blocks in librdkafka for up to 500 ms waiting for a record and hands
 * each one over at once (its typings describe the batch form of consume(); the loop form calls back per message).
 */
export function consumeLoop(
  consumer: KafkaConsumer,
  onMessage: (m: Message) => void,
  onError: (err: LibrdKafkaError) => void,
): void {
  consumer.setDefaultConsumeTimeout(500);
  // Never sleep after an idle timeout: the next record must not wait for a nap to end.
  consumer.setDefaultConsumeLoopTimeoutDelay(0);
  const loop = consumer.consume.bind(consumer) as unknown as (
    cb: (err: LibrdKafkaError | null, message: Message | undefined) => void,
  ) => void;
  loop((err, message) => {
    if (err) onError(err);
    else if (message !== undefined) onMessage(message);
  });
}
