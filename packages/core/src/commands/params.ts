/** Transfer parameters: TYPE, MODE, STRU (RFC 959 4.1.2), ALLO, REST (RFC 3659). */
import type { EngineSpec } from './engine-types.js';

export const parameterCommands: Record<string, EngineSpec> = {
  TYPE: {
    arg: 'required',
    help: 'TYPE <sp> A [N] | I | L 8',
    handler({ session, arg, reply }) {
      const value = arg.trim().toUpperCase().replace(/\s+/g, ' ');
      if (value === 'A' || value === 'A N') {
        session.login.transferType = 'A';
        return reply(200, 'Switching to ASCII mode.');
      }
      if (value === 'I' || value === 'L 8' || value === 'L8') {
        session.login.transferType = 'I';
        return reply(200, 'Switching to Binary mode.');
      }
      if (/^(A [TC]|E( [NTC])?|L \d+)$/.test(value)) return reply(504, 'Type not supported.');
      reply(501, 'Unrecognised TYPE.');
    },
  },
  MODE: {
    arg: 'required',
    help: 'MODE <sp> S',
    handler({ arg, reply }) {
      const mode = arg.trim().toUpperCase();
      if (mode === 'S') return reply(200, 'Mode set to S.');
      if (mode === 'B' || mode === 'C' || mode === 'Z') return reply(504, 'Only stream mode (S) is supported.');
      reply(501, 'Unrecognised MODE.');
    },
  },
  STRU: {
    arg: 'required',
    help: 'STRU <sp> F',
    handler({ arg, reply }) {
      const structure = arg.trim().toUpperCase();
      if (structure === 'F') return reply(200, 'Structure set to F.');
      if (structure === 'R' || structure === 'P') return reply(504, 'Only file structure (F) is supported.');
      reply(501, 'Unrecognised STRU.');
    },
  },
  ALLO: {
    arg: 'required',
    help: 'ALLO <sp> size [<sp> R <sp> record-size]',
    handler({ session, arg, reply }) {
      const m = /^(\d+)(?: R \d+)?$/i.exec(arg.trim());
      if (!m) return reply(501, 'Syntax: ALLO size');
      session.login.allocateHint = Number(m[1]);
      reply(202, 'ALLO noted; no storage allocation needed.');
    },
  },
  REST: {
    arg: 'required',
    help: 'REST <sp> byte-offset',
    feat: 'REST STREAM',
    handler({ session, arg, reply }) {
      const text = arg.trim();
      if (!/^\d{1,15}$/.test(text)) return reply(501, 'REST requires a non-negative byte offset.');
      session.login.restOffset = Number(text);
      reply(350, `Restarting at ${session.login.restOffset}. Send STORE or RETRIEVE to initiate transfer.`);
    },
  },
};
