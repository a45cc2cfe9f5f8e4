/**
 * The test projects. Vitest 4 reads them from `test.projects` in `vitest.config.ts`,
 * which takes this list, so adding a package means adding one line here.
 */
export default ['packages/*', 'examples/*-server', 'examples/reliability', 'examples/docs'];
