#!/usr/bin/env node
// Provisions Node.js and the pinned n8n of a line into the cache outside the repository: the
// CLI of the n8n driver's provisioning (tooling/n8n/provision.cjs; `--help` lists its options).
//
//   node scripts/provision-n8n.mjs [--line 1|2] [--json] [--force] [--print-dir]
import { runProvisionCli } from '../tooling/n8n/index.cjs';

runProvisionCli();
