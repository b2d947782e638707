import type { KafkaClientName } from '../../../kafka/KafkaClient.js';
import { KAFKA_CLIENTS } from '../../../kafka/createKafkaClient.js';
import { signerBench } from '../../bench/signerBench.js';
import { loadConfig } from '../../config/config.js';
import { option, UsageError } from '../args.js';
import type { Command } from '../command.js';

const benchSigner: Command = {
  path: ['bench', 'signer'],
  usage:
    'bench signer [--signatures N] [--count N] [--runs N] [--client rdkafka|kafkajs] (after dev init --signer pkcs11)',
  summary: 'Signatures/s and pipeline decisions/s with the file key and with the SoftHSM2 token, side by side',
  async run(args, io) {
    const signatures = Number(option(args, '--signatures') ?? '20000');
    const count = Number(option(args, '--count') ?? '20000');
    const runs = Number(option(args, '--runs') ?? '1');
    const client = (option(args, '--client') ?? 'rdkafka') as KafkaClientName;
    if (!KAFKA_CLIENTS.includes(client)) throw new UsageError(`--client is one of ${KAFKA_CLIENTS.join(', ')}`);
    if (![signatures, count, runs].every((n) => Number.isSafeInteger(n) && n > 0))
      throw new UsageError('--signatures, --count and --runs are positive integers');
    await signerBench({
      config: loadConfig(io.env, 'stack'),
      root: io.cwd,
      env: { ...io.env },
      signatures,
      count,
      runs,
      client,
      print: io.stdout,
    });
    return 0;
  },
};

/** `parmana bench signer`. */
export const benchSignerCommands: readonly Command[] = [benchSigner];
