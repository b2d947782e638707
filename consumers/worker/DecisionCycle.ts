import type { OutgoingRecord, TransactionalProducer } from '../../kafka/KafkaClient.js';
import { BatchCycle, type CycleChunk, type CycleReport } from '../cycle/BatchCycle.js';

export type { CycleChunk, CycleReport } from '../cycle/BatchCycle.js';

/** Decides every chunk of a cycle at once (one Redis round trip per step for all of them) and returns the outputs. */
export type CycleDecide = (chunks: readonly CycleChunk[]) => Promise<readonly OutgoingRecord[]>;

/**
 * The worker's cycles: the outputs of a cycle's chunks and every source offset in one Kafka transaction (see
 * BatchCycle for how cycles form and overlap).
 */
export class DecisionCycle extends BatchCycle<readonly OutgoingRecord[]> {
  constructor(
    decide: CycleDecide,
    producer: TransactionalProducer,
    maxBytes: number,
    onCycle?: (report: CycleReport) => void,
    clock?: () => number,
  ) {
    super(decide, (records, offsets) => producer.commit(records, offsets), maxBytes, onCycle, clock);
  }
}
