// Reading the two files `compare` is given. Unreadable files, non-JSON, non-results files and other schema
// versions are UsageErrors naming the file (exit 2); validation is reports/results-schema.ts's.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import type { ResultsFile } from '../results.ts';
import { parseResultsFile } from '../../reports/results-schema.ts';

export async function loadResultsFile(path: string): Promise<ResultsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code;
    throw new UsageError(`${path}: cannot read (${why})`);
  }
  return parseResultsFile(text, path);
}
