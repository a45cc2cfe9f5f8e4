import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

// ESM only: the suites import Vitest, which cannot be required.
export default defineConfig(packageBuild({ format: ['esm'] }));
