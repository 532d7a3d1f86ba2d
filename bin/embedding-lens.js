#!/usr/bin/env node
// Entry point of the `embedding-lens` command: the bundled engine CLI.
'use strict';
const { main } = require('../dist/engine/cli.js');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  () => process.exit(1),
);
