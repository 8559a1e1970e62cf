// The workspace's shared-library steps (`vars/NAME.groovy`): parsed once per change of the file, so that a
// pipeline's calls of them can be analysed with their arguments (pipeline/library.ts). No I/O: the CLI and
// the extension read the files and hand their texts here.
import { parse } from './syntax/parser';
import type { LibraryStep, SharedLibrary } from './types';

const STEP_FILE = /(?:^|[\\/])vars[\\/]([A-Za-z_$][\w$]*)\.groovy$/;

/** The step a file defines when it is a shared-library `vars/NAME.groovy`, else null. */
export function libraryStepName(file: string): string | null {
  const m = STEP_FILE.exec(file);
  return m ? m[1] : null;
}

/** One step from its file's text (parsed now, once). */
export function libraryStep(file: string, text: string): LibraryStep | null {
  const name = libraryStepName(file);
  return name === null ? null : { name, file, text, program: parse(text).program };
}

/**
 * The library of the given step files: a name defined by several files is the first one's (files in the
 * order given). Steps of `previous` whose file and text are unchanged are kept as they were (not re-parsed).
 */
export function sharedLibrary(
  files: ReadonlyArray<{ file: string; text: string }>,
  previous?: SharedLibrary | null,
): SharedLibrary {
  const old = new Map<string, LibraryStep>();
  if (previous) for (const s of previous.steps.values()) old.set(s.file, s);
  const steps = new Map<string, LibraryStep>();
  for (const { file, text } of files) {
    const name = libraryStepName(file);
    if (name === null || steps.has(name)) continue;
    const kept = old.get(file);
    const step = kept && kept.text === text ? kept : libraryStep(file, text);
    if (step) steps.set(name, step);
  }
  return { steps };
}
