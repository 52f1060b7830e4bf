// A process that runs many `hvbench` command lines one after the other through the CLI's entry function
// (scripts/cli.ts `main`), so that a test with dozens of cases loads the commands, engines and renderers once
// instead of once per case. It loads the CLI as bin/hvbench.js does (scripts/cli-build.mjs: the JavaScript
// build when it matches the sources, else the sources under tsx). Started by test/scripts/cli-host-client.ts
// with an IPC channel: it receives `{ args, cwd? }`, runs `main` with them as the binary's argv would hold them
// (in directory cwd when given, then back in its own), and answers `{ code, stdout, stderr }` — the exit code
// main returns (the binary's exit code, bin/hvbench.js) and everything written to this process's stdout and
// stderr meanwhile, by this thread or by a worker thread (whose output Node pipes through process.stdout.write
// and process.stderr.write).
import { load } from '../../scripts/cli-build.mjs';

const BIN = new URL('../../bin/hvbench.js', import.meta.url).pathname;
// loading while the listener below is already in place, so that no command sent meanwhile is missed
const cli = load('cli');

/** @type {{ stdout: string, stderr: string } | null} */
let captured = null;
function capture(stream, key) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (!captured) return write(chunk, ...rest);
    captured[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    rest.find((r) => typeof r === 'function')?.();
    return true;
  };
}
capture(process.stdout, 'stdout');
capture(process.stderr, 'stderr');

const home = process.cwd();
process.on('message', async (message) => {
  const { main } = await cli;
  captured = { stdout: '', stderr: '' };
  if (message.cwd) process.chdir(message.cwd);
  const code = await main([process.execPath, BIN, ...message.args]);
  process.chdir(home);
  // what a worker thread wrote just before it ended reaches this thread's streams a turn of the event loop later
  await new Promise((resolve) => setTimeout(resolve, 20));
  const { stdout, stderr } = captured;
  captured = null;
  process.exitCode = 0;
  process.send({ code, stdout, stderr });
});
