import { mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Config } from '../config/config.js';
import { STACK_PARTS } from './stackParts.js';
import type { StackContext, StackPart } from './StackPart.js';

export type StackAction = 'up' | 'down' | 'status';

export function stackContext(config: Config, root: string, print: (line: string) => void): StackContext {
  const stackDir = isAbsolute(config.stackDir) ? config.stackDir : join(root, config.stackDir);
  const cacheDir = join(root, 'ops/.cache');
  mkdirSync(stackDir, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  return { config, root, stackDir, cacheDir, print };
}

/** Runs one action over every part; returns false when any part is down (status) — `up` throws on the first failure. */
export async function runStack(
  action: StackAction,
  ctx: StackContext,
  parts: readonly StackPart[] = STACK_PARTS,
): Promise<boolean> {
  if (action === 'up') {
    for (const part of parts) ctx.print(`${part.name}: ${await part.up(ctx)}`);
    return true;
  }
  if (action === 'down') {
    for (const part of [...parts].reverse()) ctx.print(`${part.name}: ${await part.down(ctx)}`);
    return true;
  }
  let allUp = true;
  for (const part of parts) {
    const s = await part.status(ctx);
    allUp &&= s.running;
    ctx.print(`${part.name.padEnd(16)} ${s.running ? 'up  ' : 'DOWN'} ${s.detail}`);
  }
  return allUp;
}
