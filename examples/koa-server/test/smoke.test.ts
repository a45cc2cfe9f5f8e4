import { describeSmoke } from '@portico-examples/shared/smoke';

describeSmoke(new URL('../server.mjs', import.meta.url));
