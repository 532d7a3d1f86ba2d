/** Every CLI command. A feature adds its command here, one line. */
import { Command } from '../command';
import { inspectCommand } from './inspect';
import { neighborsCommand } from './neighbors';
import { embedCommand } from './embed';
import { diagnoseCommand } from './diagnose';
import { compressCommand } from './compress';
import { projectCommand } from './project';
import { gapCommand } from './gap';
import { collapseCommand } from './collapse';
import { compareCommand } from './compare';

export const COMMANDS: Command[] = [
  inspectCommand,
  neighborsCommand,
  embedCommand,
  diagnoseCommand,
  compressCommand,
  projectCommand,
  gapCommand,
  collapseCommand,
  compareCommand,
];
