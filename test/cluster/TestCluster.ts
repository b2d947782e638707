import { loadConfig } from '../../ops/config/config.js';
import {
  clusterLayout,
  kafkaNodePid,
  kafkaPartFor,
  layoutBrokers,
  type KafkaLayout,
} from '../../ops/stack/kafkaPart.js';
import { stackContext } from '../../ops/stack/runStack.js';
import type { StackContext } from '../../ops/stack/StackPart.js';

/** The stack's three-node KRaft cluster (`stack up --brokers 3`), started and stopped by the cluster tests. */
export class TestCluster {
  readonly ctx: StackContext;
  readonly layout: KafkaLayout;
  private readonly part = kafkaPartFor((ctx) => clusterLayout(ctx, 3));

  constructor() {
    this.ctx = stackContext(loadConfig(process.env, 'stack'), process.cwd(), () => undefined);
    this.layout = clusterLayout(this.ctx, 3);
  }

  get brokers(): string[] {
    return layoutBrokers(this.layout);
  }

  /** Starts every node that is not running and waits until all three brokers answer. */
  async up(): Promise<void> {
    await this.part.up(this.ctx);
  }

  async down(): Promise<void> {
    await this.part.down(this.ctx);
  }

  /** kill -9 of the node with this broker id: no clean shutdown, no leadership handed over. */
  kill(brokerId: number): void {
    const node = this.layout.nodes.find((n) => n.id === brokerId);
    const pid = node === undefined ? undefined : kafkaNodePid(node);
    if (pid === undefined) throw new Error(`broker ${brokerId} is not running`);
    process.kill(pid, 'SIGKILL');
  }
}
