// Secrets the CLI reads without putting them on the command line (where the process list shows them):
// a prompt on the terminal (typed characters are not echoed), or one line from standard input.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Asks on the terminal (stderr) and reads one line from it without echoing what is typed. Undefined on end of input. */
export function terminalPrompt(
  question: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let muted = false;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (!muted) output.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input, output: sink, terminal: true });
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      output.write('\n');
      rl.close();
      resolve(answer);
    });
    muted = true;
    rl.on('close', () => {
      if (!answered) {
        output.write('\n');
        resolve(undefined);
      }
    });
  });
}

/** The first line of standard input (at most `limit` bytes read), without its line ending. */
export function readFirstLine(input: NodeJS.ReadableStream = process.stdin, limit = 4096): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = () => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', onError);
      if ('pause' in input && typeof input.pause === 'function') input.pause();
      resolve(text.split(/\r?\n/)[0] ?? '');
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (text.includes('\n') || text.length >= limit) done();
    };
    const onEnd = () => done();
    const onError = (error: unknown) => reject(error);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
  });
}
