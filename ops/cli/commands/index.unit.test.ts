import { describe, expect, it } from 'vitest';
import { allCommands, AREAS_BY_FIRST_WORD, commandsFor } from './index.js';

describe('the lazy command registry', () => {
  it('finds every command among the areas of its first word', async () => {
    const all = await allCommands();
    expect(all.length).toBeGreaterThan(20);
    for (const c of all) {
      const first = c.path[0] ?? '';
      expect(Object.keys(AREAS_BY_FIRST_WORD), `no area for "${first}"`).toContain(first);
      expect(await commandsFor(first), c.path.join(' ')).toContain(c);
    }
  });

  it('names no first word that has no command', async () => {
    const firstWords = new Set((await allCommands()).map((c) => c.path[0]));
    expect(Object.keys(AREAS_BY_FIRST_WORD).filter((w) => !firstWords.has(w))).toEqual([]);
  });

  it('loads nothing for an unknown word', async () => {
    expect(await commandsFor('no-such-command')).toEqual([]);
    expect(await commandsFor(undefined)).toEqual([]);
  });
});
