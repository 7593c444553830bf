import { MemoryStateStore } from '@ftpkit/core';
import { testStateStore } from '../src/index.js';

testStateStore('MemoryStateStore', () => ({ store: new MemoryStateStore() }));
