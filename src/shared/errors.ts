/** Error codes the engine uses in LSP responses, shared with the host. */

/** The user's input is at fault (file, column, row...): the message is for the user. */
export const ENGINE_ERROR_INPUT = -32001;
