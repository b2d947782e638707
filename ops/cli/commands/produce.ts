import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseJsonStrict } from '../../../core/canonical/parseJsonStrict.js';
import { isParmanaError } from '../../../core/errors/ParmanaError.js';
import { createExecutionProducer } from '../../../producers/createExecutionProducer.js';
import { validateExecutionRequest } from '../../../producers/validateExecutionRequest.js';
import { loadConfig } from '../../config/config.js';
import { option, requiredOption, UsageError } from '../args.js';
import { runDemo } from '../../demo/runDemo.js';
import type { Command } from '../command.js';
import { kafkaConnection } from '../../runtime/kafkaConnection.js';

const BATCH = 500;

const produce: Command = {
  path: ['produce'],
  usage: 'produce --file <requests.jsonl>',
  summary: 'Submit execution requests (one JSON object per line) through the producer SDK',
  async run(args, io) {
    const config = loadConfig(io.env, 'cli');
    const file = resolve(io.cwd, requiredOption(args, '--file'));
    const lines = readFileSync(file, 'utf8').split('\n');
    const valid: unknown[] = [];
    let refused = 0;
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const raw = parseJsonStrict(line);
        const checked = validateExecutionRequest(raw, { maxRequestBytes: config.maxRequestBytes });
        if (!checked.ok) throw checked.error;
        valid.push(raw);
      } catch (err) {
        refused++;
        io.stderr(`line ${i + 1}: ${isParmanaError(err) ? err.message : String(err)}`);
      }
    });
    if (valid.length === 0) {
      // Nothing to send: no need for Kafka at all (and a file of only bad lines still gets its report).
      io.stdout(`produced 0 request(s) to ${config.topicRequests}; refused ${refused}`);
      return refused === 0 ? 0 : 1;
    }
    const producer = createExecutionProducer({
      brokers: config.kafkaBrokers,
      sasl: kafkaConnection(config, 'producer', io.cwd).sasl,
      clientId: `${config.clientId}-produce`,
      registryUrl: config.schemaRegistryUrl,
      topic: config.topicRequests,
      maxRequestBytes: config.maxRequestBytes,
    });
    await producer.connect();
    let sent = 0;
    try {
      for (let i = 0; i < valid.length; i += BATCH)
        sent += (await producer.submitBatch(valid.slice(i, i + BATCH))).count;
    } catch (err) {
      // Transient faults were already retried (registry: ~30 s; Kafka: the client's delivery timeout). What was
      // acknowledged is in Kafka; the rest was not sent and can be submitted again.
      io.stderr(
        `produced ${sent} of ${valid.length} request(s) to ${config.topicRequests} before: ${err instanceof Error ? err.message : String(err)}`,
      );
      return 1;
    } finally {
      await producer.disconnect();
    }
    io.stdout(`produced ${sent} request(s) to ${config.topicRequests}; refused ${refused}`);
    return refused === 0 ? 0 : 1;
  },
};

const demo: Command = {
  path: ['demo'],
  usage: 'demo [--count N]',
  summary: 'Start worker and sinks, push a sample workload through, check every outcome landed and verifies',
  async run(args, io) {
    const config = loadConfig(io.env, 'stack');
    const count = Number(option(args, '--count') ?? '2000');
    if (!Number.isSafeInteger(count) || count < 1) throw new UsageError('--count is a positive integer');
    const ok = await runDemo(config, io.cwd, { ...io.env }, count, io.stdout);
    io.stdout(ok ? 'demo OK' : 'demo FAILED');
    return ok ? 0 : 1;
  },
};

/** `parmana produce` and `parmana demo`. */
export const produceCommands: readonly Command[] = [produce, demo];
