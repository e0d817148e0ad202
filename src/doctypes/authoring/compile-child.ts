/**
 * The child process of a publish check: renders one document from an untrusted template with the real renderer, then
 * answers over IPC and exits. A separate process rather than a worker thread because Typst runs in native code: a
 * worker's terminate() cannot interrupt a looping compile (measured: still spinning 3 s after terminate), and a
 * native allocation failure would take the whole server down; a child process is killed outright.
 */
import { createRenderer, RenderError, type RenderInput } from '../../render/index.js';
import type { ChildAnswer } from './compile-sandboxed.js';

if (!process.send) throw new Error('compile-child must run as a forked child process');

// Modules loaded and fonts read: the parent starts the compile clock only now, so a slow start is not a slow template.
const renderer = createRenderer();
process.send({ ready: true });

process.once('message', (message: { input: RenderInput }) => {
  let answer: ChildAnswer;
  try {
    answer = { ok: true, pdf: renderer.render(message.input) };
  } catch (e) {
    answer =
      e instanceof RenderError
        ? { ok: false, kind: 'render', message: e.message.split('\n')[0] ?? e.message, diagnostics: e.diagnostics }
        : { ok: false, kind: 'error', message: String((e as Error)?.message ?? e), diagnostics: [] };
  } finally {
    renderer.close();
  }
  process.send!(answer, undefined, {}, () => process.disconnect());
});
