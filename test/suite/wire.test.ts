// Host ↔ webview in the real VS Code: `webview.postMessage` carries typed arrays as typed arrays,
// NaN, ±Infinity and −0 included, and the webview's messages carry them back. The panels rely on it
// (src/shared/webview/*.ts declare typed arrays and nothing re-encodes them); if a VS Code update
// broke it, this fails, and src/shared/wire.ts would have to encode that channel too.
import * as assert from 'assert';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';

/** The page reports what it received (type, length, every value as text) and posts it back. */
const PAGE = `<!DOCTYPE html><html><body><script>
const vscode = acquireVsCodeApi();
const text = (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v));
const describe = (a) => ({ type: a && a.constructor ? a.constructor.name : typeof a, values: Array.from(a || [], text) });
window.addEventListener('message', (e) => {
  const m = e.data;
  vscode.postMessage({
    type: 'seen',
    seen: { f32: describe(m.f32), f64: describe(m.f64), i32: describe(m.i32), view: describe(m.nested.view) },
    echo: m,
  });
});
vscode.postMessage({ type: 'ready' });
</script></body></html>`;

type Seen = Record<'f32' | 'f64' | 'i32' | 'view', { type: string; values: string[] }>;
interface Reply {
  type: string;
  seen: Seen;
  echo: { f32: Float32Array; f64: Float64Array; i32: Int32Array; nested: { view: Float32Array } };
}

suite('wire', () => {
  test('postMessage keeps Float32Array, Float64Array and Int32Array with NaN, both ways', async function () {
    this.timeout(60_000);
    const panel = vscode.window.createWebviewPanel('embeddingLens.wireProbe', 'Wire probe', vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    try {
      const messages: Reply[] = [];
      let wake: () => void = () => {};
      panel.webview.onDidReceiveMessage((m: Reply) => {
        messages.push(m);
        wake();
      });
      const next = async (type: string): Promise<Reply> => {
        for (;;) {
          const m = messages.find((x) => x.type === type);
          if (m) return m;
          await new Promise<void>((r) => (wake = r));
        }
      };
      panel.webview.html = PAGE;
      await next('ready');
      const big = Float32Array.of(9, 8, NaN, 7, -0, 6);
      const sent = {
        f32: Float32Array.of(1.5, NaN, Infinity, -Infinity, -0),
        f64: Float64Array.of(0.1, NaN, 5e-324),
        i32: Int32Array.of(-1, 2147483647),
        // A view into a larger buffer: only its own elements may arrive.
        nested: { view: big.subarray(2, 5) },
      };
      assert.ok(await panel.webview.postMessage(sent), 'posted');
      const reply = await next('seen');
      assert.deepStrictEqual(reply.seen, {
        f32: { type: 'Float32Array', values: ['1.5', 'NaN', 'Infinity', '-Infinity', '-0'] },
        f64: { type: 'Float64Array', values: ['0.1', 'NaN', '5e-324'] },
        i32: { type: 'Int32Array', values: ['-1', '2147483647'] },
        view: { type: 'Float32Array', values: ['NaN', '7', '-0'] },
      });
      // And back: the webview's message brings the same typed arrays to the host.
      const echo = reply.echo;
      assert.ok(echo.f32 instanceof Float32Array, `echoed f32 is a ${echo.f32?.constructor?.name}`);
      assert.ok(echo.f64 instanceof Float64Array && echo.i32 instanceof Int32Array);
      assert.deepStrictEqual(echo.f32, sent.f32);
      assert.deepStrictEqual(echo.f64, sent.f64);
      assert.deepStrictEqual(echo.i32, sent.i32);
      assert.deepStrictEqual(Array.from(echo.nested.view), Array.from(sent.nested.view));
    } finally {
      panel.dispose();
    }
  });
});
