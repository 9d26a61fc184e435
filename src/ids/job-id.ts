// Job ids are derived from the work, so the same work cannot be queued twice. BullMQ rejects
// ids that contain `:` (its Redis key separator) and ids made only of digits (they collide
// with its own numeric ids), so every part is rewritten into a safe alphabet.

const SAFE = /[A-Za-z0-9_.-]/;

/**
 * Rewrites one part of a job id: `|` becomes `-`, a space `_`, and any other character
 * outside `[A-Za-z0-9_.-]` becomes `~` and its hex code (so `:` becomes `~3a`). The result is
 * deterministic and contains no `:`.
 */
export function jobIdPart(value: string): string {
  let out = '';
  for (const ch of value) {
    if (SAFE.test(ch)) out += ch;
    else if (ch === '|') out += '-';
    else if (ch === ' ') out += '_';
    else out += `~${ch.codePointAt(0)!.toString(16)}`;
  }
  return out;
}

/** Joins parts into a job id; the first part names the job kind, so an id is never all digits. */
export function buildJobId(kind: string, ...parts: readonly (string | number)[]): string {
  if (!/^[a-z][a-z0-9-]*$/.test(kind)) {
    throw new RangeError(`job kind ${JSON.stringify(kind)} must start with a lower-case letter and contain only a-z, 0-9 and -`);
  }
  return [kind, ...parts.map((p) => jobIdPart(String(p)))].join('-');
}
