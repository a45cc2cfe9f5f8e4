import { describe, expect, it } from 'vitest';
import { customHeaders } from '../../src/delivery/delivery-headers';
import { cachedOpener } from '../../src/crypto/cached-opener';
import { generateKeyRing, sealedKeyId, type KeyRing } from '../../src/crypto/key-ring';
import { memoryStorage } from '../../src/storage/memory-storage';
import { bytes, setup, STANDARD_SECRET, standardHeaders, T0 } from './harness';

const body = '{"event":"ALERT_RAISED"}';

/** The ring after a rotation from `old` to a new key `k2`: the new key seals, both open. */
function rotated(old: KeyRing): { both: KeyRing; newOnly: KeyRing } {
  const fresh = generateKeyRing('k2');
  return { both: { currentKeyId: 'k2', keys: { ...old.keys, ...fresh.keys } }, newOnly: fresh };
}

describe('resealSecrets', () => {
  it('seals every older secret and header set under the current key, so the old key can go', async () => {
    const storage = memoryStorage();
    const old = generateKeyRing('k1');
    const before = setup({ storage, keyRing: old }).gateway;
    const signed = await before.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: STANDARD_SECRET, headers: { Authorization: 'Bearer t0ken-value' } }, 'admin');
    await before.integrations.create({ name: 'Plain', type: 'WEBHOOK_IN' }, 'admin');
    const { both, newOnly } = rotated(old);

    const during = setup({ storage, keyRing: both }).gateway;
    expect(await during.integrations.resealSecrets('ops')).toEqual({ checked: 2, resealed: 1 });
    expect(await during.integrations.resealSecrets('ops')).toEqual({ checked: 2, resealed: 0 });

    const record = await storage.integrations.get(signed.integration.id);
    expect([sealedKeyId(record?.sealedSecret ?? ''), sealedKeyId(record?.sealedHeaders ?? '')]).toEqual(['k2', 'k2']);
    expect(record?.updatedBy).toBe('ops');
    const after = setup({ storage, keyRing: newOnly }).gateway;
    const headers = standardHeaders(STANDARD_SECRET, 'msg_after', T0, body);
    await expect(after.integrations.get(signed.integration.id)).resolves.toMatchObject({ id: signed.integration.id });
    await expect(after.receiveWebhook({ key: signed.apiKey, headers, rawBody: bytes(body) })).resolves.toMatchObject({ accepted: true });
    expect(customHeaders(cachedOpener(newOnly), record!)).toEqual({ authorization: 'Bearer t0ken-value' });
    const logs = await during.logs.query({ intId: signed.integration.id });
    expect(logs.items.map((entry) => entry.event)).toContain('SECRETS_RESEALED');
  });

  it('fails loudly, changing nothing, when the ring lacks the key a value was sealed with', async () => {
    const storage = memoryStorage();
    const old = generateKeyRing('k1');
    const created = await setup({ storage, keyRing: old }).gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: STANDARD_SECRET }, 'admin');
    const { newOnly } = rotated(old);
    await expect(setup({ storage, keyRing: newOnly }).gateway.integrations.resealSecrets('ops')).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(sealedKeyId((await storage.integrations.get(created.integration.id))?.sealedSecret ?? '')).toBe('k1');
  });
});
