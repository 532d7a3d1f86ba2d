#!/usr/bin/env node
// Entry point of the `embedding-lens` command: the bundled engine CLI. It sets the exit
// status and lets the output drain; it never calls process.exit here.
'use strict';
require('../dist/engine/cli.js').runCli(process.argv.slice(2));
