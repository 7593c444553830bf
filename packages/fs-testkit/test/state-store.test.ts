import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IpcStateStore, MemoryStateStore } from '@ftpkit/core';
import { testStateStore } from '../src/index.js';

testStateStore('MemoryStateStore', () => ({ store: new MemoryStateStore() }));

// Over a real IPC channel (JSON-serialised, like node:cluster's) to a forked process.
testStateStore('IpcStateStore', async () => {
  const primary = fork(fileURLToPath(new URL('./fixtures/ipc-primary.ts', import.meta.url)), {
    execArgv: ['--conditions=@ftpkit/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => primary.once('message', resolve)); // it is serving
  const store = new IpcStateStore(primary);
  return {
    store,
    cleanup: async () => {
      await store.close();
      primary.disconnect();
    },
  };
});
