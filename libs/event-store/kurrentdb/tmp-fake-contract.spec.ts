import { describeEventStoreContract } from '../testing/event-store.contract.js';
import { openKurrentDbEventStore } from './kurrentdb-event-store.js';
import { FakeKurrentDb } from './testing/fake-kurrentdb-server.js';

describeEventStoreContract('KurrentDB (fake server)', async () => {
  const fake = await new FakeKurrentDb().start();
  const store = openKurrentDbEventStore(fake.connectionString);
  return { store, reopen: async () => openKurrentDbEventStore(fake.connectionString), dispose: async () => { await store.close(); await fake.stop(); } };
});
