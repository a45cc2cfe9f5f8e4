// Masking, for docs/security.md: what the integration log keeps of a webhook that carries
// secrets, and the same masking applied to the host's own logs. The test runs both.
import { createMasker, type Gateway } from '@portico/core';

/** Receives one webhook holding secrets and returns the payload its log entry keeps. */
export async function maskedLogEntry(gateway: Gateway, apiKey: string): Promise<unknown> {
  // #region log-entry
  const event = {
    event: 'ALERT_RAISED',
    data: {
      host: 'db-1',
      password: 'hunter2',
      note: 'retry with Bearer 7f3ac1d29b8e4f60',
      callback: 'https://bot:hunter2@hooks.corp.example/cb?token=abc&page=2',
      tokens_used: 1200,
    },
  };
  const accepted = await gateway.receiveWebhook({
    key: apiKey,
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from(JSON.stringify(event)),
  });
  const { items } = await gateway.logs.query({ intId: accepted.intId, direction: 'IN' });
  console.log(items[0]?.payload);
  // {
  //   event: 'ALERT_RAISED',
  //   data: {
  //     host: 'db-1',
  //     password: '***',
  //     note: 'retry with Bearer ***',
  //     callback: 'https://bot:***@hooks.corp.example/cb?token=***&page=2',
  //     tokens_used: 1200
  //   }
  // }
  // #endregion log-entry
  return items[0]?.payload;
}

// #region host-logs
// The same rules for the host's own logs, plus names of its own: `ssn` also masks `user_ssn`.
const maskForLog = createMasker({ extraKeys: ['ssn'] });

console.log(maskForLog({ user: 'kim', user_ssn: '900101-1234567', headers: { 'X-Api-Key': 'abc' } }));
// { user: 'kim', user_ssn: '***', headers: { 'X-Api-Key': '***' } }
// #endregion host-logs

export { maskForLog };
