/**
 * Messages every panel's webview and host exchange, whatever the panel.
 * The webview sends `ready` once its script has loaded and its listeners are
 * attached; the host queues everything it posts until then (the handshake).
 */

export type CommonFromWebview =
  | { type: 'ready' }
  /** Run one of the extension's commands on this panel's file (toolbar links between panels). */
  | { type: 'runCommand'; command: string };

/** A panel's own messages: `ready` and `runCommand` are answered by the panel base class. */
export type PanelMessage<M extends { type: string }> = Exclude<M, CommonFromWebview>;

export type CommonToWebview =
  /** Something failed; the panel shows the message in place of the content it could not get. */
  | { type: 'error'; message: string }
  /** Work is under way (or done, with message undefined). */
  | { type: 'busy'; message?: string };

/** A command link a panel may show in its toolbar (the host decides which exist). */
export interface PanelLink {
  command: string;
  title: string;
}
