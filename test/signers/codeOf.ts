import { isParmanaError } from '../../core/errors/ParmanaError.js';

/** The code of the ParmanaError `run` rejects with; any other outcome fails the test. */
export async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    if (isParmanaError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a coded error');
}
