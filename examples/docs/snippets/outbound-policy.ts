// The egress policy of docs/outbound-security.md. The test sets CORP_CA_FILE to a CA it
// generated and PORTICO_EGRESS_ALLOW=127.0.0.1/32, imports this module, then sends to a denied
// address and to an HTTPS receiver on loopback whose certificate that CA signed.
import { keyRingFromBase64, memoryStorage } from '@portico/core';

const keyRing = keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '');
const storage = memoryStorage();

// #region policy
import { readFileSync } from 'node:fs';
import { createEgressPolicy, createGateway, parseEgressRules } from '@portico/core';

const gateway = createGateway({
  keyRing,
  storage,
  egress: {
    policy: createEgressPolicy({
      // ahead of the defaults: may open what they deny, or close part of what they allow
      prepend: [
        { action: 'deny', cidr: '10.20.0.0/16' },
        // comma-separated CIDRs from the environment, denials first, as the example servers read them
        ...parseEgressRules({ deny: process.env.PORTICO_EGRESS_DENY, allow: process.env.PORTICO_EGRESS_ALLOW }),
      ],
      // after the defaults: their denials still hold
      rules: [{ action: 'allow', cidr: '203.0.113.10/32' }],
    }),
    // on-premises PKI: trusted in addition to Node's bundled roots
    tls: { ca: readFileSync(process.env.CORP_CA_FILE ?? '/etc/pki/corp-ca.pem') },
  },
});
// #endregion policy

export { gateway, storage };
